"""Commands on one scenario and its batches: validate, trace, run, plot."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from escalation.cli.options import (
    EXIT_BAD_INPUT,
    EXIT_INTERRUPTED,
    add_batch_options,
    add_file,
    add_out,
    add_results_folder,
    add_seed,
    add_settings,
    batch_options,
    command,
    load,
    non_negative,
    number_in,
)
from escalation.engine.simulate import simulate
from escalation.report.trace import format_trace
from escalation.scenario.compiled import Scenario
from escalation.scenario.loader import load_scenario

if TYPE_CHECKING:
    from escalation.montecarlo.results import Results


def _validate(args: argparse.Namespace) -> int:
    scenario = load(args)
    policies = sum(len(actor.policies) for actor in scenario.actors)
    print(f"{args.file}: valid scenario '{scenario.name}' ({len(scenario.actors)} actors, "
          f"{len(scenario.assets)} assets, {policies} policies, "
          f"{len(scenario.parameters.uncertain)} uncertain parameters, "
          f"outcomes: {', '.join(scenario.outcome_ids)})"
          + (f"; {len(scenario.warnings)} warning{'s' if len(scenario.warnings) > 1 else ''} "
             "(standard error)" if scenario.warnings else ""))
    return 0


def _trace(args: argparse.Namespace) -> int:
    scenario = load(args)
    record = simulate(scenario, seed=args.seed, run=args.run)
    sys.stdout.write(format_trace(scenario, record))
    if args.out:
        from escalation.plotting import save_figure
        from escalation.plotting.timeline import timeline_chart

        for path in save_figure(timeline_chart(scenario, record), args.out,
                                f"timeline_seed{args.seed}_run{args.run}"):
            print(path)
    return 0


def _run(args: argparse.Namespace) -> int:
    from escalation.montecarlo.batch import run_batch

    if args.show_plan:
        return _show_plan(args)
    scenario = load(args)
    results = run_batch(scenario, args.runs, args.seed, keep_events=args.keep_events,
                        until_ci=args.until_ci, fail_fast=args.fail_fast, out=args.out,
                        resume=args.resume, **batch_options(args))
    if results.stopped_by == "interrupted":
        if len(results.runs):
            print(results.format_summary())
        print(_interrupted(len(results.runs), args.out), file=sys.stderr)
        return EXIT_INTERRUPTED
    print(results.format_summary())
    if args.until_ci is not None:
        reached = "every interval is within" if results.stopped_by == "precision" else \
            "--runs was reached before every interval was within"
        print(f"stopped: {reached} ±{args.until_ci}")
    if args.out:
        _write_outputs(results, args.out, scenario, args.keep_events)
    return 0


def _show_plan(args: argparse.Namespace) -> int:
    """Prints how the batch would be cut into chunks, and runs nothing."""
    from escalation.montecarlo.plan import chunk_plan, describe

    chunks, name = chunk_plan(args.runs, args.chunk_size)
    print(f"plan {name}: {describe(chunks)}")
    return 0


def _write_outputs(results: Results, out: str, scenario: Scenario, events: bool) -> None:
    """A finished batch's figures and report, written into its folder; says where, in two
    lines (the figures' own paths, two dozen of them, are in the report and the folder)."""
    from escalation.plotting import write_figures
    from escalation.report.html import write_report

    figures = write_figures(results, out, scenario)
    report = write_report(out)
    print(f"written to {out}/: runs.parquet" + (", events.parquet" if events else "")
          + f", summary.json, scenario.yaml and {len(figures)} figure files (PNG, SVG)")
    print(f"report: {report}")


def _interrupted(kept: int, out: str | None) -> str:
    """What an interrupted batch kept, and how to finish it (its --out folder holds the
    batch's settings even before its first chunk, so --resume can start it over)."""
    said = "interrupted (Ctrl-C or a lost worker): " + (f"{kept:,} runs kept" if kept else
                                                        "no run finished")
    if out is None:
        return said
    return f"{said}{' in ' + out if kept else ''}; finish with the same command and --resume"


def _plot(args: argparse.Namespace) -> int:
    from escalation.montecarlo.results import Results

    try:
        results = Results.load(args.folder, events=True)
    except FileNotFoundError as error:
        print(f"escalation: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    as_run = Path(args.folder) / "scenario.yaml"  # the very scenario the batch ran
    _print_figures(results, args.out or args.folder,
                   load_scenario(as_run) if as_run.is_file() else None)
    return 0


def _print_figures(results: Results, folder: str, scenario: Scenario | None) -> None:
    from escalation.plotting import write_figures

    for path in write_figures(results, folder, scenario):
        print(path)


def register(commands: Any) -> None:
    validate = command(commands, "validate", "check a scenario file: every fault at its line",
                       "escalation validate scenarios/us_iran_2020.yaml")
    add_file(validate)
    add_settings(validate)
    validate.set_defaults(handler=_validate)
    trace = command(commands, "trace", "print one run as a timeline: what each side did and saw",
                    "escalation trace us_iran_2020 --seed 42 --run 17")
    add_file(trace)
    add_seed(trace)
    trace.add_argument("--run", type=non_negative, default=0, metavar="N",
                       help="run index within the batch, from 0 (default 0)")
    add_out(trace, "also draw the run's timeline (PNG, SVG) into DIR")
    add_settings(trace)
    trace.set_defaults(handler=_trace)
    run = command(commands, "run", "run a Monte Carlo batch and summarise it",
                  "escalation run us_iran_2020 --runs 10000 --seed 42 --out results/us_iran")
    add_file(run)
    add_batch_options(run, runs=1000)
    add_out(run, "folder for runs.parquet, summary.json, the figures and report.html "
            "(optional; it must not hold another batch)")
    run.add_argument("--keep-events", action="store_true", help="also write events.parquet")
    run.add_argument("--until-ci", type=number_in(0, 0.5, ends=False), metavar="HALF_WIDTH",
                     help="stop once every outcome's 95%% interval is within ± this")
    run.add_argument("--fail-fast", action="store_true", help="stop at the first failing run")
    run.add_argument("--resume", action="store_true",
                     help="finish an interrupted batch in --out DIR (which must exist)")
    run.add_argument("--show-plan", action="store_true",
                     help="print how the runs are cut into chunks (the tasks workers take), "
                     "and run nothing")
    add_settings(run)
    run.set_defaults(handler=_run)
    plot = command(commands, "plot", "write a batch folder's figures (PNG and SVG)",
                   "escalation plot results/us_iran")
    add_results_folder(plot)
    add_out(plot, "write the figures into DIR instead of RESULTS_DIR (for a read-only batch)")
    plot.set_defaults(handler=_plot)
