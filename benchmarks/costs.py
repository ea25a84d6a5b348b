"""Where the time of a run goes: the floor under the engine's per-run and per-event costs.

    .venv/bin/python benchmarks/costs.py

It measures, on one process (CPU time, best of three):

- the fixed cost of a run: ``run_chunk`` on ``benchmarks/idle.yaml``, two actors to whom nothing
  happens (a world, its SimPy environment, the quiet watch and horizon, the verdict, the row);
- the cost per model event: ``benchmarks/minimal.yaml`` less that fixed cost, per event;
- two costs the engine cannot avoid as it is built: making one random stream (each purpose
  of each actor that draws has its own, for common random numbers: a SplitMix64 stream,
  model/splitmix.py, since the Mersenne Twister's seeding cost 3.5-7 µs a stream), and one
  step of SimPy's loop with a callback that does nothing (the engine's waits are such steps).

The issue's budget is 30 µs per run plus 15 µs per model event; this script shows how much of
it those two floors alone take. See benchmarks/README.md.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from heapq import heappush
from pathlib import Path

import simpy
from simpy.events import NORMAL

import escalation
from escalation.model.streams import Streams
from escalation.montecarlo.chunk import run_chunk
from escalation.montecarlo.sampling import SamplingPlan

HERE = Path(__file__).resolve().parent
RUNS = {"idle": 20_000, "minimal": 5_000}
REPEATS = 3
EVENT_SAMPLE = 500


def best_cpu(work: Callable[[], object], count: int) -> float:
    """µs of CPU per item of ``work`` (which does ``count`` items), best of REPEATS."""
    times = []
    for _ in range(REPEATS):
        started = time.process_time()
        work()
        times.append(time.process_time() - started)
    return min(times) / count * 1e6


def per_run(name: str) -> float:
    scenario = escalation.load_scenario(HERE / f"{name}.yaml")
    run_chunk(scenario, 0, 0, 200, SamplingPlan())  # warm-up
    runs = RUNS[name]
    return best_cpu(lambda: run_chunk(scenario, 0, 0, runs, SamplingPlan()), runs)


def events_per_run(name: str) -> tuple[float, float]:
    scenario = escalation.load_scenario(HERE / f"{name}.yaml")
    records = [escalation.simulate(scenario, 0, run) for run in range(EVENT_SAMPLE)]
    return (statistics.fmean(len(r.events) for r in records),
            statistics.fmean(len(r.perceptions) for r in records))


def stream_seeding() -> float:
    """µs to make a run's stream for one purpose, as the engine does on its first draw (each
    freed before the next, as a run's are: kept alive, 100,000 streams of 2.5 kB each would
    measure the memory's cold pages instead)."""
    count = 100_000
    streams = [Streams(seed) for seed in range(count)]

    def make() -> None:
        for each in streams:
            each["decide:a"]
            each.clear()
    return best_cpu(make, count)


class _Call:
    __slots__ = ("callbacks",)
    _ok = True
    _value = None


def simpy_step() -> float:
    """µs per step of a SimPy loop whose callbacks only schedule the next one, 22 to a run."""
    steps, runs = 22, 5_000

    def one_run() -> None:
        env = simpy.Environment()
        stop = env.event()
        queue, sequence = env._queue, env._eid
        left = [steps]

        def tick(_: object) -> None:
            left[0] -= 1
            if left[0]:
                call = _Call()
                call.callbacks = [tick]
                heappush(queue, (env.now + 1.0, NORMAL, next(sequence), call))
            else:
                stop.succeed()

        first = _Call()
        first.callbacks = [tick]
        heappush(queue, (0.0, NORMAL, next(sequence), first))
        env.run(until=stop)

    return best_cpu(lambda: [one_run() for _ in range(runs)], runs * steps)


def main() -> None:
    idle, minimal = per_run("idle"), per_run("minimal")
    events, perceptions = events_per_run("minimal")
    seeding, step = stream_seeding(), simpy_step()
    per_event = (minimal - idle) / events
    rows = [
        ("fixed cost of a run (idle.yaml)", f"{idle:,.1f} µs", "budget 30 µs"),
        ("minimal.yaml, per run", f"{minimal:,.1f} µs",
         f"budget {30 + 15 * events:,.0f} µs for {events:.2f} events"),
        ("  model events, perceptions per run", f"{events:.2f}, {perceptions:.2f}", ""),
        ("  cost per event (less the fixed cost)", f"{per_event:,.1f} µs", "budget 15 µs"),
        ("making one random stream", f"{seeding:,.2f} µs", "minimal makes 6 a run"),
        ("one SimPy step, empty callback", f"{step:,.2f} µs", "minimal takes ~22 a run"),
    ]
    width = max(len(label) for label, _, _ in rows)
    print(f"Python {sys.version.split()[0]}, CPU time, best of {REPEATS}")
    for label, value, note in rows:
        print(f"{label:<{width}}  {value:>16}  {note}")


if __name__ == "__main__":
    main()
