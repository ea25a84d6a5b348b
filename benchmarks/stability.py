"""Did a change move the library's distributions? Runs every scenario of `scenarios/` in this
checkout and in an earlier revision, and compares them with tests a reader can check:

- outcome classes: Pearson's chi-squared test of homogeneity on the two count vectors;
- durations (days) and deaths from hostile acts (all sides): two-sample Kolmogorov–Smirnov
  and Mann–Whitney U tests.

A change that is meant to leave a scenario alone must leave every p-value unremarkable (with
seven scenarios and five tests each, p < 0.001 is the flag: 35 tests at 0.001 give a 3.4%
chance of any false flag). A change meant to move a scenario says so, and the table shows by
how much. The same seed is used on both sides: a change that leaves every draw alone gives
identical tables (p = 1).

    .venv/bin/python benchmarks/stability.py --base HEAD~3 --runs 20000
    .venv/bin/python benchmarks/stability.py --base e00f0fa~1 --head e00f0fa --scenarios us_iran_2020

Each revision runs in its own process with its own source tree on the path (a `git worktree`
of the base, and of the head when one is given, made in a temporary folder and removed
after); without --head the other side is this checkout's working tree.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from scipy import stats

ROOT = Path(__file__).resolve().parents[1]
FLAG = 1e-3

# Run in a child process, with the tree to measure first on sys.path: one scenario's runs as
# JSON (outcome, duration in days, deaths from hostile acts of all sides).
CHILD = """
import json, sys
sys.path.insert(0, sys.argv[1])
import escalation
scenario = escalation.load_scenario(sys.argv[2])
results = escalation.run_batch(scenario, runs=int(sys.argv[3]), seed=int(sys.argv[4]),
                               workers=2, progress=False)
runs = results.runs
runs = runs[runs["outcome"] != "failed"]
deaths = runs[[c for c in runs.columns if c.startswith("deaths.")]].sum(axis=1)
json.dump({"outcome": runs["outcome"].astype(str).tolist(),
           "duration": runs["duration_days"].astype(float).tolist(),
           "deaths": deaths.astype(float).tolist(),
           "outcomes": list(scenario.outcome_ids)}, sys.stdout)
"""


def measure(tree: Path, scenario: Path, runs: int, seed: int) -> dict[str, list]:
    done = subprocess.run([sys.executable, "-c", CHILD, str(tree), str(scenario), str(runs),
                           str(seed)], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def compare(base: dict[str, list], head: dict[str, list]) -> dict[str, float]:
    """p-values of the five tests, and the two sides' outcome shares."""
    classes = sorted(set(base["outcome"]) | set(head["outcome"]))
    table = np.array([[side["outcome"].count(c) for c in classes] for side in (base, head)])
    table = table[:, table.sum(axis=0) > 0]
    identical = all(base[k] == head[k] for k in ("outcome", "duration", "deaths"))
    chi2 = 1.0 if identical or table.shape[1] < 2 else stats.chi2_contingency(table)[1]
    result = {"outcome chi2": chi2}
    for name in ("duration", "deaths"):
        a, b = np.asarray(base[name]), np.asarray(head[name])
        same = identical or np.array_equal(np.sort(a), np.sort(b))
        result[f"{name} KS"] = 1.0 if same else stats.ks_2samp(a, b).pvalue
        result[f"{name} MWU"] = 1.0 if same else stats.mannwhitneyu(a, b).pvalue
    return result


def shares(side: dict[str, list]) -> str:
    n = len(side["outcome"])
    return ", ".join(f"{c} {side['outcome'].count(c) / n:.3f}" for c in side["outcomes"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", required=True, help="git revision to compare with")
    parser.add_argument("--head", help="git revision to compare (default: the working tree)")
    parser.add_argument("--runs", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--scenarios", nargs="*", help="names (default: every library file)")
    args = parser.parse_args()
    names = args.scenarios or sorted(p.stem for p in (ROOT / "scenarios").glob("*.yaml"))
    with tempfile.TemporaryDirectory() as scratch:
        trees = {"base": args.base, **({"head": args.head} if args.head else {})}
        for side, revision in trees.items():
            subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q",
                            str(Path(scratch) / side), revision], check=True)
        base_tree = Path(scratch) / "base"
        head_tree = Path(scratch) / "head" if args.head else ROOT
        try:
            print(f"| scenario | base ({args.base}) | {args.head or 'this checkout'} | "
                  "p: outcome χ² | duration KS | duration MWU | deaths KS | deaths MWU |")
            print("|---|---|---|---|---|---|---|---|")
            for name in names:
                base_file = base_tree / "scenarios" / f"{name}.yaml"
                if not base_file.exists():
                    print(f"| {name} | (not in base) | | | | | | |")
                    continue
                base = measure(base_tree, base_file, args.runs, args.seed)
                head = measure(head_tree, head_tree / "scenarios" / f"{name}.yaml", args.runs,
                               args.seed)
                p = compare(base, head)
                cells = " | ".join(f"**{v:.2g}**" if v < FLAG else f"{v:.2g}" for v in p.values())
                print(f"| {name} | {shares(base)} | {shares(head)} | {cells} |", flush=True)
        finally:
            for side in trees:
                subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force",
                                str(Path(scratch) / side)], check=False)
    print(f"\n{args.runs:,} runs a side, seed {args.seed}; bold: p < {FLAG}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
