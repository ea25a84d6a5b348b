"""``escalation calibrate``: which values of parameters shared by real episodes history rules
out (history matching, analysis/calibration.py), or their posterior (ABC-SMC,
analysis/posterior.py)."""

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


# Each method's own options and their defaults; giving one to the other method is an error.
METHOD_OPTIONS: dict[str, dict[str, Any]] = {
    "history": {"waves": 3, "points": 40, "cutoff": 3.0, "discrepancy": 0.0, "runs": DEFAULT_RUNS},
    "abc": {"generations": 4, "particles": 200, "quantile": 0.5, "min_acceptance": 0.02},
}


def method_options(args: argparse.Namespace) -> dict[str, Any]:
    """The chosen method's options, defaults filled in; a ValueError names an option given
    that belongs to the other method."""
    for method, defaults in METHOD_OPTIONS.items():
        if method == args.method:
            continue
        given = [name for name in defaults if name not in METHOD_OPTIONS[args.method]
                 and getattr(args, name) is not None]
        if given:
            flags = ", ".join("--" + name.replace("_", "-") for name in given)
            raise ValueError(f"{flags}: an option of --method {method}, not of --method "
                             f"{args.method}; leave it out, or calibrate with --method {method}")
    return {name: default if getattr(args, name) is None else getattr(args, name)
            for name, default in METHOD_OPTIONS[args.method].items()}


