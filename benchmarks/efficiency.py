"""How busy a batch keeps its workers, by chunk plan (issue #14).

    .venv/bin/python benchmarks/efficiency.py                       # 20,000 seed runs, 1 round
    .venv/bin/python benchmarks/efficiency.py --runs 20000 --rounds 2 --chunk-size 1250

Runs the seed scenario (scenarios/us_iran_2020.yaml) as one serial batch (the reference: the
engine's own rate, no pool), then on 1 and 2 worker processes with the default (guided) chunk
plan and with a fixed plan of ``--chunk-size`` runs a chunk; rounds alternate the order. A
batch's efficiency is its rate ÷ (workers × the serial rate of that round): 100 % means the
pool, the chunks' transfers and the parent's gathering cost nothing and no worker waits at the
end. "CPU share" is the CPU time of the parent and its helpers ÷ (workers × wall): well below
100 % means another program took a CPU, and the efficiencies mean little; "CPU ÷ serial" (the
batch's CPU time, parent and helpers, ÷ the serial batch's) is the pool's overhead whatever
else runs: above 1.0 is work the serial batch does not do (starting helpers, shipping chunks,
gathering). See
benchmarks/README.md, "Issue #14: where the time goes".
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import time
from pathlib import Path

from bench import complete, cpu_of

import escalation
from escalation.montecarlo.batch import run_batch

SEED_SCENARIO = Path(__file__).resolve().parents[1] / "scenarios" / "us_iran_2020.yaml"


def timed(scenario: object, runs: int, backend: str, workers: int,
          chunk_size: int | None) -> dict[str, float]:
    """Wall time, CPU share and the load average before one batch."""
    load = os.getloadavg()[0]
    cpu = cpu_of(resource.RUSAGE_SELF) + cpu_of(resource.RUSAGE_CHILDREN)
    wall = time.perf_counter()
    results = run_batch(scenario, runs, 0, workers=workers, backend=backend,  # type: ignore[arg-type]
                        chunk_size=chunk_size, progress=False)
    wall = time.perf_counter() - wall
    cpu = cpu_of(resource.RUSAGE_SELF) + cpu_of(resource.RUSAGE_CHILDREN) - cpu
    complete(results, runs, f"{backend} x{workers}")
    return {"wall": wall, "cpu": cpu, "cpu_share": cpu / (workers * wall), "load": load}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--chunk-size", type=int, default=1_250, help="the fixed plan's chunks")
    args = parser.parse_args()
    scenario = escalation.load_scenario(SEED_SCENARIO)
    run_batch(scenario, 200, 0, backend="serial", progress=False)  # warm-up
    cases = [(plan, workers) for plan in ("guided", f"fixed {args.chunk_size}")
             for workers in (1, 2)]
    found: dict[tuple[str, int], list[float]] = {case: [] for case in cases}
    shares: dict[tuple[str, int], list[float]] = {case: [] for case in cases}
    overheads: dict[tuple[str, int], list[float]] = {case: [] for case in cases}
    loads: list[float] = []
    print(f"{args.runs:,} runs of {SEED_SCENARIO.name}, {os.cpu_count()} CPUs, load average "
          + " ".join(f"{x:.2f}" for x in os.getloadavg()), flush=True)
    for r in range(args.rounds):
        serial = timed(scenario, args.runs, "serial", 1, None)
        loads.append(serial["load"])
        print(f"round {r + 1}: serial {args.runs / serial['wall']:,.0f} runs/s "
              f"({serial['wall'] * 1e3 / args.runs:.2f} ms/run, CPU share "
              f"{serial['cpu_share']:.0%}, load {serial['load']:.2f})", flush=True)
        for plan, workers in cases if r % 2 == 0 else cases[::-1]:
            size = None if plan == "guided" else args.chunk_size
            batch = timed(scenario, args.runs, "processes", workers, size)
            efficiency = serial["wall"] / (workers * batch["wall"])
            found[plan, workers].append(efficiency)
            shares[plan, workers].append(batch["cpu_share"])
            overheads[plan, workers].append(batch["cpu"] / serial["cpu"])
            loads.append(batch["load"])
            print(f"  {plan:>11} x{workers}: {args.runs / batch['wall']:,.0f} runs/s, "
                  f"efficiency {efficiency:.1%}, CPU share {batch['cpu_share']:.0%}, "
                  f"CPU ÷ serial {batch['cpu'] / serial['cpu']:.3f}, "
                  f"load before {batch['load']:.2f}", flush=True)
    print("efficiency, median over rounds (CPU share; CPU ÷ serial):")
    for case in cases:
        print(f"  {case[0]:>11} x{case[1]}: {statistics.median(found[case]):.1%} "
              f"({statistics.median(shares[case]):.0%}; {statistics.median(overheads[case]):.3f})")
    print(f"load average before the batches: {min(loads):.2f}-{max(loads):.2f}")


if __name__ == "__main__":
    main()
