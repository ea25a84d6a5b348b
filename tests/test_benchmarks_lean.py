"""benchmarks/lean_minimal.py tells minimal.yaml's story as the engine plays it: the same
outcome classes, durations and model events on a small sample (its timings are benchmarks,
not tests: see benchmarks/README.md)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import lean_minimal  # noqa: E402  (a script of benchmarks/, not a module of the package)

RUNS = 600
FLAG = 1e-3  # as benchmarks/stability.py: a p-value below this is a move, not noise


@pytest.fixture(scope="module")
def agreement() -> dict[str, float]:
    return lean_minimal.check(RUNS, seed=0)


@pytest.mark.parametrize("test", ["outcome chi2", "duration KS", "duration MWU"])
def test_lean_model_agrees_with_the_engine(agreement: dict[str, float], test: str) -> None:
    assert agreement[test] > FLAG


def test_lean_runs_end_as_the_story_allows() -> None:
    runs = lean_minimal.lean_runs(0, RUNS)
    outcomes = {outcome for outcome, _, _ in runs}
    assert outcomes == {"de_escalation", "contained_exchange"}
    for outcome, days, events in runs:
        # quiet two days after the last strike: A's answer lands a day or two after the opening
        assert 2.0 < days < 30.0
        assert events == (3 if outcome == "de_escalation" else 5)


def test_a_run_is_fixed_by_its_seed() -> None:
    assert lean_minimal.lean_runs(7, 50) == lean_minimal.lean_runs(7, 50)
