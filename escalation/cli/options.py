"""Options several commands share: number checks, scenario settings, batch options."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from escalation.scenario.compiled import Scenario
from escalation.scenario.loader import load_scenario

EXIT_INTERNAL = 1  # a fault of the engine's, not the user's
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130  # as a shell reports a process ended by SIGINT


def at_least(minimum: int) -> Callable[[str], int]:
    """An argparse type: a whole number no smaller than ``minimum``. Refused at parse time, a
    count that means nothing (0 runs, depth -1) cannot run silently or fail late."""
    def whole_number(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got '{text}'") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {value}")
        return value

    return whole_number


def number_in(low: float, high: float, *, ends: bool = True) -> Callable[[str], float]:
    """An argparse type: a number from ``low`` to ``high``, the ends included unless ``ends``
    is False. NaN and infinities are refused (every comparison with NaN is false)."""
    span = f"from {low:g} to {high:g}" if ends else f"between {low:g} and {high:g} (excluded)"

    def number(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number {span}, got '{text}'") from None
        inside = low <= value <= high if ends else low < value < high
        if not inside:
            raise argparse.ArgumentTypeError(f"must be a number {span}, got {text}")
        return value

    return number


non_negative = at_least(0)
positive = at_least(1)
share = number_in(0, 1)  # a proportion of runs or of impurity


def output_folder(text: str) -> str:
    """An argparse type for --out: refuses a file (or a path under one) and a folder this user
    cannot write into, before any work, rather than at the first write after the runs. A
    missing folder is fine: it is created."""
    from escalation.montecarlo.storage import unusable_folder

    problem = unusable_folder(text)
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return text


def writable(folder: str) -> bool:
    """Whether files can be written into ``folder`` (commands that save next to a batch's
    files fall back to printing only when it is read-only)."""
    from escalation.montecarlo.storage import unusable_folder

    return unusable_folder(folder) is None


def batch_folder(text: str) -> str:
    """An argparse type for a batch folder to read: a file given instead is named as one
    (a missing folder is left to the command, which says how to write one)."""
    if Path(text).is_file():
        raise argparse.ArgumentTypeError(
            f"{text} is a file, not a batch folder: give the folder written by "
            "escalation run FILE --out DIR")
    return text


def scenario_file(text: str) -> str:
    """An argparse type for FILE: a scenario file, or the name of a shipped one (a local
    file of that name wins); a name that is neither is refused with the shipped names."""
    from escalation.library import resolve_scenario, unknown_scenario

    problem = unknown_scenario(text)
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return resolve_scenario(text)


def command(commands: Any, name: str, summary: str, example: str, description: str = ""
            ) -> argparse.ArgumentParser:
    """A subcommand with its one-line ``summary`` (listed by group in ``escalation --help``)
    and an ``example`` of its use at the end of its own help."""
    parser: argparse.ArgumentParser = commands.add_parser(
        name, description=description or summary, epilog=f"example:\n  {example}",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.set_defaults(summary=summary)
    return parser


def add_file(parser: argparse.ArgumentParser, what: str = "the scenario") -> None:
    parser.add_argument("file", metavar="FILE", type=scenario_file,
                        help=f"{what}: a YAML file, or the name of a shipped scenario "
                        "(escalation scenarios lists them)")


def episode_target(text: str) -> str:
    """A folder of episodes, a scenario file, or the name of a shipped scenario."""
    from escalation.library import resolve_scenario

    return text if Path(text).is_dir() else resolve_scenario(text)


def add_episodes(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("targets", metavar="DIR|FILE", type=episode_target, nargs="+", help=what)


def add_out(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--out", metavar="DIR", type=output_folder, help=what)


def add_results_folder(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", metavar="RESULTS_DIR", type=batch_folder,
                        help="a batch folder written by escalation run FILE --out DIR")


def add_settings(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--set", action="append", default=[], metavar="PATH=VALUE",
                        help="change one field before running, e.g. "
                        "actors.iran.policies.avenges.probability=0.5 (repeatable; VALUE is YAML)")


def load(args: argparse.Namespace, file: str | None = None) -> Scenario:
    """The scenario named on the command line with its --set settings applied; its warnings
    (loadable, but likely not what was meant) go to standard error, each at its line."""
    scenario = load_scenario(file or args.file, args.set)
    for warning in scenario.warnings:
        print(warning, file=sys.stderr)
    return scenario


def add_seed(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seed", type=non_negative, default=0,
                        help="batch seed, a whole number from 0 (default 0)")


def add_workers(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workers", type=positive, metavar="N",
                        help="worker processes (default: all cores; more than twice the cores "
                        "is capped, with a warning)")


def add_batch_options(parser: argparse.ArgumentParser, runs: int) -> None:
    parser.add_argument("--runs", type=positive, default=runs, metavar="N",
                        help=f"number of runs (default {runs}); a batch whose rows would take more "
                        "than a quarter of the machine's memory is refused")
    add_seed(parser)
    add_workers(parser)
    parser.add_argument("--backend", choices=("serial", "processes", "dask"), default="processes",
                        help="where runs go: this process, local worker processes (default), or "
                        "Dask (pip install 'escalation[dask]'; docs/dask.md)")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="Dask scheduler address (tcp://HOST:PORT); without it --backend dask "
                        "starts a local cluster")
    parser.add_argument("--chunk-size", type=positive, metavar="N",
                        help="runs per task (default: automatic)")
    parser.add_argument("--sample", choices=("independent", "lhs"), default="independent",
                        help="how uncertain parameters are drawn (default independent; lhs: "
                        "Latin hypercube)")
    parser.add_argument("--quiet", action="store_true",
                        help="no progress bar (none is drawn when standard error is not a terminal)")


def batch_options(args: argparse.Namespace) -> dict[str, Any]:
    """``run_batch`` keyword arguments from the shared batch options."""
    return {"workers": args.workers, "backend": args.backend, "scheduler": args.scheduler,
            "chunk_size": args.chunk_size, "sample": args.sample, "progress": not args.quiet}
