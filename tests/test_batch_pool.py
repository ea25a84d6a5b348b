"""One way to run many simulations (issue #14): sweeps, comparisons and sensitivity go through
the batch machinery (``run_batches``: one pool, one queue, one progress bar, any backend),
so their tables are the same on every backend and worker count, and a batch run beside
others is the batch ``run_batch`` gives alone.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import escalation
from escalation.analysis.compare import compare
from escalation.analysis.sensitivity import sensitivity
from escalation.analysis.sweep import parse_axis, sweep
from escalation.montecarlo.batch import BatchRequest, run_alike, run_batch, run_batches
from escalation.scenario.compiled import Scenario
from tests.toys import COIN_FLIPS, quick

TOY = quick(COIN_FLIPS.replace("name: coin_flips", "name: toy"))
TWO_UNCERTAIN = TOY.replace("probability: 0.6", "probability: {dist: uniform, low: 0.4, high: 0.8}")
B_ANSWERS = "actors.b.policies.answer.probability"
POOLS = [("processes", 1), ("processes", 2), ("dask", 2)]


@pytest.fixture(scope="module")
def toy() -> Scenario:
    return escalation.load_scenario_text(TWO_UNCERTAIN, "toy.yaml")


def serial(**options: Any) -> dict[str, Any]:
    return {"backend": "serial", "progress": False, **options}


def pool(backend: str, workers: int) -> dict[str, Any]:
    if backend == "dask":
        pytest.importorskip("distributed", reason="the dask extra is not installed")
    return {"backend": backend, "workers": workers, "progress": False}


def test_batches_run_together_are_the_batches_run_alone(toy: Scenario) -> None:
    other = escalation.load_scenario_text(TWO_UNCERTAIN.replace("quiet_days: 2", "quiet_days: 1"))
    design = np.random.default_rng(3).random((50, 2))
    requests = [BatchRequest(toy, 120, 4), BatchRequest(other, 70, 9, sample="lhs"),
                BatchRequest(toy, 50, 4, design=design, first_run=30)]
    together = run_batches(requests, chunk_size=16, **serial())
    alone = [run_batch(toy, 120, 4, chunk_size=16, **serial()),
             run_batch(other, 70, 9, sample="lhs", chunk_size=16, **serial())]
    for mine, theirs in zip(together, alone, strict=False):
        assert mine.runs.equals(theirs.runs)
        assert mine.meta == theirs.meta
    shifted = together[2].runs
    assert shifted["run"].tolist() == list(range(30, 80))
    whole = run_batch(toy, 80, 4, design=np.vstack([np.full((30, 2), 0.5), design]), **serial())
    tail = whole.runs[whole.runs["run"] >= 30].reset_index(drop=True)
    assert shifted.drop(columns=["path"]).equals(tail.drop(columns=["path"]))


@pytest.mark.parametrize(("backend", "workers"), POOLS)
def test_sweeps_and_comparisons_are_the_same_on_every_pool(
        toy: Scenario, backend: str, workers: int) -> None:
    axis = parse_axis(f"{B_ANSWERS}=0:1:3")

    def load(settings: Any) -> Scenario:
        return escalation.load_scenario_text(TWO_UNCERTAIN, "toy.yaml", settings)

    reference = sweep(load, [axis], 150, 2, chunk_size=40, **serial())
    table = sweep(load, [axis], 150, 2, chunk_size=40, **pool(backend, workers))
    assert table.equals(reference)
    variant = load([f"{B_ANSWERS}=0.9"])
    expected = compare(toy, variant, 200, 5, chunk_size=64, **serial())
    found = compare(toy, variant, 200, 5, chunk_size=64, **pool(backend, workers))
    assert found.differences.equals(expected.differences)
    assert found.transitions.equals(expected.transitions)


@pytest.mark.parametrize(("backend", "workers"), POOLS)
def test_sensitivity_is_the_same_on_every_pool(toy: Scenario, backend: str, workers: int) -> None:
    reference = sensitivity(toy, "none", samples=32, seed=3, replicates=2)
    options = pool(backend, workers)
    found = sensitivity(toy, "none", samples=32, seed=3, replicates=2,
                        workers=options["workers"], backend=options["backend"])
    assert found.indices.equals(reference.indices)
    assert found.base_probability == reference.base_probability
    assert found.runs == reference.runs == 32 * 4 * 2


def test_sensitivity_points_of_one_base_sample_share_their_run() -> None:
    """Chance held fixed: a parameter that cannot matter gets exactly zero."""
    silent = TWO_UNCERTAIN.replace("actors:\n", "actors:\n  c:\n    resolve: {dist: uniform, "
                                   "low: 0, high: 1}\n    QUICK\n", 1)
    result = sensitivity(escalation.load_scenario_text(quick(silent)), "none", samples=32, seed=1)
    assert result.indices.loc["actors.c.resolve", "ST"] == 0.0
    assert result.indices.loc[B_ANSWERS, "ST"] > 0.0


def test_run_alike_refuses_a_folder(toy: Scenario, tmp_path: Any) -> None:
    with pytest.raises(ValueError, match="each with run_batch"):
        run_alike([toy, toy], 10, out=tmp_path)
