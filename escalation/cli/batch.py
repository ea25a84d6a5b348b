"""Commands on one scenario and its batches: validate, trace, run, plot, schema."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from escalation.cli.options import (
    EXIT_BAD_INPUT,
    EXIT_INTERRUPTED,
    add_batch_options,
    add_out,
    add_results_folder,
    add_seed,
    add_settings,
    batch_options,
    load,
    non_negative,
    number_in,
)
from escalation.engine.simulate import simulate
from escalation.report.trace import format_trace
from escalation.scenario.compiled import Scenario
from escalation.scenario.loader import load_scenario
from escalation.scenario.schema import ScenarioSpec

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
        print(f"written to {args.out}/: runs.parquet"
              + (", events.parquet" if args.keep_events else "") + ", summary.json, scenario.yaml")
        _print_figures(results, args.out, scenario)
    return 0


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
    _print_figures(results, args.folder, load_scenario(as_run) if as_run.is_file() else None)
    return 0


def _print_figures(results: Results, folder: str, scenario: Scenario | None) -> None:
    from escalation.plotting import write_figures

    for path in write_figures(results, folder, scenario):
        print(path)


def _schema(args: argparse.Namespace) -> int:
    schema = ScenarioSpec.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    print(json.dumps(schema, indent=2, sort_keys=True))
    return 0


def register(commands: Any) -> None:
    validate = commands.add_parser("validate", help="check a scenario file")
    validate.add_argument("file")
    add_settings(validate)
    validate.set_defaults(handler=_validate)
    trace = commands.add_parser("trace", help="print one run as a timeline")
    trace.add_argument("file")
    add_seed(trace)
    trace.add_argument("--run", type=non_negative, default=0,
                       help="run index within the batch (default 0)")
    add_out(trace, "also draw the run's timeline (PNG, SVG) into DIR")
    add_settings(trace)
    trace.set_defaults(handler=_trace)
    run = commands.add_parser("run", help="run a Monte Carlo batch and summarise it")
    run.add_argument("file")
    add_batch_options(run, runs=1000)
    add_out(run, "folder for runs.parquet, summary.json, ... (optional)")
    run.add_argument("--keep-events", action="store_true", help="also write events.parquet")
    run.add_argument("--until-ci", type=number_in(0, 0.5, ends=False), metavar="HALF_WIDTH",
                     help="stop once every outcome's 95%% interval is within ± this")
    run.add_argument("--fail-fast", action="store_true", help="stop at the first failing run")
    run.add_argument("--resume", action="store_true", help="finish an interrupted batch in --out")
    add_settings(run)
    run.set_defaults(handler=_run)
    plot = commands.add_parser("plot", help="write a batch folder's figures (PNG and SVG) into it")
    add_results_folder(plot)
    plot.set_defaults(handler=_plot)
    schema = commands.add_parser("schema", help="print the JSON Schema of scenario files")
    schema.set_defaults(handler=_schema)
