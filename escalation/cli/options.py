"""Options several commands share: number checks, scenario settings, batch options."""

from __future__ import annotations

import argparse
from typing import Any

from escalation.scenario.compiled import Scenario
from escalation.scenario.loader import load_scenario

EXIT_BAD_INPUT = 2


def non_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got '{text}'") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative, got {value}")
    return value


def positive(text: str) -> int:
    value = non_negative(text)
    if value == 0:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def add_settings(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--set", action="append", default=[], metavar="PATH=VALUE",
                        help="change one field before running, e.g. "
                        "actors.iran.policies.avenges.probability=0.5 (repeatable; VALUE is YAML)")


def load(args: argparse.Namespace, file: str | None = None) -> Scenario:
    """The scenario named on the command line with its --set settings applied."""
    return load_scenario(file or args.file, args.set)


def add_batch_options(parser: argparse.ArgumentParser, runs: int) -> None:
    parser.add_argument("--runs", type=positive, default=runs, help=f"number of runs (default {runs})")
    parser.add_argument("--seed", type=non_negative, default=0, help="batch seed (default 0)")
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
