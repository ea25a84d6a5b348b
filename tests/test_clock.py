"""A run's queue of callbacks (escalation/engine/clock.py) gives them up in SimPy's order:
(time, priority, sequence), as a ``heapq`` heap of such tuples would, whatever the order they
were pushed in and however pushes and pops interleave."""

from __future__ import annotations

import heapq

import pytest
import simpy.events
from hypothesis import given
from hypothesis import strategies as st

from escalation.engine.clock import NORMAL, URGENT, Queue, TupleQueue, new_queue

TIMES = st.sampled_from([0.0, 0.5, 1.0, 2.0, 7.25, float("inf")])  # ties are the point
# a push (time, urgent?) or a pop (None)
STEPS = st.lists(st.one_of(st.tuples(TIMES, st.booleans()), st.none()), max_size=80)


def _nothing(_: object) -> None:
    """A callback that is never called: the queue only holds it."""


def test_priorities_are_simpys() -> None:
    assert (URGENT, NORMAL) == (simpy.events.URGENT, simpy.events.NORMAL)


@pytest.mark.parametrize("kind", [Queue, TupleQueue])
@given(steps=STEPS)
def test_the_queue_pops_in_the_order_of_a_heap_of_tuples(
    kind: type[Queue], steps: list[tuple[float, bool] | None],
) -> None:
    queue, heap = kind(), []
    for step in steps:
        if step is None:
            if not heap:
                with pytest.raises(IndexError):
                    queue.pop()
                continue
            entry = queue.pop()
            assert (entry.at, entry.priority, entry.seq) == heapq.heappop(heap)
        else:
            at, urgent = step
            priority, seq = URGENT if urgent else NORMAL, queue.take()
            queue.push(at, priority, seq, _nothing)
            heapq.heappush(heap, (at, priority, seq))
        assert len(queue) == len(heap)
    drained = [queue.pop() for _ in range(len(queue))]
    assert [(e.at, e.priority, e.seq) for e in drained] == sorted(heap)


def test_a_run_gets_the_native_queue_only_where_the_engine_is_compiled() -> None:
    import escalation.engine.clock as clock

    compiled = not clock.__file__.endswith(".py")
    assert type(new_queue()) is (Queue if compiled else TupleQueue)


@pytest.mark.parametrize("kind", [Queue, TupleQueue])
def test_sequence_numbers_count_from_zero_and_clear_empties_the_queue(kind: type[Queue]) -> None:
    queue = kind()
    assert [queue.take() for _ in range(3)] == [0, 1, 2]
    queue.push(1.0, NORMAL, 5, _nothing)
    queue.clear()
    assert len(queue) == 0
    with pytest.raises(IndexError):
        queue.pop()
