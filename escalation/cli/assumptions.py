"""Commands on what changing assumptions does: compare, sweep, sensitivity."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from escalation.cli.options import (
    add_batch_options,
    add_out,
    add_seed,
    add_settings,
    at_least,
    batch_options,
    load,
    positive,
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
                         args.replicates, workers=args.workers or _cores())
    print(f"{scenario.name}: what moves P({result.outcome}) (base {result.base_probability:.3f}); "
          f"{args.method}, {result.runs:,} runs, seed {args.seed}")
    print(result.indices.to_string(float_format=lambda v: f"{v:.3f}"))
    if args.out:
        root = Path(args.out)
        root.mkdir(parents=True, exist_ok=True)
        result.indices.to_csv(root / "sensitivity.csv")
        _print_saved(tornado_chart(result), root, "tornado", [root / "sensitivity.csv"])
    return 0


def _cores() -> int:
    from escalation.montecarlo.backends import default_workers

    return default_workers()


def _print_saved(figure: Any, root: Path, name: str, tables: list[Path]) -> None:
    from escalation.plotting import save_figure

    for path in [*tables, *save_figure(figure, root, name)]:
        print(path)


def register(commands: Any) -> None:
    compare = commands.add_parser(
        "compare", help="a counterfactual: the same runs with one assumption changed",
        description="Runs the scenario and a variant with common random numbers (same seeds, "
        "same streams) and reports the paired difference in each outcome's probability.")
    compare.add_argument("file")
    compare.add_argument("other", nargs="?", help="a second scenario file (the variant)")
    compare.add_argument("--set", action="append", default=[], metavar="PATH=VALUE",
                         help="the variant's change (repeatable; VALUE is YAML), e.g. "
                         "actors.iran.policies.avenges.response.warn=[]")
    compare.add_argument("--both", action="append", default=[], metavar="PATH=VALUE",
                         help="a setting applied to base and variant alike (repeatable)")
    add_batch_options(compare, runs=2000)
    add_out(compare, "folder for comparison.csv and the figure")
    compare.set_defaults(handler=_compare)

    sweep = commands.add_parser("sweep", help="re-run the batch over the values of one or two fields")
    sweep.add_argument("file")
    sweep.add_argument("--param", action="append", required=True, metavar="PATH=LOW:HIGH:N",
                       help="a field and its values: LOW:HIGH:N evenly spaced, or A,B,C; give it "
                       "twice for a heat map")
    sweep.add_argument("--outcome", help="the outcome a two-field heat map shows (default: first)")
    add_batch_options(sweep, runs=2000)
    add_settings(sweep)
    add_out(sweep, "folder for sweep.csv and the figure")
    sweep.set_defaults(handler=_sweep)

    sensitivity = commands.add_parser(
        "sensitivity", help="rank the uncertain parameters by how much they move an outcome")
    sensitivity.add_argument("file")
    sensitivity.add_argument("--outcome", help="outcome class (default: war, else the last one)")
    sensitivity.add_argument("--method", choices=("sobol", "morris"), default="sobol")
    sensitivity.add_argument("--samples", type=at_least(2), default=512,
                             help="base samples (Sobol', a power of 2) or trajectories (Morris)")
    sensitivity.add_argument("--replicates", type=positive, default=1,
                             help="runs (seeds) per design point (default 1)")
    add_seed(sensitivity)
    sensitivity.add_argument("--workers", type=positive, help="processes (default: all cores)")
    add_settings(sensitivity)
    add_out(sensitivity, "folder for sensitivity.csv and the tornado chart")
    sensitivity.set_defaults(handler=_sensitivity)
