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
    """An argparse type for --out: refuses a file (or a path under one) before any work,
    rather than at the first write after the runs. A missing folder is fine: it is created."""
    from escalation.montecarlo.storage import unusable_folder

    problem = unusable_folder(text)
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return text


def batch_folder(text: str) -> str:
    """An argparse type for a batch folder to read: a file given instead is named as one
    (a missing folder is left to the command, which says how to write one)."""
    if Path(text).is_file():
        raise argparse.ArgumentTypeError(
            f"{text} is a file, not a batch folder: give the folder written by "
            "escalation run FILE --out DIR")
    return text


def add_out(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--out", metavar="DIR", type=output_folder, help=what)


def add_results_folder(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", metavar="RESULTS_DIR", type=batch_folder,
                        help="a batch folder written by run --out")


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
    parser.add_argument("--seed", type=non_negative, default=0, help="batch seed (default 0)")


def add_batch_options(parser: argparse.ArgumentParser, runs: int) -> None:
    parser.add_argument("--runs", type=positive, default=runs,
                        help=f"number of runs (default {runs}); a batch whose rows would take more "
                        "than a quarter of the machine's memory is refused")
    add_seed(parser)
    parser.add_argument("--workers", type=positive, help="worker processes (default: all cores)")
    parser.add_argument("--backend", choices=("serial", "processes", "dask"), default="processes")
    parser.add_argument("--scheduler", help="Dask scheduler address (tcp://HOST:PORT); "
                        "without it --backend dask starts a local cluster")
    parser.add_argument("--chunk-size", type=positive, help="runs per task (default: automatic)")
    parser.add_argument("--sample", choices=("independent", "lhs"), default="independent",
                        help="how uncertain parameters are drawn (lhs: Latin hypercube)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def batch_options(args: argparse.Namespace) -> dict[str, Any]:
    """``run_batch`` keyword arguments from the shared batch options."""
    return {"workers": args.workers, "backend": args.backend, "scheduler": args.scheduler,
            "chunk_size": args.chunk_size, "sample": args.sample, "progress": not args.quiet}
