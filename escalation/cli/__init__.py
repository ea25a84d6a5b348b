"""The ``escalation`` command: each subcommand parses its options and calls the library.

Commands live in modules by theme (``scenarios``: the shipped library and the schema;
``batch``: one scenario and its batches; ``assumptions``: counterfactuals, sweeps and
sensitivity; ``tables``: paths, scenario discovery and export of a batch folder; ``reports``:
explanations and reports; ``backtest``: scores on real episodes), each with a ``register``
that adds its subcommands. ``--help`` lists them by what they work on (``GROUPS``), not by module.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from collections.abc import Sequence
from typing import Any

from escalation._version import __version__
from escalation.cli import assumptions, backtest, batch, calibrate, reports, scenarios, tables
from escalation.cli.options import EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_INTERRUPTED
from escalation.errors import ScenarioError

GROUPS = {
    "scenario files": ("scenarios", "validate", "trace", "explain", "schema"),
    "batches": ("run", "report", "plot", "export"),
    "analysis": ("paths", "discover", "compare", "sweep", "sensitivity", "backtest", "calibrate"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="escalation", description="Simulate international crises from scenario files.",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"escalation {__version__}")
    commands = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND",
        help="one of the commands below; escalation COMMAND --help says more, with an example")
    for module in (scenarios, batch, reports, tables, assumptions, backtest, calibrate):
        module.register(commands)
    parser.epilog = _grouped(commands.choices)
    return parser


def _grouped(parsers: dict[str, argparse.ArgumentParser]) -> str:
    """The commands by group, each with its one-line summary; a command missing from
    ``GROUPS`` is listed under 'other' rather than hidden."""
    listed = {name for names in GROUPS.values() for name in names}
    groups = {**GROUPS, "other": tuple(sorted(set(parsers) - listed))}
    width = max(map(len, parsers))
    lines: list[str] = []
    for title, names in groups.items():
        if names:
            lines.append(f"{title}:" if not lines else f"\n{title}:")
            lines += [f"  {name:<{width}}  {parsers[name].get_default('summary')}" for name in names]
    lines.append("\nfirst steps: escalation scenarios; escalation run us_iran_2020 --out DIR")
    return "\n".join(lines)


def _show_warning(message: Warning | str, category: type[Warning], filename: str, lineno: int,
                  file: Any = None, line: str | None = None) -> None:
    """A library warning (workers capped, a worker lost) as one line of the command's output,
    not Python's 'file:line: RuntimeWarning:' form meant for programmers."""
    print(f"escalation: warning: {message}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    with warnings.catch_warnings():
        warnings.showwarning = _show_warning
        return _handle(args)


def _handle(args: argparse.Namespace) -> int:
    """Runs the command, turning every failure into one line and an exit status."""
    from escalation.extras import install_hint

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
    except ModuleNotFoundError as error:  # an optional extra (dask, SALib) not installed
        hint = install_hint(error.name or "")
        if hint is None:
            return _internal(error)
        print(f"escalation: {hint}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (ValueError, RuntimeError, FileNotFoundError, ImportError) as error:  # bad options, --out
        print(f"escalation: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except PermissionError as error:  # e.g. an immutable folder that os.access calls writable
        print(f"escalation: cannot write {error.filename}: {error.strerror}; choose a folder "
              "you can write to (--out DIR)", file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as error:  # a fault of ours: one line, and the traceback on request
        return _internal(error)


def _internal(error: Exception) -> int:
    if os.environ.get("ESCALATION_DEBUG"):
        raise error
    from escalation.montecarlo.chunk import describe_failure

    print(f"escalation: internal error: {describe_failure(error)}. This is a bug: please "
          "report it with the command and the scenario file (set ESCALATION_DEBUG=1 to see "
          "the traceback)", file=sys.stderr)
    return EXIT_INTERNAL


__all__ = ["build_parser", "main"]
