"""The ``escalation`` command: each subcommand parses its options and calls the library."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from escalation.engine.simulate import simulate
from escalation.errors import ScenarioError
from escalation.report.trace import format_trace
from escalation.scenario.loader import load_scenario
from escalation.scenario.schema import ScenarioSpec

if TYPE_CHECKING:
    from escalation.montecarlo.results import Results

EXIT_BAD_INPUT = 2


def _validate(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.file)
    policies = sum(len(actor.policies) for actor in scenario.actors)
    print(f"{args.file}: valid scenario '{scenario.name}' ({len(scenario.actors)} actors, "
          f"{len(scenario.assets)} assets, {policies} policies, "
          f"{len(scenario.parameters.uncertain)} uncertain parameters, "
          f"outcomes: {', '.join(scenario.outcome_ids)})")
    return 0


def _trace(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.file)
    record = simulate(scenario, seed=args.seed, run=args.run)
    sys.stdout.write(format_trace(scenario, record))
    return 0


def _run(args: argparse.Namespace) -> int:
    from escalation.montecarlo.batch import run_batch

    scenario = load_scenario(args.file)
    results = run_batch(
        scenario, args.runs, args.seed, workers=args.workers, backend=args.backend,
        scheduler=args.scheduler, chunk_size=args.chunk_size, sample=args.sample,
        keep_events=args.keep_events, until_ci=args.until_ci, fail_fast=args.fail_fast,
        out=args.out, resume=args.resume, progress=not args.quiet,
    )
    print(results.format_summary())
    if results.stopped_by == "interrupted":
        print(f"interrupted (Ctrl-C or a lost worker): {len(results.runs):,} runs kept"
              + (f" in {args.out}; finish with the same command and --resume" if args.out else ""),
              file=sys.stderr)
        return 130
    if args.until_ci is not None:
        reached = "every interval is within" if results.stopped_by == "precision" else \
            "--runs was reached before every interval was within"
        print(f"stopped: {reached} ±{args.until_ci}")
    if args.out:
        print(f"written to {args.out}/: runs.parquet"
              + (", events.parquet" if args.keep_events else "") + ", summary.json, scenario.yaml")
        _print_figures(results, args.out)
    return 0


def _plot(args: argparse.Namespace) -> int:
    from escalation.montecarlo.results import Results

    try:
        results = Results.load(args.folder)
    except FileNotFoundError as error:
        print(f"escalation: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    _print_figures(results, args.folder)
    return 0


def _print_figures(results: Results, folder: str) -> None:
    from escalation.plotting import write_figures

    for path in write_figures(results, folder):
        print(path)


def _schema(args: argparse.Namespace) -> int:
    schema = ScenarioSpec.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    print(json.dumps(schema, indent=2, sort_keys=True))
    return 0


def _non_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got '{text}'") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative, got {value}")
    return value


def _positive(text: str) -> int:
    value = _non_negative(text)
    if value == 0:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="escalation", description="Simulate international crises from scenario files.")
    commands = parser.add_subparsers(dest="command", required=True)
    validate = commands.add_parser("validate", help="check a scenario file")
    validate.add_argument("file")
    validate.set_defaults(handler=_validate)
    trace = commands.add_parser("trace", help="print one run as a timeline")
    trace.add_argument("file")
    trace.add_argument("--seed", type=_non_negative, default=0, help="batch seed (default 0)")
    trace.add_argument("--run", type=_non_negative, default=0,
                       help="run index within the batch (default 0)")
    trace.set_defaults(handler=_trace)
    run = commands.add_parser("run", help="run a Monte Carlo batch and summarise it")
    run.add_argument("file")
    run.add_argument("--runs", type=_positive, default=1000, help="number of runs (default 1000)")
    run.add_argument("--seed", type=_non_negative, default=0, help="batch seed (default 0)")
    run.add_argument("--out", help="folder for runs.parquet, summary.json, ... (optional)")
    run.add_argument("--workers", type=_positive, help="worker processes (default: all cores)")
    run.add_argument("--backend", choices=("serial", "processes", "dask"), default="processes")
    run.add_argument("--scheduler", help="Dask scheduler address (tcp://HOST:PORT); "
                     "without it --backend dask starts a local cluster")
    run.add_argument("--chunk-size", type=_positive, help="runs per task (default: automatic)")
    run.add_argument("--sample", choices=("independent", "lhs"), default="independent",
                     help="how uncertain parameters are drawn (lhs: Latin hypercube)")
    run.add_argument("--keep-events", action="store_true", help="also write events.parquet")
    run.add_argument("--until-ci", type=float, metavar="HALF_WIDTH",
                     help="stop once every outcome's 95%% interval is within ± this")
    run.add_argument("--fail-fast", action="store_true", help="stop at the first failing run")
    run.add_argument("--resume", action="store_true", help="finish an interrupted batch in --out")
    run.add_argument("--quiet", action="store_true", help="no progress bar")
    run.set_defaults(handler=_run)
    plot = commands.add_parser("plot", help="write a batch folder's figures (PNG and SVG) into it")
    plot.add_argument("folder", metavar="RESULTS_DIR", help="a batch folder written by run --out")
    plot.set_defaults(handler=_plot)
    schema = commands.add_parser("schema", help="print the JSON Schema of scenario files")
    schema.set_defaults(handler=_schema)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0
    except ScenarioError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        count = len(error.problems)
        print(f"{count} problem{'s' if count > 1 else ''} found.", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (ValueError, RuntimeError) as error:  # bad options or --out, --fail-fast, dead workers
        print(f"escalation: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
