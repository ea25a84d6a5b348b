"""A finished run leaves no reference cycles of its own: its world, actors, events and pending
callbacks are freed by reference counting as soon as the run's results are dropped. Cycles would
wait for the cyclic garbage collector, whose full collections walk the whole heap (pandas,
PyArrow, the batch's tables): it once took a sixth of the seed scenario's time.

The check looks only at what the runs themselves make: with the collector off, every object
of a class (or a function) defined in ``escalation`` that the runs created and that is still
alive once their results are dropped is held by a cycle (or a leak). Garbage left by other
tests in the same process (an event loop, hypothesis, matplotlib) and SimPy's own small cycle
(an ``Environment`` keeps methods bound to itself, and holds nothing of the run once it is
over) are not ours, and not counted.
"""

from __future__ import annotations

import gc
import types
from collections.abc import Callable
from pathlib import Path

import pytest

import escalation
from escalation.montecarlo.chunk import run_chunk
from escalation.montecarlo.sampling import SamplingPlan

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


def ours(thing: object) -> bool:
    """An instance of a class defined in the package, or one of its functions (closures)."""
    module = thing.__module__ if isinstance(thing, types.FunctionType) else type(thing).__module__
    return isinstance(module, str) and module.startswith("escalation.")


def left_alive(work: Callable[[], None]) -> list[object]:
    """The package's objects that ``work`` creates and that outlive it with the cyclic
    collector off: only reference counting freed anything meanwhile."""
    gc.collect()
    gc.disable()
    try:
        before = gc.get_objects()  # kept alive, so that no new object can reuse their ids
        known = {id(thing) for thing in before}
        work()
        return [thing for thing in gc.get_objects() if id(thing) not in known and ours(thing)]
    finally:
        gc.enable()


@pytest.mark.parametrize("name", ["us_iran_2020", "india_pakistan_2019", "two_state_template"])
def test_runs_leave_nothing_for_the_cyclic_collector(name: str) -> None:
    scenario = escalation.load_scenario(SCENARIOS / f"{name}.yaml")
    escalation.simulate(scenario, seed=5, run=0)  # anything made once per scenario, made now

    def runs() -> None:
        records = [escalation.simulate(scenario, seed=5, run=run, keep_events=True)
                   for run in range(40)]
        assert any(record.events for record in records)
        result = run_chunk(scenario, 5, 0, 60, SamplingPlan())
        assert len(result.runs["run"]) == 60

    alive = left_alive(runs)
    assert sorted({type(thing).__qualname__ for thing in alive}) == []
