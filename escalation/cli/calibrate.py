"""``escalation calibrate``: which values of parameters shared by real episodes history rules
out (history matching, analysis/calibration.py)."""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

from escalation.cli.options import (
    add_batch_options,
    add_episodes,
    add_out,
    batch_options,
    command,
    positive,
)
from escalation.scenario.calibrated import write_calibrated

DEFAULT_RUNS = 200


def _range(text: str) -> tuple[str, tuple[float, float]]:
    """``'PATTERN=LOW:HIGH'``."""
    pattern, equals, span = text.rpartition("=")
    low, colon, high = span.partition(":")
    try:
        bounds = (float(low), float(high))
    except ValueError:
        bounds = (math.nan, math.nan)
    if not equals or not colon or not pattern or not all(map(math.isfinite, bounds)) \
            or bounds[0] >= bounds[1]:
        raise argparse.ArgumentTypeError(f"'{text}': expected PATTERN=LOW:HIGH with LOW < HIGH, "
                                         "e.g. '*.avenges.probability=0:1'")
    return pattern, bounds


def _calibrate(args: argparse.Namespace) -> int:
    from escalation.analysis.calibration import history_match

    if args.resume and not args.out:
        raise ValueError("--resume continues the calibration kept in --out DIR: give it")
    targets = args.targets[0] if len(args.targets) == 1 else args.targets

    def told(wave: int, points: Any) -> None:
        kept = int(points["plausible"].sum())
        print(f"wave {wave + 1} of {args.waves}: {kept} of {len(points)} points not ruled out "
              f"({kept / len(points):.0%})", file=sys.stderr, flush=True)

    result = history_match(targets, args.params, ranges=dict(args.range), waves=args.waves,
                           points=args.points, runs=args.runs, seed=args.seed,
                           cutoff=args.cutoff, discrepancy=args.discrepancy, on_wave=told,
                           folder=args.out, resume=args.resume, **batch_options(args))
    print(result.waves().to_string(index=False, float_format=lambda v: f"{v:.2f}"))
    print(f"\nhistory matching over {len(result.episodes)} episodes, {args.runs} runs a point "
          f"and episode, cutoff {args.cutoff:g}:")
    print(result.summary().to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    if not len(result.plausible):
        print("\nevery value tried is ruled out: no value in the ranges reproduces every episode "
              "(widen --range, or allow for model error with --discrepancy)", file=sys.stderr)
    if args.out:
        _write(result, args, Path(args.out))
    if args.out_of_sample:
        _out_of_sample(targets, args)
    return 0


def _out_of_sample(targets: Any, args: argparse.Namespace) -> None:
    from escalation.analysis.calibration import leave_one_out

    check = leave_one_out(
        targets, args.params, score_runs=args.score_runs, seed=args.seed,
        ranges=dict(args.range), waves=args.waves, points=args.points, runs=args.runs,
        cutoff=args.cutoff, discrepancy=args.discrepancy,
        on_episode=lambda name: print(f"out of sample: fitting without {name}", file=sys.stderr,
                                      flush=True),
        **batch_options(args))
    shown = ["episode", "real", "fitted", "p_real.default", "p_real.fitted", "log.default",
             "log.fitted"]
    print("\nout of sample (each episode forecast with the values fitted on the others):")
    print(check.table[shown].to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    print("\nskill of the fitted values against the defaults (above 0: better; 95% bootstrap "
          "interval over episodes):")
    print(check.skill().to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    if args.out:
        root = Path(args.out)
        check.table.to_csv(root / "out_of_sample.csv", index=False)
        check.skill().to_csv(root / "out_of_sample_skill.csv", index=False)
        print(f"written to {root}/: out_of_sample.csv, out_of_sample_skill.csv")


def _write(result: Any, args: argparse.Namespace, root: Path) -> None:
    from escalation.plotting.calibration import write_calibration_figures

    root.mkdir(parents=True, exist_ok=True)
    result.points.to_parquet(root / "points.parquet", index=False)
    result.summary().to_csv(root / "summary.csv", index=False)
    result.waves().to_csv(root / "waves.csv", index=False)
    provenance = {
        "method": "history_matching", "episodes": list(result.episodes),
        "library_sha256": result.library_sha256(), "params": args.params,
        "ranges": {p.pattern: [p.low, p.high] for p in result.parameters},
        "waves": args.waves, "points": args.points, "runs": args.runs, "seed": args.seed,
        "cutoff": args.cutoff, "discrepancy": args.discrepancy,
        "version": _version(),
    }
    (root / "calibration.json").write_text(json.dumps(provenance, indent=2) + "\n")
    figures = write_calibration_figures(result, root)
    written = (f"summary.csv, waves.csv, calibration.json (how it was made), {len(figures)} "
               "figure files (plausible_pairs, implausibility_by_episode; PNG, SVG)")
    values = result.values()
    if values:
        write_calibrated(root / "calibrated.yaml", values, provenance, note=(
            "A calibrated parameter set from escalation calibrate (history matching): each "
            "pattern's value is\nthe median of the last wave's points not ruled out. A scenario "
            "uses it with\n  calibration: PATH/TO/calibrated.yaml\n(docs/calibration.md)."))
        written += ", calibrated.yaml (for a scenario's calibration: key)"
        written += _check(result, args, root)
    print(f"\nwritten to {root}/: points.parquet (every point, its implausibility in each "
          f"episode), {written}")


def _check(result: Any, args: argparse.Namespace, root: Path) -> str:
    """The posterior predictive check of the points kept: its table and figure."""
    from escalation.analysis.predictive import predictive_check
    from escalation.plotting.predictive import write_predictive_figures

    targets = args.targets[0] if len(args.targets) == 1 else args.targets
    check = predictive_check(result, targets, runs=args.check_runs, seed=args.seed,
                             **batch_options(args))
    check.table().to_csv(root / "predictive.csv", index=False)
    write_predictive_figures(check, root)
    return ", predictive.csv and predictive.png/.svg (each episode's record beside the runs " \
        "at the values kept)"


def _version() -> str:
    from escalation._version import __version__

    return __version__


def register(commands: Any) -> None:
    parser = command(
        commands, "calibrate", "history-match parameters shared by real episodes",
        "escalation calibrate scenarios/history --params '*.avenges.probability' --out results/hm",
        description="Find which values of parameters shared by real episodes cannot reproduce "
        "what happened (history matching in waves; docs/calibration.md). A --params PATTERN "
        "sets every per-run parameter it matches, in every episode, to one value; each point "
        "is run in every episode and ruled out where an observed output (the outcome class, "
        "lags, deaths, hostile acts, crisis days) lies more than --cutoff standard deviations "
        "from the model's.")
    add_episodes(parser, "a folder of episodes (such as scenarios/history), or scenario files "
                 "with observed: blocks")
    parser.add_argument("--params", nargs="+", required=True, metavar="PATTERN",
                        help="shared parameters: names of per-run parameters as in run "
                        "tables, * matching any part (e.g. '*.avenges.probability')")
    parser.add_argument("--range", action="append", default=[], type=_range,
                        metavar="PATTERN=LOW:HIGH",
                        help="the range to search for a pattern (default: the union of the "
                        "ranges its parameters' distributions give)")
    parser.add_argument("--waves", type=positive, default=3, metavar="N",
                        help="waves of the search (default 3)")
    parser.add_argument("--points", type=positive, default=40, metavar="N",
                        help="points tried a wave (default 40)")
    parser.add_argument("--cutoff", type=float, default=3.0,
                        help="implausibility beyond which a value is ruled out (default 3: "
                        "Pukelsheim's three-sigma rule)")
    parser.add_argument("--discrepancy", type=float, default=0.0, metavar="D",
                        help="model discrepancy, in the outputs' units (class indicator; log1p "
                        "of counts and days), added to every variance (default 0)")
    parser.add_argument("--resume", action="store_true",
                        help="continue the calibration kept in --out where it stopped (its "
                        "finished waves are read back; more --waves search further)")
    parser.add_argument("--out-of-sample", action="store_true",
                        help="also hold each episode out in turn, fit the others, and score the "
                        "held-out forecast against the scenario's own values (log score, RPS)")
    parser.add_argument("--check-runs", type=positive, default=1000, metavar="N",
                        help="runs per episode of the posterior predictive check written to "
                        "--out (default 1000, spread over up to 20 points kept)")
    parser.add_argument("--score-runs", type=positive, default=2000, metavar="N",
                        help="runs that score each held-out episode (default 2000)")
    add_batch_options(parser, runs=DEFAULT_RUNS)
    add_out(parser, "folder for points.parquet, summary.csv, waves.csv, calibration.json, "
            "calibrated.yaml, the figures and, with --out-of-sample, out_of_sample.csv; each "
            "finished wave is kept in its waves/ as it ends, for --resume")
    parser.set_defaults(handler=_calibrate)
