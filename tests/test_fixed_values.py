"""Values pinned in every run of a batch (``BatchRequest.fixed``, montecarlo/sampling.py): the
runs are those of the scenario loaded with the values set, every other draw the same, on any
backend; a pin that names no parameter, or is no number, is refused. Values set run by run
(``BatchRequest.per_run``) give each run the runs of its own value, whatever the chunking."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import escalation
from escalation.montecarlo.batch import run_batches
from escalation.montecarlo.gather import BatchRequest
from escalation.montecarlo.sampling import RunValues
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


@pytest.mark.parametrize("backend", ["serial", "processes"])
def test_values_set_run_by_run_give_each_run_the_run_of_its_value(tmp_path: Path,
                                                                  backend: str) -> None:
    """Run k with value v_k is run k of the batch with v pinned in every run: every other
    draw is the run's own, and the chunk a run falls in does not matter."""
    scenario = escalation.load_scenario(one_strike(tmp_path, "toy", deaths=20))
    lethality = slot(scenario, "assets.b_base.lethality")
    values = np.array([[0.0, 0.5], [1.0, 4.0], [0.3, 2.0]] * 10)  # probability, lethality
    rows = RunValues((slot(scenario, NAME), lethality), values)
    [varied] = run_batches([BatchRequest(scenario, 30, 6, first_run=5, per_run=rows)],
                           backend=backend, workers=2, chunk_size=4, progress=False)
    assert varied.runs[f"param.{NAME}"].tolist() == values[:, 0].tolist()
    for value in ((0.0, 0.5), (1.0, 4.0), (0.3, 2.0)):
        pins = ((slot(scenario, NAME), value[0]), (lethality, value[1]))
        [pinned] = run_batches([BatchRequest(scenario, 30, 6, first_run=5, fixed=pins)],
                               backend="serial", progress=False)
        same = (values == value).all(axis=1)
        pd.testing.assert_frame_equal(varied.runs[same].reset_index(drop=True),
                                      pinned.runs[same].reset_index(drop=True),
                                      check_categorical=False)  # classes seen may differ
    assert (varied.runs[values[:, 0] == 0.0]["outcome"] == "quiet").all()  # never answers
    assert (varied.runs[values[:, 0] == 1.0]["outcome"] == "answered").all()


def test_values_set_run_by_run_that_cannot_serve_are_refused(tmp_path: Path) -> None:
    scenario = escalation.load_scenario(one_strike(tmp_path, "toy"))
    for rows, match in ((RunValues((0,), np.zeros((4, 1))), "one row per run"),
                        (RunValues((0, 1), np.zeros((5, 1))), "one row per run"),
                        (RunValues((10_000,), np.zeros((5, 1))), "slots"),
                        (RunValues((0,), np.full((5, 1), np.inf)), "finite")):
        with pytest.raises(ValueError, match=match):
            run_batches([BatchRequest(scenario, 5, 0, per_run=rows)], backend="serial",
                        progress=False)
