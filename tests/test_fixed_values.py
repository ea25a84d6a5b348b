"""Values pinned in every run of a batch (``BatchRequest.fixed``, montecarlo/sampling.py): the
runs are those of the scenario loaded with the values set, every other draw the same, on any
backend; a pin that names no parameter, or is no number, is refused."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import escalation
from escalation.montecarlo.batch import run_batches
from escalation.montecarlo.gather import BatchRequest
from tests.toys import one_strike

NAME = "actors.b.policies.answer.probability"


def slot(scenario: escalation.Scenario, name: str) -> int:
    [parameter] = [p for p in scenario.parameters.all if p.name == name]
    return parameter.slot


@pytest.mark.parametrize("backend", ["serial", "processes"])
def test_a_pinned_value_gives_the_runs_of_the_scenario_with_it_set(tmp_path: Path,
                                                                   backend: str) -> None:
    path = one_strike(tmp_path, "toy", deaths=20)
    scenario = escalation.load_scenario(path)
    [pinned] = run_batches([BatchRequest(scenario, 80, 4, fixed=((slot(scenario, NAME), 0.3),))],
                           backend=backend, workers=2, progress=False)
    loaded = escalation.run_batch(escalation.load_scenario(path, [f"{NAME}=0.3"]), runs=80,
                                  seed=4, backend="serial", progress=False)
    assert (pinned.runs[f"param.{NAME}"] == 0.3).all()  # still a column: it was uncertain
    shared = list(loaded.runs.columns)  # loaded with the value set: a constant, no column
    assert f"param.{NAME}" not in shared
    pd.testing.assert_frame_equal(pinned.runs[shared], loaded.runs[shared])
    free = escalation.run_batch(scenario, runs=80, seed=4, backend="serial", progress=False)
    assert not free.runs["outcome"].equals(pinned.runs["outcome"])  # the pin does something


def test_pins_that_cannot_serve_are_refused(tmp_path: Path) -> None:
    scenario = escalation.load_scenario(one_strike(tmp_path, "toy"))
    for fixed in (((10_000, 0.5),), ((0, float("nan")),)):
        with pytest.raises(ValueError, match="fixed value"):
            run_batches([BatchRequest(scenario, 5, 0, fixed=fixed)], backend="serial",
                        progress=False)
