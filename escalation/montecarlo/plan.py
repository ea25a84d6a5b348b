"""How a batch is cut into chunks: guided self-scheduling, the same plan on any machine.

A chunk is the unit a worker takes. Large chunks cost the parent little per run, but a batch
of equal chunks ends with workers idle while the last few run (16 workers reached 60-64% of
linear speed-up on 20,000-200,000 runs, issue #14). The guided plan (Polychronopoulos and
Kuck, 1987) sizes each chunk at the runs left over ``WAYS``, capped at ``LARGEST`` and no
smaller than ``SMALLEST``: thousands of runs while most are left, then ever smaller chunks,
so that workers finish together. ``WAYS`` is fixed rather than the worker count, so that the
plan, and with it a batch stopped by ``until_ci`` and a batch folder, does not depend on the
machine: a batch can be resumed with other workers. Results never depend on the plan (each
run is seeded by its index); the plan only decides who waits for whom.
"""

from __future__ import annotations

import math
from itertools import groupby

Chunk = tuple[int, int]  # (first run, runs)

WAYS = 64  # runs left / WAYS per chunk: several chunks per worker to the end, up to 32 workers
LARGEST = 5000  # runs per chunk at most: a chunk's rows stay small, progress moves
SMALLEST = 25  # runs per chunk at least: each chunk costs the parent ~1 ms
GUIDED = f"guided/{WAYS}/{LARGEST}/{SMALLEST}"  # the plan's name in a batch's manifest


def fixed_chunks(runs: int, chunk_size: int, first_run: int = 0) -> list[Chunk]:
    """Chunks of ``chunk_size`` runs (the last one shorter)."""
    return [(first_run + start, min(chunk_size, runs - start))
            for start in range(0, runs, chunk_size)]


def guided_chunks(runs: int, first_run: int = 0) -> list[Chunk]:
    """The guided plan of ``runs`` runs from ``first_run``: each chunk the runs left over
    ``WAYS``, within [``SMALLEST``, ``LARGEST``] (the last one what is left)."""
    chunks, start = [], 0
    while start < runs:
        left = runs - start
        size = min(left, max(SMALLEST, min(LARGEST, math.ceil(left / WAYS))))
        chunks.append((first_run + start, size))
        start += size
    return chunks


def largest_chunk(runs: int, chunk_size: int | None = None) -> int:
    """The largest chunk of a plan (its first), without making the plan: a batch too large
    for memory is refused before its chunks, which for 10**12 runs would never be listed."""
    if chunk_size:
        return min(chunk_size, runs)
    return min(runs, max(SMALLEST, min(LARGEST, math.ceil(runs / WAYS))))


def chunk_plan(runs: int, chunk_size: int | None = None, first_run: int = 0
               ) -> tuple[list[Chunk], int | str]:
    """The chunks of a batch, and the plan's name for its manifest: ``chunk_size`` runs
    each when given, else the guided plan."""
    if chunk_size:
        return fixed_chunks(runs, chunk_size, first_run), chunk_size
    return guided_chunks(runs, first_run), GUIDED


def describe(chunks: list[Chunk]) -> str:
    """The plan in one line: how many chunks, and their sizes in order ('5000 x 3, 4688, ...')."""
    sizes = []
    for size, group in groupby(count for _, count in chunks):
        times = len(list(group))
        sizes.append(f"{size} x {times}" if times > 1 else str(size))
    return f"{len(chunks)} chunks of {sum(c[1] for c in chunks):,} runs: {', '.join(sizes)}"
