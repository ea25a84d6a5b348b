"""The history library (``scenarios/history/*.yaml``): real crises with what really happened.

Each episode is a scenario plus its source material in ``seeds/<name>/``, and ``escalation
backtest`` scores the model against its ``observed:`` block. These tests keep the library fit
for that:

- every file loads and validates, its ``name`` is its file name, and it carries an observed
  block whose outcome is one of the scenario's classes;
- every observed fact names its source, and a source citing ``facts:#N`` names rows that exist
  in the episode's ``seeds/<name>/facts.md``;
- ``seeds/<name>/`` holds the four files (summary.md, facts.md, timeline.yaml, calibration.md),
  and the timeline is plain YAML;
- 200 runs of each finish with no failed run, every run classified (probabilities sum to 1),
  and every run well formed: it ends by a terminal class, quiet or the horizon; its last
  hostile act is no later than its end; deaths are whole and not negative; an actor's first
  act, when it has one, lies within the run;
- the library is shipped: ``escalation.library`` finds the episodes by name, and the package
  data include the folder.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import numpy as np
import pytest
import yaml

import escalation
from escalation.library import history_folder, resolve_scenario, shipped_scenarios
from escalation.montecarlo.batch import run_batch

ROOT = Path(__file__).resolve().parents[1]
HISTORY = ROOT / "scenarios" / "history"
SEEDS = ROOT / "seeds"
FILES = sorted(HISTORY.glob("*.yaml"))
SEED_FILES = ("summary.md", "facts.md", "timeline.yaml", "calibration.md")
FACT_ROW = re.compile(r"^\|\s*(\d+)\s*\|", re.MULTILINE)
CITED_ROWS = re.compile(r"facts:((?:\s*#\d+(?:\s*[–-]\s*#?\d+)?\s*,?)+)")


def _id(path: Path) -> str:
    return path.stem


def _facts_rows(name: str) -> set[int]:
    return {int(n) for n in FACT_ROW.findall((SEEDS / name / "facts.md").read_text(encoding="utf-8"))}


def _cited(source: str) -> set[int]:
    """Rows a source cites: 'facts:#3, #7' and ranges such as 'facts:#18–#20'."""
    rows: set[int] = set()
    for group in CITED_ROWS.findall(source):
        for part in group.split(","):
            numbers = [int(n) for n in re.findall(r"\d+", part)]
            if len(numbers) == 2:
                rows.update(range(numbers[0], numbers[1] + 1))
            else:
                rows.update(numbers)
    return rows


def test_the_library_holds_episodes() -> None:
    assert len(FILES) >= 2
    assert {"israel_hezbollah_2006", "us_syria_2017"} <= {f.stem for f in FILES}


@pytest.mark.parametrize("path", FILES, ids=_id)
def test_loads_with_an_observed_block_of_its_own_classes(path: Path) -> None:
    scenario = escalation.load_scenario(path)
    assert scenario.name == path.stem
    observed = scenario.observed
    assert observed is not None, f"{path.name} has no observed: block"
    assert observed.outcome.value in scenario.outcome_ids
    assert observed.facts, "an episode observes more than its outcome"


@pytest.mark.parametrize("path", FILES, ids=_id)
def test_every_observed_fact_cites_rows_of_its_facts_table(path: Path) -> None:
    observed = escalation.load_scenario(path).observed
    assert observed is not None
    rows = _facts_rows(path.stem)
    for fact in observed.all:
        assert fact.source.strip(), f"{fact.name} has no source"
        assert _cited(fact.source) <= rows, (
            f"{fact.name} cites {sorted(_cited(fact.source) - rows)}, not rows of "
            f"seeds/{path.stem}/facts.md")


@pytest.mark.parametrize("path", FILES, ids=_id)
def test_its_source_material_is_in_seeds(path: Path) -> None:
    folder = SEEDS / path.stem
    missing = [name for name in SEED_FILES if not (folder / name).is_file()]
    assert not missing, f"seeds/{path.stem}/ lacks {missing}"
    assert _facts_rows(path.stem), "facts.md has a numbered table"
    timeline = yaml.safe_load((folder / "timeline.yaml").read_text(encoding="utf-8"))
    assert isinstance(timeline, dict) and timeline


@pytest.mark.parametrize("path", FILES, ids=_id)
def test_every_run_ends_well_formed(path: Path) -> None:
    scenario = escalation.load_scenario(path)
    results = run_batch(scenario, 200, seed=7, backend="serial", progress=False)
    runs = results.runs
    assert len(runs) == 200
    assert results.failures == 0, runs["error"].dropna().head(3).tolist()
    summary = results.summary()
    assert set(summary.index) <= set(scenario.outcome_ids)  # no 'unclassified'
    assert summary["probability"].sum() == pytest.approx(1.0)
    assert set(runs["ended_by"]) <= {"terminal", "quiet", "horizon"}
    horizon = scenario.spec.horizon_days
    assert (runs["duration_days"] <= horizon + 1e-9).all()
    assert (runs["crisis_days"] <= runs["duration_days"] + 1e-9).all()
    assert (runs["crisis_days"] >= 0).all()
    for column in (c for c in runs.columns if c.startswith("deaths.")):
        deaths = runs[column].to_numpy(dtype=float)
        assert (deaths >= 0).all() and np.array_equal(deaths, np.round(deaths)), column
    for column in (c for c in runs.columns if c.startswith("first_act_day.")):
        days = runs[column].dropna()
        assert ((days >= 0) & (days <= runs.loc[days.index, "duration_days"] + 1e-9)).all(), column


def test_the_episodes_ship_with_the_package_and_are_found_by_name() -> None:
    assert history_folder() == HISTORY
    names = {s.name for s in shipped_scenarios()}
    assert {f"history/{f.stem}" for f in FILES} <= names
    for path in FILES:
        assert Path(resolve_scenario(f"history/{path.stem}")).resolve() == path.resolve()
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert "escalation.scenarios.history" in setuptools["packages"]
    shipped = {p for pattern in setuptools["package-data"]["escalation.scenarios.history"]
               for p in HISTORY.glob(pattern)}
    assert set(FILES) <= shipped


def test_the_before_and_after_versions_stay_out_of_the_library() -> None:
    """The pre-issue-11 versions are evidence (seeds/), written for an older format."""
    assert not any(f.name == "pre_issue_11.yaml" for f in HISTORY.iterdir())
    assert all((SEEDS / name / "before_after.md").is_file()
               for name in ("israel_hezbollah_2006", "us_syria_2017"))
