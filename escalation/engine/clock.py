"""A run's queue of callbacks, in SimPy's order: by time, then priority (``URGENT`` before
``NORMAL``), then sequence number, the order in which they were scheduled.

SimPy keeps (time, priority, sequence, event) tuples on a ``heapq`` heap; comparing two such
tuples goes through the interpreter's generic comparison, element by element, and a run pops
and pushes a few hundred of them. Here the entries are plain records compared on their native
fields (escalation/native.py compiles this module). The order is total (sequence numbers are
unique), so the queue gives callbacks up in exactly SimPy's order.

Where this module runs as its source, the heap written out below would be interpreted, slower
than ``heapq``'s C: ``new_queue`` then gives a ``TupleQueue``, SimPy's own arrangement (named
tuples on a ``heapq`` heap), with the same interface and the same order.
"""

from __future__ import annotations

import types
from collections.abc import Callable
from heapq import heappop, heappush
from typing import Final, NamedTuple, cast

Callback = Callable[[object], None]  # called with the scheduled object, which it ignores

URGENT: Final = 0  # simpy.events.URGENT: a process's start, an event that succeeded
NORMAL: Final = 1  # simpy.events.NORMAL: a timeout


class Entry:
    """A scheduled callback and its place in the order."""

    def __init__(self, at: float, priority: int, seq: int, callback: Callback) -> None:
        self.at, self.priority, self.seq, self.callback = at, priority, seq, callback


def _before(a: Entry, b: Entry) -> bool:
    """Whether ``a`` comes before ``b``, as tuples (time, priority, sequence) compare."""
    if a.at != b.at:
        return a.at < b.at
    if a.priority != b.priority:
        return a.priority < b.priority
    return a.seq < b.seq


class Queue:
    """A binary heap of ``Entry`` records (``heapq``'s algorithm) and the sequence count."""

    def __init__(self) -> None:
        self.entries: list[Entry] = []
        self.sequence = 0  # the next sequence number (``take``), as SimPy's ``_eid`` counts

    def take(self) -> int:
        """The next sequence number."""
        seq = self.sequence
        self.sequence = seq + 1
        return seq

    def push(self, at: float, priority: int, seq: int, callback: Callback) -> None:
        entries = self.entries
        entry = Entry(at, priority, seq, callback)
        entries.append(entry)
        position = len(entries) - 1
        while position > 0:  # sift the new entry up towards the root
            parent_at = (position - 1) >> 1
            parent = entries[parent_at]
            if not _before(entry, parent):
                break
            entries[position] = parent
            position = parent_at
        entries[position] = entry

    def pop(self) -> Entry:
        """The first entry, taken off the queue; IndexError when the queue is empty."""
        entries = self.entries
        last = entries.pop()
        if not entries:
            return last
        first = entries[0]
        size = len(entries)
        position = 0
        child_at = 1
        while child_at < size:  # sift ``last`` down from the root, to where it belongs
            right = child_at + 1
            child = entries[child_at]
            if right < size and _before(entries[right], child):
                child_at = right
                child = entries[right]
            if not _before(child, last):
                break
            entries[position] = child
            position = child_at
            child_at = 2 * position + 1
        entries[position] = last
        return first

    def clear(self) -> None:
        self.entries.clear()

    def __len__(self) -> int:
        return len(self.entries)


class Step(NamedTuple):
    """``TupleQueue``'s entry: compared as a tuple, read as an ``Entry``."""

    at: float
    priority: int
    seq: int
    callback: Callback


class TupleQueue:
    """``Queue``'s interface over ``heapq`` (for the sources: see the module's note)."""

    def __init__(self) -> None:
        self.entries: list[Step] = []
        self.sequence = 0

    def take(self) -> int:
        seq = self.sequence
        self.sequence = seq + 1
        return seq

    def push(self, at: float, priority: int, seq: int, callback: Callback) -> None:
        heappush(self.entries, Step(at, priority, seq, callback))

    def pop(self) -> Step:
        return heappop(self.entries)

    def clear(self) -> None:
        self.entries.clear()

    def __len__(self) -> int:
        return len(self.entries)


def new_queue() -> Queue:
    """A run's queue: ``Queue`` where this module is compiled, else a ``TupleQueue`` (the
    interpreter reads either alike; compiled code only ever gets a ``Queue``)."""
    if isinstance(new_queue, types.FunctionType):  # this module runs as its source
        return cast(Queue, TupleQueue())
    return Queue()
