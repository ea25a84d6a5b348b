"""The batch parent's cost per run: what the process that hands out chunks spends on each
result (its tables, its place in the run table, its outcome counts, the final DataFrame),
for the guided chunk plan and the old fixed one (issue #14).

    .venv/bin/python benchmarks/parent_cost.py [RUNS]

The chunks are run first (not timed), then handed to a batch's gathering as a pool would
hand them; CPU time, best of three. With W workers, the parent is the bottleneck only when
its cost per run exceeds the engine's cost per run divided by W.
"""

from __future__ import annotations

import math
import sys
import time
from pathlib import Path

import escalation
from escalation.montecarlo.batch import _collect, _plan
from escalation.montecarlo.chunk import ChunkResult, run_chunk
from escalation.montecarlo.gather import BatchRequest, Gathering
from escalation.montecarlo.plan import Chunk, chunk_plan
from escalation.montecarlo.source import prepare

SCENARIO = Path(__file__).resolve().parents[1] / "scenarios" / "us_iran_2020.yaml"
REPEATS = 3


def parent_seconds(request: BatchRequest, chunks: list[Chunk], name: int | str,
                   results: list[ChunkResult]) -> float:
    """CPU seconds the parent takes to gather ``results`` and build the batch's tables."""
    best = math.inf
    prepared = prepare(request.scenario)
    for _ in range(REPEATS):
        gathering = Gathering(request, prepared, _plan("independent", request.runs, None),
                              chunks, name)
        started = time.process_time()
        for result in results:
            gathering.add(result)
        _collect(gathering, gathering.kept())
        best = min(best, time.process_time() - started)
    return best


def main(runs: int) -> None:
    scenario = escalation.load_scenario(SCENARIO)
    request = BatchRequest(scenario, runs, 0)
    plan = _plan("independent", runs, None)
    for label, size in (("guided", None), ("old fixed", max(100, min(5000, math.ceil(runs / 16))))):
        chunks, name = chunk_plan(runs, size)
        started = time.process_time()
        results = [run_chunk(scenario, 0, start, count, plan) for start, count in chunks]
        engine = time.process_time() - started
        parent = parent_seconds(request, chunks, name, results)
        print(f"{label:>9} plan ({name}): {len(chunks)} chunks; engine {engine / runs * 1e6:,.0f} "
              f"µs/run; parent {parent / runs * 1e6:,.1f} µs/run "
              f"({parent / len(chunks) * 1e3:.2f} ms/chunk), "
              f"{parent / engine:.2%} of the engine's time: the parent keeps up with "
              f"{engine / parent:,.0f} workers")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)
