"""The scenario library that ships with the package, and finding a scenario by name.

The files live in the repository's top-level ``scenarios/`` folder and are installed as
``escalation/scenarios/`` (pyproject.toml maps the one onto the other), so a user who only ran
``pip install escalation`` has crises to run: ``escalation scenarios`` lists them and every
command that takes a FILE also takes a shipped scenario's name (``escalation run us_iran_2020``).
The real episodes the model is scored on (``escalation backtest``) ship in the subfolder
``history/`` and are named by it (``escalation run history/us_syria_2017``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

SUFFIX = ".yaml"
HISTORY = "history"  # the subfolder of real episodes, each with an observed: block


def library_folder() -> Path:
    """Where the shipped scenarios are: inside the installed package, or, in a source checkout
    (an editable install, the tests), the repository's ``scenarios/`` beside the package."""
    package = Path(__file__).resolve().parent
    shipped = package / "scenarios"
    return shipped if shipped.is_dir() else package.parent / "scenarios"


def history_folder() -> Path:
    """Where the shipped real episodes are: ``history/`` in the library folder."""
    return library_folder() / HISTORY


@dataclass(frozen=True)
class Shipped:
    """One scenario of the library: its name (the file's stem; ``history/<stem>`` for a real
    episode), title and file."""

    name: str
    title: str
    path: Path


def shipped_scenarios() -> list[Shipped]:
    """Every scenario of the library, by name, then the real episodes of ``history/``. The
    title is read from the file's YAML without compiling it (a listing must not fail, or wait,
    on one scenario)."""
    found = [Shipped(path.stem, _title(path), path)
             for path in sorted(library_folder().glob(f"*{SUFFIX}"))]
    found += [Shipped(f"{HISTORY}/{path.stem}", _title(path), path)
              for path in sorted(history_folder().glob(f"*{SUFFIX}"))]
    return found


def _title(path: Path) -> str:
    """The file's ``title:`` (else its ``name:``, else nothing), read as plain YAML."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return ""
    if not isinstance(data, dict):
        return ""
    return str(data.get("title") or data.get("name") or "")


def resolve_scenario(text: str) -> str:
    """The file a command-line FILE names: the path itself when it exists (a local file wins
    over a shipped one of the same name), else the shipped scenario of that name (with or
    without ``.yaml``; a real episode as ``history/<name>``). A name that is neither is
    returned as given, for the loader to report as a missing file, with the shipped names
    suggested by ``unknown_scenario``."""
    if Path(text).exists():
        return text
    stem = text[:-len(SUFFIX)] if text.endswith(SUFFIX) else text
    for shipped in shipped_scenarios():
        if shipped.name == stem:
            return str(shipped.path)
    return text


def unknown_scenario(text: str) -> str | None:
    """Why ``text`` names no scenario (no such file, and no shipped scenario of that name),
    with the names that exist; None when it names a file."""
    if Path(resolve_scenario(text)).is_file():
        return None
    names = ", ".join(s.name for s in shipped_scenarios()) or "none found"
    return (f"no scenario file {text}, and no shipped scenario of that name; give a path to "
            f"a YAML file, or one of the shipped scenarios (escalation scenarios): {names}")


__all__ = ["HISTORY", "Shipped", "history_folder", "library_folder", "resolve_scenario",
           "shipped_scenarios", "unknown_scenario"]
