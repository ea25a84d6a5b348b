"""Real episodes to backtest: scenarios with an ``observed:`` block, from a folder or a file.

A folder is a library: each episode is scored and its base-rate baseline comes from the other
episodes of the same folder (leave one out). A single file is a user's own crisis: its
base-rate baseline comes from the shipped library of real episodes (``scenarios/history/``),
leaving out an episode of the same name.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from escalation.errors import Location
from escalation.library import history_folder
from escalation.scenario.calibrated import CalibratedSet
from escalation.scenario.compiled import Scenario
from escalation.scenario.loader import load_scenario

HOW_TO_OBSERVE = (
    "add an observed: block with what really happened, each fact with its source, e.g.\n"
    "  observed:\n"
    "    outcome: {value: CLASS, source: \"facts:#12\"}        # one of its outcome classes\n"
    "    first_answer_days:\n"
    "      ACTOR: {value: 1.5, source: \"facts:#4\"}          # null: it never answered\n"
    "(docs/scenario-format.md, 'Observed facts')")


@dataclass(frozen=True)
class Episode:
    """A real episode: its scenario (with ``observed``) and the file it came from."""

    path: Path
    scenario: Scenario

    @property
    def name(self) -> str:
        return self.scenario.name

    @property
    def real_class(self) -> str:
        assert self.scenario.observed is not None
        return str(self.scenario.observed.outcome.value)

    def with_values(self, values: Mapping[str, float]) -> tuple[Scenario, int]:
        """The episode loaded with every parameter a pattern of ``values`` matches set to its
        value (the first pattern that matches, as in a calibrated file), run to the crisis's
        end; and how many parameters were set. With none set, its own scenario."""
        names = (p.name for p in self.scenario.parameters.all)
        chosen = CalibratedSet("", dict(values), {}).settings(names, _VALUES_SET)
        if not chosen:
            return self.scenario, 0
        return load_scenario(self.path, settings=[*WHOLE_CRISIS, *chosen]), len(chosen)


_VALUES_SET = Location("<values set by calibration>", 1, 1)  # where a bad one is reported

# What happened is the whole crisis: a run that reaches a terminal class (war) goes on to the
# crisis's end, its class kept, so its deaths, acts and length can be set beside the real ones.
WHOLE_CRISIS = ("after_terminal=continue",)


Targets = str | os.PathLike[str] | Sequence[str | os.PathLike[str]]


def _paths(targets: Targets) -> list[Path]:
    return [Path(targets)] if isinstance(targets, (str, os.PathLike)) else [Path(t) for t in targets]


def is_single_file(targets: Targets) -> bool:
    """Whether the targets are one scenario file (scored against the reference library)."""
    paths = _paths(targets)
    return len(paths) == 1 and not paths[0].is_dir()


def load_episodes(targets: Targets) -> list[Episode]:
    """The episodes of a folder (its ``*.yaml`` files, by name), of one file, or of a list of
    either; every one must carry an ``observed:`` block (a ValueError says which do not, and
    how to add one)."""
    files: list[Path] = []
    for path in _paths(targets):
        if path.is_dir():
            found = sorted(path.glob("*.yaml"))
            if not found:
                raise ValueError(f"{path} holds no scenario files (*.yaml) to backtest")
            files += found
        elif path.is_file():
            files.append(path)
        else:
            raise FileNotFoundError(f"no file or folder {path}: give a scenario file with an "
                                    f"observed: block, or a folder of them such as {history_folder()}")
    episodes = [Episode(file, load_scenario(file, settings=WHOLE_CRISIS)) for file in files]
    unobserved = [str(e.path) for e in episodes if e.scenario.observed is None]
    if unobserved:
        raise ValueError(f"{', '.join(unobserved)}: no observed: block, so nothing to score "
                         f"the forecast against; {HOW_TO_OBSERVE}")
    names = [e.name for e in episodes]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ValueError(f"scenario names used by more than one file: {', '.join(twice)}; "
                         "each episode needs its own name")
    return episodes


def reference_outcomes(episodes: list[Episode], single_file: bool,
                       reference: str | os.PathLike[str] | None = None) -> dict[str, str]:
    """Real class of every episode of the reference set, by name: the episodes themselves for
    a library; for a single file, those of ``reference`` (default: the shipped history
    library) and the file's own (left out when it is scored)."""
    if not single_file and reference is None:
        return {e.name: e.real_class for e in episodes}
    folder = Path(reference) if reference is not None else history_folder()
    library = load_episodes(folder) if folder.is_dir() else []
    return {**{e.name: e.real_class for e in library}, **{e.name: e.real_class for e in episodes}}
