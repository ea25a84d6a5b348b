"""What ``pip install`` puts in the package: every package folder, the standard action kinds,
and the scenario library (the top-level scenarios/ folder, installed as escalation/scenarios).

pyproject.toml lists the packages by hand, since the library is mapped in from outside the
package folder; this test fails when a new package folder is missing from that list. The real
install was checked with ``pip install .`` into a fresh virtual environment (README)."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SETUPTOOLS = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]


def test_every_package_folder_is_listed() -> None:
    folders = {".".join(path.parent.relative_to(ROOT).parts)
               for path in (ROOT / "escalation").rglob("__init__.py")}
    assert folders and folders <= set(SETUPTOOLS["packages"])


def test_the_scenario_library_and_the_standard_kinds_are_package_data() -> None:
    assert SETUPTOOLS["package-dir"]["escalation.scenarios"] == "scenarios"
    data = SETUPTOOLS["package-data"]
    shipped = {path.name for pattern in data["escalation.scenarios"]
               for path in (ROOT / "scenarios").glob(pattern)}
    assert shipped == {path.name for path in (ROOT / "scenarios").iterdir() if path.is_file()}
    assert {"escalation.data", "escalation.scenarios"} <= set(SETUPTOOLS["packages"])
    assert [p.name for p in (ROOT / "escalation" / "data").glob(data["escalation.data"][0])]
