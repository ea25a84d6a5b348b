"""Per-run cost of this checkout against an earlier revision, side by side in one invocation.

Each side is a worker process with its own source tree first on the path (a `git worktree` of
the base, made in a temporary folder and removed after), which loads the scenarios once and
then runs serial batches (`run_batch`, one worker, no progress bar) on request. Rounds
alternate the sides, so that a machine that gets busier or quieter during the measurement
weighs on both alike; the figure is the median over rounds of the worker's CPU µs per run
(less disturbed than wall time by other programs on a shared machine).

    .venv/bin/python benchmarks/versus.py --base 5df64aa scenarios/us_iran_2020.yaml benchmarks/minimal.yaml

``--switch`` compares this checkout with itself, work avoidance on and off
(``ESCALATION_AVOID_WORK``), instead of with a base revision. ``--against DIR`` compares it with
a tree prepared beforehand, run by that tree's own ``.venv`` where it has one: a compiled build
of an earlier commit (``git worktree add DIR REV && cd DIR && bash scripts/setup.sh``), where a
plain ``--base`` worktree would run its sources.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# One side: load the scenarios, then for each request "index runs" answer µs per run.
CHILD = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
import escalation
scenarios = [escalation.load_scenario(path) for path in sys.argv[2:]]
for scenario in scenarios:
    escalation.run_batch(scenario, runs=200, workers=1, backend="serial", progress=False)
print("ready", flush=True)
for line in sys.stdin:
    index, runs = map(int, line.split())
    start = time.process_time()
    escalation.run_batch(scenarios[index], runs=runs, workers=1, backend="serial", progress=False)
    print(json.dumps((time.process_time() - start) / runs * 1e6), flush=True)
"""


def start(tree: Path, files: list[str], avoid: str | None = None) -> subprocess.Popen[str]:
    env = dict(os.environ)
    if avoid is not None:
        env["ESCALATION_AVOID_WORK"] = avoid
    own = tree / ".venv" / "bin" / "python"  # a prepared tree's own build (``--against``)
    python = str(own) if tree != ROOT and own.exists() else sys.executable
    child = subprocess.Popen([python, "-c", CHILD, str(tree), *files], cwd=tree,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
    assert child.stdout is not None and child.stdout.readline().strip() == "ready"
    return child


def ask(child: subprocess.Popen[str], index: int, runs: int) -> float:
    assert child.stdin is not None and child.stdout is not None
    child.stdin.write(f"{index} {runs}\n")
    child.stdin.flush()
    return float(json.loads(child.stdout.readline()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", help="scenario files, relative to the root")
    parser.add_argument("--base", help="git revision to compare with")
    parser.add_argument("--against", type=Path,
                        help="a prepared tree to compare with (its own .venv runs it)")
    parser.add_argument("--switch", action="store_true",
                        help="compare work avoidance on and off in this checkout instead")
    parser.add_argument("--runs", type=int, default=2000, help="runs per round and side")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    if sum(map(bool, (args.switch, args.base, args.against))) != 1:
        parser.error("give one of --base REV, --against DIR or --switch")
    files = [str((ROOT / f).resolve()) for f in args.files]
    with tempfile.TemporaryDirectory() as scratch:
        base_tree = args.against.resolve() if args.against else Path(scratch) / "base"
        if args.base:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q",
                            str(base_tree), args.base], check=True)
        try:
            sides = {"base": start(ROOT, files, "0") if args.switch else start(base_tree, files),
                     "head": start(ROOT, files, "1" if args.switch else None)}
            costs: dict[tuple[str, int], list[float]] = {}
            for round_ in range(args.rounds):
                order = list(sides) if round_ % 2 == 0 else list(reversed(sides))
                for index in range(len(files)):
                    for side in order:
                        costs.setdefault((side, index), []).append(
                            ask(sides[side], index, args.runs))
            for child in sides.values():
                child.terminate()
        finally:
            if args.base:
                subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force",
                                str(base_tree)], check=False)
    base_name = "avoidance off" if args.switch else args.base or str(args.against)
    head_name = "avoidance on" if args.switch else "this checkout"
    print(f"| scenario | {base_name} µs/run | {head_name} µs/run | speed-up |")
    print("|---|---|---|---|")
    for index, name in enumerate(args.files):
        base = statistics.median(costs["base", index])
        head = statistics.median(costs["head", index])
        print(f"| {name} | {base:.0f} | {head:.0f} | {base / head:.2f}× |")
    print(f"\nmedian of {args.rounds} interleaved rounds of {args.runs:,} runs a side")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
