"""A finished run leaves no reference cycles of its own: its world, actors, events and pending
callbacks are freed by reference counting as soon as the run's results are read. Cycles would
wait for the cyclic garbage collector, whose full collections walk the whole heap (pandas,
PyArrow, the batch's tables): it once took a sixth of the seed scenario's time.

SimPy's ``Environment`` is a small cycle by design (it keeps methods bound to itself: its
queue, its counter and five bound methods), and holds nothing of the run once it is over."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

import escalation
from escalation.montecarlo.chunk import run_chunk
from escalation.montecarlo.sampling import SamplingPlan

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


SIMPY_OWN = {"Environment", "method", "list", "count"}


@pytest.fixture
def garbage() -> Iterator[list[object]]:
    """What the cyclic collector finds unreachable after the test's runs (collector paused)."""
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    found: list[object] = []
    try:
        yield found
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()


@pytest.mark.parametrize("name", ["us_iran_2020", "india_pakistan_2019", "two_state_template"])
def test_runs_leave_nothing_for_the_cyclic_collector(name: str, garbage: list[object]) -> None:
    scenario = escalation.load_scenario(SCENARIOS / f"{name}.yaml")
    for run in range(40):
        escalation.simulate(scenario, seed=5, run=run, keep_events=True)
    result = run_chunk(scenario, 5, 0, 60, SamplingPlan())
    assert len(result.runs["run"]) == 60
    gc.collect()
    garbage.extend(gc.garbage)
    environments = sum(type(o).__name__ == "Environment" for o in garbage)
    assert environments == 100  # one per run, SimPy's own small cycle
    assert sorted({type(o).__name__ for o in garbage} - SIMPY_OWN) == []
    assert len(garbage) <= 8 * environments
