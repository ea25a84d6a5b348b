"""The ``escalation`` command: each subcommand parses its options and calls the library."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from escalation.engine.simulate import simulate
from escalation.errors import ScenarioError
from escalation.report.trace import format_trace
from escalation.scenario.loader import load_scenario
from escalation.scenario.schema import ScenarioSpec

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


if __name__ == "__main__":
    sys.exit(main())