def _calibrate(args: argparse.Namespace) -> int:
    from escalation.analysis.calibrate import calibrate
    from escalation.analysis.posterior import Posterior

    if args.resume and not args.out:
        raise ValueError("--resume continues the calibration kept in --out DIR: give it")
    targets = args.targets[0] if len(args.targets) == 1 else args.targets
    options = method_options(args)
    told = _tell_wave(options) if args.method == "history" else _tell_generation(options)
    progress = {"on_wave" if args.method == "history" else "on_generation": told}
    result = calibrate(targets, args.params, args.method, ranges=dict(args.range),
                       seed=args.seed, folder=args.out, resume=args.resume, **options,
                       **progress, **batch_options(args))
    print(result.steps().to_string(index=False, float_format=lambda v: f"{v:.3g}"))
    print(f"\n{_headline(result, options)}:")
    print(result.summary().to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    if not result.values():
        print("\nevery value tried is ruled out: no value in the ranges reproduces every episode "
              "(widen --range, or allow for model error with --discrepancy)", file=sys.stderr)
    if isinstance(result, Posterior) and result.stopped_by != "generations":
        print(f"\nstopped after generation {int(result.steps()['generation'].max())}: "
              + ("the next could not accept enough candidates (--min-acceptance)"
                 if result.stopped_by == "acceptance"
                 else "no distance lies below the last tolerance"), file=sys.stderr)
    if args.out:
        _write(result, args, options, Path(args.out))
    if args.out_of_sample:
        _out_of_sample(targets, args, options)
    return 0


def _tell_wave(options: dict[str, Any]) -> Any:
    def told(wave: int, points: Any) -> None:
        kept = int(points["plausible"].sum())
        print(f"wave {wave + 1} of {options['waves']}: {kept} of {len(points)} points not ruled "
              f"out ({kept / len(points):.0%})", file=sys.stderr, flush=True)
    return told


def _tell_generation(options: dict[str, Any]) -> Any:
    from escalation.analysis.abc import effective_size

    def told(generation: int, particles: Any) -> None:
        proposed = int(particles["proposed"].iloc[0])
        weights = particles["weight"].to_numpy(dtype=float)
        print(f"generation {generation} of {options['generations'] - 1}: tolerance "
              f"{float(particles['epsilon'].iloc[0]):.3g}, {len(particles)} of {proposed} "
              f"candidates accepted ({len(particles) / proposed:.0%}), effective sample "
              f"{effective_size(weights):.0f}", file=sys.stderr, flush=True)
    return told


def _headline(result: Any, options: dict[str, Any]) -> str:
    if result.method == "history_matching":
        return (f"history matching over {len(result.episodes)} episodes, {options['runs']} runs "
                f"a point and episode, cutoff {options['cutoff']:g}")
    return (f"ABC-SMC posterior over {len(result.episodes)} episode(s) (one run of each per "
            f"particle), {len(result.last)} particles, tolerance "
            f"{float(result.last['epsilon'].iloc[0]):.3g}, {result.summary()['level'][0]:.0%} "
            "intervals")


def _out_of_sample(targets: Any, args: argparse.Namespace, options: dict[str, Any]) -> None:
    from escalation.analysis.calibrate import leave_one_out

    kept = Path(args.out) / "out_of_sample" if args.out else None
    check = leave_one_out(
        targets, args.params, method=args.method, score_runs=args.score_runs, seed=args.seed,
        ranges=dict(args.range), **options, folder=kept,
        resume=bool(args.resume and kept is not None and (kept / "folds").exists()),
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


STEPS_FILE = {"history_matching": "waves.csv", "abc_smc": "generations.csv"}
VALUE_IS = {"history_matching": "the median of the last wave's points not ruled out",
            "abc_smc": "its weighted posterior median (the last generation's particles)"}


def _write(result: Any, args: argparse.Namespace, options: dict[str, Any], root: Path) -> None:
    from escalation.plotting.calibration import write_calibration_figures

    root.mkdir(parents=True, exist_ok=True)
    result.samples.to_parquet(root / result.samples_file, index=False)
    result.summary().to_csv(root / "summary.csv", index=False)
    result.steps().to_csv(root / STEPS_FILE[result.method], index=False)
    provenance = {
        "method": result.method, "episodes": list(result.episodes),
        "library_sha256": result.library_sha256(), "params": args.params,
        "ranges": {p.pattern: [p.low, p.high] for p in result.parameters},
        **options, "seed": args.seed, "version": _version(),
    }
    (root / "calibration.json").write_text(json.dumps(provenance, indent=2) + "\n")
    figures = write_calibration_figures(result, root)
    names = sorted({path.stem for path in figures})
    written = (f"summary.csv, {STEPS_FILE[result.method]}, calibration.json (how it was made), "
               f"{len(figures)} figure files ({', '.join(names)}; PNG, SVG)")
    values = result.values()
    if values:
        write_calibrated(root / "calibrated.yaml", values, provenance, note=(
            f"A calibrated parameter set from escalation calibrate ({result.method}): each "
            f"pattern's value is\n{VALUE_IS[result.method]}. A scenario uses it with\n"
            "  calibration: PATH/TO/calibrated.yaml\n(docs/calibration.md)."))
        written += ", calibrated.yaml (for a scenario's calibration: key)"
        written += _check(result, args, root)
    what = ("every point, its implausibility in each episode" if result.method ==
            "history_matching" else "every generation's particles, weights, distances and "
            "simulated summaries")
    print(f"\nwritten to {root}/: {result.samples_file} ({what}), {written}")


def _check(result: Any, args: argparse.Namespace, root: Path) -> str:
    """The posterior predictive check of the values kept: its table and figure."""
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
        commands, "calibrate", "calibrate parameters shared by real episodes",
        "escalation calibrate scenarios/history --params '*.avenges.probability' --out results/hm",
        description="Calibrate parameters shared by real episodes (docs/calibration.md). A "
        "--params PATTERN sets every per-run parameter it matches, in every episode, to one "
        "value. --method history (default) finds which values cannot reproduce what happened: "
        "each point is run in every episode and ruled out where an observed output (the "
        "outcome class, lags, deaths, hostile acts, crisis days) lies more than --cutoff "
        "standard deviations from the model's, in waves. --method abc draws a posterior by "
        "ABC-SMC: each particle is run once in every episode and kept while its outputs lie "
        "within a shrinking tolerance of the record, over generations.")
    add_episodes(parser, "a folder of episodes (such as scenarios/history), or scenario files "
                 "with observed: blocks")
    parser.add_argument("--params", nargs="+", required=True, metavar="PATTERN",
                        help="shared parameters: names of per-run parameters as in run "
                        "tables, * matching any part (e.g. '*.avenges.probability')")
    parser.add_argument("--range", action="append", default=[], type=_range,
                        metavar="PATTERN=LOW:HIGH",
                        help="the range to search for a pattern, ABC's uniform prior (default: "
                        "the union of the ranges its parameters' distributions give)")
    parser.add_argument("--method", choices=("history", "abc"), default="history",
                        help="history matching in waves (default), or ABC-SMC")
    history = parser.add_argument_group("history matching (--method history)")
    history.add_argument("--waves", type=positive, metavar="N", help="waves of the search "
                         "(default 3)")
    history.add_argument("--points", type=positive, metavar="N",
                         help="points tried a wave (default 40)")
    history.add_argument("--cutoff", type=float,
                         help="implausibility beyond which a value is ruled out (default 3: "
                         "Pukelsheim's three-sigma rule)")
    history.add_argument("--discrepancy", type=float, metavar="D",
                         help="model discrepancy, in the outputs' units (class indicator; log1p "
                         "of counts and days), added to every variance (default 0)")
    abc = parser.add_argument_group("ABC-SMC (--method abc)")
    abc.add_argument("--generations", type=positive, metavar="N",
                     help="generations, the prior's included (default 4)")
    abc.add_argument("--particles", type=_at_least_two, metavar="N",
                     help="particles a generation (default 200)")
    abc.add_argument("--quantile", type=_share, metavar="Q",
                     help="each tolerance: this quantile of the last generation's distances "
                     "(default 0.5)")
    abc.add_argument("--min-acceptance", type=_share, metavar="R",
                     help="a generation that accepts fewer than this share of its candidates is "
                     "abandoned, and the calibration ends (default 0.02)")
    parser.add_argument("--resume", action="store_true",
                        help="continue the calibration kept in --out where it stopped (its "
                        "finished waves or generations are read back; more --waves or "
                        "--generations go further)")
    parser.add_argument("--out-of-sample", action="store_true",
                        help="also hold each episode out in turn, fit the others, and score the "
                        "held-out forecast against the scenario's own values (log score, RPS); "
                        "with --out, each episode's row is kept as it is scored, and --resume "
                        "scores only the episodes left")
    parser.add_argument("--check-runs", type=positive, default=1000, metavar="N",
                        help="runs per episode of the posterior predictive check written to "
                        "--out (default 1000, spread over up to 20 points kept)")
    parser.add_argument("--score-runs", type=positive, default=2000, metavar="N",
                        help="runs that score each held-out episode (default 2000)")
    add_batch_options(parser, runs=DEFAULT_RUNS)
    parser.set_defaults(runs=None)  # history matching's runs a point; ABC runs a particle once
    add_out(parser, "folder for the samples (points.parquet or posterior.parquet), summary.csv, "
            "waves.csv or generations.csv, calibration.json, calibrated.yaml, the figures and, "
            "with --out-of-sample, out_of_sample.csv; each finished wave or generation is kept "
            "in its waves/ or generations/ as it ends, for --resume")
    parser.set_defaults(handler=_calibrate)


def _at_least_two(text: str) -> int:
    value = positive(text)
    if value < 2:
        raise argparse.ArgumentTypeError(f"'{text}': ABC-SMC needs at least 2 particles")
    return value


def _share(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError(f"'{text}': expected a number between 0 and 1")
    return value
