"""Commands on what changing assumptions does: compare, sweep, sensitivity."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from escalation.cli.options import (
    add_batch_options,
    add_file,
    add_out,
    add_seed,
    add_settings,
    add_workers,
    at_least,
    batch_options,
    command,
    load,
    number_in,
    positive,
    scenario_file,
)
from escalation.scenario.loader import load_scenario


def _compare(args: argparse.Namespace) -> int:
    from escalation.analysis.compare import compare
    from escalation.plotting.assumptions import comparison_chart

    if not args.other and not args.set:
        raise ValueError("say what changes: a second scenario file, or --set PATH=VALUE")
    base = load_scenario(args.file, args.both)
    variant = load_scenario(args.other or args.file, [*args.both, *args.set])
    label = ", ".join([*([args.other] if args.other else []), *args.set])
    shared = f" (both with {', '.join(args.both)})" if args.both else ""
    print(f"base: {args.file}\nvariant: {label}{shared}")
    comparison = compare(base, variant, args.runs, args.seed, **batch_options(args))
    print(comparison.format())
    if args.out:
        root = Path(args.out)
        root.mkdir(parents=True, exist_ok=True)
        comparison.differences.to_csv(root / "comparison.csv")
        comparison.transitions.to_csv(root / "transitions.csv")
        _print_saved(comparison_chart(comparison, label), root, "comparison",
                     [root / "comparison.csv", root / "transitions.csv"])
    return 0


def _sweep(args: argparse.Namespace) -> int:
    from escalation.analysis.sweep import parse_axis, sweep
    from escalation.plotting.assumptions import sweep_chart

    axes = [parse_axis(text) for text in args.param]
    table = sweep(lambda settings: load_scenario(args.file, [*args.set, *settings]), axes,
                  args.runs, args.seed, **batch_options(args))
    columns = [axis.path for axis in axes]
    print(table[[*columns, "outcome", "probability", "ci_low", "ci_high"]].to_string(
        index=False, float_format=lambda v: f"{v:.3f}"))
    if args.out:
        root = Path(args.out)
        root.mkdir(parents=True, exist_ok=True)
        table.to_csv(root / "sweep.csv", index=False)
        _print_saved(sweep_chart(table, columns, args.outcome), root, "sweep", [root / "sweep.csv"])
    return 0


def _sensitivity(args: argparse.Namespace) -> int:
    from escalation.analysis.sensitivity import sensitivity
    from escalation.plotting.assumptions import tornado_chart

    scenario = load(args)
    result = sensitivity(scenario, args.outcome, args.method, args.samples, args.seed,
                         args.replicates, workers=_capped(args.workers), precision=args.precision,
                         max_samples=args.max_samples, progress=not args.quiet)
    print(result.format())
    if args.out:
        root = Path(args.out)
        root.mkdir(parents=True, exist_ok=True)
        result.indices.to_csv(root / "sensitivity.csv")
        _print_saved(tornado_chart(result), root, "tornado", [root / "sensitivity.csv"])
    return 0


def _capped(workers: int | None) -> int:
    """Worker processes for sensitivity, capped as a batch caps them (twice the cores)."""
    from escalation.montecarlo.batch import worker_count

    return worker_count("processes", workers, None)


def _print_saved(figure: Any, root: Path, name: str, tables: list[Path]) -> None:
    from escalation.plotting import save_figure

    for path in [*tables, *save_figure(figure, root, name)]:
        print(path)


def register(commands: Any) -> None:
    compare = command(
        commands, "compare", "a counterfactual: the same runs with one assumption changed",
        "escalation compare us_iran_2020 --set 'actors.iran.policies.avenges.response.warn=[]'",
        "Runs the scenario and a variant with common random numbers (same seeds, same streams) "
        "and reports the paired difference in each outcome's probability.")
    add_file(compare, "the base scenario")
    compare.add_argument("other", nargs="?", metavar="OTHER_FILE", type=scenario_file,
                         help="a second scenario file (or shipped name): the variant")
    compare.add_argument("--set", action="append", default=[], metavar="PATH=VALUE",
                         help="the variant's change (repeatable; VALUE is YAML), e.g. "
                         "actors.iran.policies.avenges.response.warn=[]")
    compare.add_argument("--both", action="append", default=[], metavar="PATH=VALUE",
                         help="a setting applied to base and variant alike (repeatable)")
    add_batch_options(compare, runs=2000)
    add_out(compare, "folder for comparison.csv, transitions.csv and the figure")
    compare.set_defaults(handler=_compare)

    sweep = command(commands, "sweep", "re-run the batch over the values of one or two fields",
                    "escalation sweep us_iran_2020 "
                    "--param actors.iran.policies.avenges.probability=0:1:11")
    add_file(sweep)
    sweep.add_argument("--param", action="append", required=True, metavar="PATH=LOW:HIGH:N",
                       help="a field and its values: LOW:HIGH:N evenly spaced, or A,B,C; give it "
                       "twice for a heat map")
    sweep.add_argument("--outcome", help="the outcome a two-field heat map shows (default: first)")
    add_batch_options(sweep, runs=2000)
    add_settings(sweep)
    add_out(sweep, "folder for sweep.csv and the figure")
    sweep.set_defaults(handler=_sweep)

    sensitivity = command(
        commands, "sensitivity", "rank the uncertain parameters by how much they move an outcome",
        "escalation sensitivity us_iran_2020 --outcome war --samples 256",
        "Sobol' or Morris indices of an outcome's probability for every uncertain parameter "
        "(needs SALib: pip install 'escalation[sensitivity]').")
    add_file(sensitivity)
    sensitivity.add_argument("--outcome", help="outcome class (default: war, else the last one)")
    sensitivity.add_argument("--method", choices=("sobol", "morris"), default="sobol",
                             help="Sobol' indices (default) or Morris elementary effects")
    sensitivity.add_argument("--samples", type=at_least(2), default=None, metavar="N",
                             help="base samples (Sobol', a power of 2) or trajectories (Morris), "
                             "at least 2 (default: Sobol' doubles from 512 until --precision "
                             "or --max-samples; Morris 512)")
    sensitivity.add_argument("--precision", type=number_in(0, 1, ends=False), default=0.05,
                             metavar="HALF_WIDTH", help="without --samples, stop once every "
                             "total index's 95%% interval is within ± this (default 0.05)")
    sensitivity.add_argument("--max-samples", type=at_least(2), default=4096, metavar="N",
                             help="without --samples, the most base samples to spend "
                             "(default 4096)")
    sensitivity.add_argument("--quiet", action="store_true", help="no progress bar")
    sensitivity.add_argument("--replicates", type=positive, default=1, metavar="N",
                             help="runs (seeds) per design point, at least 1 (default 1)")
    add_seed(sensitivity)
    add_workers(sensitivity)
    add_settings(sensitivity)
    add_out(sensitivity, "folder for sensitivity.csv and the tornado chart")
    sensitivity.set_defaults(handler=_sensitivity)
