"""The ``escalation`` command: each subcommand parses its options and calls the library.

Commands live in modules by theme (``batch``: one scenario and its batches; ``assumptions``:
counterfactuals, sweeps and sensitivity; ``tables``: paths and scenario discovery of a batch
folder; ``reports``: explanations and reports), each with a
``register`` that adds its subcommands.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from escalation.cli import assumptions, batch, reports, tables
from escalation.cli.options import EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_INTERRUPTED
from escalation.errors import ScenarioError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="escalation", description="Simulate international crises from scenario files.")
    commands = parser.add_subparsers(dest="command", required=True)
    for module in (batch, tables, assumptions, reports):
        module.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:  # Ctrl-C outside a batch's runs (which keep what finished)
        print("escalation: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except ScenarioError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        count = len(error.problems)
        print(f"{count} problem{'s' if count > 1 else ''} found.", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (ValueError, RuntimeError, FileNotFoundError) as error:  # bad options, --out, workers
        print(f"escalation: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as error:  # a fault of ours: one line, and the traceback on request
        if os.environ.get("ESCALATION_DEBUG"):
            raise
        from escalation.montecarlo.chunk import describe_failure

        print(f"escalation: internal error: {describe_failure(error)}. This is a bug: please "
              "report it with the command and the scenario file (set ESCALATION_DEBUG=1 to see "
              "the traceback)", file=sys.stderr)
        return EXIT_INTERNAL


__all__ = ["build_parser", "main"]
