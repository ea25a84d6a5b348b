"""What a batch may take of this machine: how many workers, how much memory for its rows."""

from __future__ import annotations

import math
import os
import warnings

from escalation.montecarlo.backends import default_workers
from escalation.montecarlo.chunk import run_columns
from escalation.montecarlo.stats import Z95
from escalation.scenario.compiled import Scenario

WORKERS_PER_CORE = 2  # more local workers than this per core only adds start-up and memory


def worker_count(backend: str, workers: int | None, scheduler: str | None) -> int:
    """How many workers run the chunks: one when serial, all cores by default, and at most
    twice the cores on this machine (with a warning): runs are pure computation, so more
    processes than cores only cost memory and start-up. A remote Dask cluster is not capped:
    ``workers`` is then how many chunks to keep queued for its workers."""
    if backend == "serial":
        return 1
    cores = default_workers()
    if workers is None:
        return cores
    ceiling = WORKERS_PER_CORE * cores
    if scheduler is None and workers > ceiling:
        warnings.warn(f"{workers} workers on {cores} cores would only add start-up time and "
                      f"memory: using {ceiling} ({WORKERS_PER_CORE} per core)", RuntimeWarning,
                      stacklevel=3)
        return ceiling
    return workers


BYTES_PER_VALUE = 8  # a run's value in one column at most: numbers; text is held as codes
MEMORY_SHARE = 4  # a batch may hold at most 1/4 of the machine's memory ...
FALLBACK_MEMORY = 16 * 2**30  # ... taken to be 16 GiB where the system does not say


def memory_bound() -> int:
    """The most memory a batch's rows may take: a quarter of the machine's physical memory
    (of 16 GiB where the system does not tell), leaving room for the final DataFrame's
    conversions, the analyses that follow, and everything else running."""
    try:
        memory = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):  # no sysconf (Windows), or no such name
        memory = FALLBACK_MEMORY
    return (memory if memory > 0 else FALLBACK_MEMORY) // MEMORY_SHARE


def runs_held(runs: int, until_ci: float | None, chunk_size: int, workers: int) -> int:
    """How many runs' rows the batch may come to hold. With ``until_ci`` it stops once every
    interval is narrow enough, which takes at most (z / 2h)^2 runs (the Wilson half-width is
    below z / 2 sqrt(n) for any p), plus the chunks in flight then."""
    if until_ci is None:
        return runs
    enough = math.ceil((Z95 / (2 * until_ci)) ** 2) + chunk_size * (2 * workers + 1)
    return min(runs, enough)


def check_memory(scenario: Scenario, runs: int, held: int) -> None:
    """Refuses a batch whose rows would not fit in memory, before any run: every finished
    run's row is held until the end, with --out too (the final tables and figures are made
    from all of them), so such a batch would otherwise fail hours in, or swap the machine."""
    per_run = BYTES_PER_VALUE * len(run_columns(scenario))
    need, bound = held * per_run, memory_bound()
    if need > bound:
        raise ValueError(
            f"{runs:,} runs of {scenario.name} would hold about {_gib(need)} of rows in memory "
            f"(~{per_run} bytes per run, {per_run // BYTES_PER_VALUE} columns; more with "
            f"events), more than a batch may take: a quarter of this machine's memory, "
            f"{_gib(bound)}. Ask for fewer runs (--runs), let until_ci (--until-ci) stop it once "
            "precise enough, or split it into batches with other seeds (--seed), each with its "
            "own --out DIR")


def _gib(size: int) -> str:
    return f"{size / 2**30:,.1f} GiB"
