"""``run_batch``: many runs of a scenario, in chunks, on any backend, resumable.

The batch is a fixed list of chunks of run indices. Backends return chunks in any order; the
batch keeps them by start index, so the final tables are the same whatever ran where. With
``until_ci`` the batch stops at the first *prefix* of chunks whose outcome intervals are all
narrow enough (never at whatever happened to finish first), which keeps it deterministic.
"""

from __future__ import annotations

import math
import os
import warnings
from collections import Counter
from collections.abc import Generator
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from escalation._version import __version__
from escalation.montecarlo.backends import (
    BACKENDS,
    Chunk,
    HelpersNeverStarted,
    Job,
    WorkersLost,
    default_workers,
    run_dask,
    run_processes,
    run_serial,
)
from escalation.montecarlo.chunk import FAILED, ChunkResult, run_columns
from escalation.montecarlo.moves import spell_out
from escalation.montecarlo.progress import progress_bar
from escalation.montecarlo.results import Results
from escalation.montecarlo.runtable import RunTable
from escalation.montecarlo.sampling import SamplingPlan
from escalation.montecarlo.source import Prepared, prepare, scenario_as_run  # noqa: F401 (re-exported)
from escalation.montecarlo.stats import Z95, widest_half_width
from escalation.montecarlo.storage import MANIFEST, BatchFolder, content_hash, table_of
from escalation.scenario.compiled import Scenario


def plan_chunks(runs: int, chunk_size: int) -> list[Chunk]:
    return [(start, min(chunk_size, runs - start)) for start in range(0, runs, chunk_size)]


def default_chunk_size(runs: int) -> int:
    """Thousands of runs per task (little overhead), yet 16 or more tasks to share out.
    It must not depend on the worker count, so a batch can be resumed with other workers."""
    return max(100, min(5000, math.ceil(runs / 16)))


def run_batch(
    scenario: Scenario | Prepared, runs: int, seed: int = 0, *, workers: int | None = None,
    backend: str = "processes", scheduler: str | None = None, chunk_size: int | None = None,
    sample: str = "independent", keep_events: bool = False, until_ci: float | None = None,
    fail_fast: bool = False, out: str | os.PathLike[str] | None = None, resume: bool = False,
    progress: bool = True, design: np.ndarray | None = None,
) -> Results:
    """Run ``runs`` runs (0 .. runs-1) of ``scenario`` with root ``seed``.

    Identical results for every ``backend`` ("serial", "processes", "dask") and worker count.
    ``out`` writes chunk files as they finish and the final tables; ``resume`` finishes a
    batch interrupted in that folder. ``until_ci`` stops early once every outcome's 95%
    interval is within ± that value. Ctrl-C returns the runs finished so far. ``design``
    (runs x uncertain parameters, in [0, 1]) gives every run's uniforms instead of ``sample``.
    ``scenario`` may come ``prepare``d (with its text as run and digest), so that many batches
    of one scenario read and hash it once.

    Every finished run's row is held until the end (with ``out`` too): a batch whose rows
    would take more than ``memory_bound()`` (a quarter of the machine's memory, at 8 bytes
    per column per run) is refused with a ValueError before any run. Should gathering the
    finished chunks fail, ``CollectionFailed`` says where they are kept for ``resume``.
    """
    _check(runs, seed, backend, until_ci, out, resume)
    prepared = prepare(scenario)
    scenario = prepared.scenario
    workers = worker_count(backend, workers, scheduler)
    size = chunk_size or default_chunk_size(runs)
    _check_memory(scenario, runs, _runs_held(runs, until_ci, size, workers))
    plan = _plan(sample, runs, design)
    if design is not None:
        sample = f"design sha256 {content_hash(np.ascontiguousarray(design, dtype=float).tobytes())}"
    manifest = {"scenario": scenario.name, "scenario_sha256": prepared.sha256, "seed": seed,
                "runs": runs, "chunk_size": size, "sample": sample, "keep_events": keep_events,
                "until_ci": until_ci, "version": __version__}
    folder = BatchFolder(out, manifest, resume) if out is not None else None
    if folder is not None and folder.finished():  # resumed after it finished: nothing to run
        return Results.load(folder.root, events=keep_events)
    chunks = plan_chunks(runs, size)
    finished = Finished(runs)
    counts = finished.counts
    for start in sorted(folder.done()) if folder else ():
        finished.add(start, *folder.load(start, keep_events))  # type: ignore[union-attr]
    todo = [chunk for chunk in chunks if chunk[0] not in counts]
    job = Job(scenario, seed, plan, keep_events, fail_fast)
    stopped_by = "runs"
    bar = progress_bar(runs, sum(c[1] for c in chunks if c[0] in counts), progress)
    stream = _execute(job, todo, backend, workers, scheduler)
    try:
        for result in stream:
            runs_table, events_table = _tables(result)
            if folder is not None:
                folder.save(result.start, runs_table, events_table)
            finished.add(result.start, runs_table, events_table)
            bar.update(len(result.runs["run"]))
            if until_ci is not None and _precise(chunks, counts, until_ci, scenario):
                stopped_by = "precision"
                break
    except KeyboardInterrupt:
        stopped_by = "interrupted"
    except HelpersNeverStarted as error:  # e.g. a script without `if __name__ == "__main__":`
        raise RuntimeError(str(error)) from error.__cause__
    except (BrokenProcessPool, WorkersLost) as error:  # after some chunks: keep what finished
        lost = str(error) if isinstance(error, WorkersLost) else "a worker process died"
        warnings.warn(f"{lost}: the batch kept the chunks that finished; finish it with "
                      "resume=True (--resume)", RuntimeWarning, stacklevel=2)
        stopped_by = "interrupted"
    finally:
        stream.close()
        bar.close()
    kept = sorted(counts)
    if stopped_by == "precision":
        kept = _prefix(chunks, counts)[:_first_precise(chunks, counts, until_ci or 0.0, scenario)]
    try:
        results = _collect(scenario, seed, runs, kept, finished, keep_events, stopped_by, manifest)
        if folder is not None and stopped_by != "interrupted":
            folder.finish(results.runs, results.events, results.report(), prepared.text)
    except Exception as error:
        raise CollectionFailed(_lost_collection(error, out, len(kept))) from error
    return results


class CollectionFailed(RuntimeError):
    """The runs finished but gathering them into the final tables failed; says where the
    finished chunks are kept, or how to keep them next time."""


def _lost_collection(error: Exception, out: str | os.PathLike[str] | None, chunks: int) -> str:
    """What a failure while collecting finished chunks cost, and how to get them back: a
    crash there must not read like a crash of the runs, nor lose hours of them unnoticed."""
    what = f"collecting the batch's {chunks} finished chunks failed ({type(error).__name__}: {error})"
    if out is None:
        return (f"{what}; nothing was kept: run it again with --out DIR (out=), which writes "
                "each chunk as it finishes, so that a failure here can be collected again with "
                "--resume (resume=True)")
    return (f"{what}; they are kept in {Path(out) / 'chunks'}: collect them with the same "
            "command and --resume (resume=True), which reruns no finished chunk")


def _plan(sample: str, runs: int, design: np.ndarray | None) -> SamplingPlan:
    if design is None:
        return SamplingPlan(sample, runs if sample == "lhs" else 0)
    design = np.asarray(design, dtype=float)
    if design.ndim != 2 or design.shape[0] != runs:
        raise ValueError(f"a design needs one row per run ({runs}), got shape {design.shape}")
    if not np.all((design >= 0) & (design <= 1)):
        raise ValueError("a design holds uniforms: every value must be within [0, 1]")
    return SamplingPlan("design", uniforms=design)


def _check(runs: int, seed: int, backend: str, until_ci: float | None,
           out: str | os.PathLike[str] | None, resume: bool) -> None:
    if runs <= 0:
        raise ValueError(f"runs must be positive, got {runs}")
    if seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed}")
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend '{backend}'; use one of {', '.join(BACKENDS)}")
    if until_ci is not None and not 0 < until_ci < 0.5:
        raise ValueError(f"until_ci is a half-width between 0 and 0.5, got {until_ci}")
    if resume:
        _check_resumable(out)


def _check_resumable(out: str | os.PathLike[str] | None) -> None:
    """Refuses to resume where no batch was started: a mistyped folder would otherwise start
    a new batch of a million runs without a word."""
    if out is None:
        raise ValueError("resume=True (--resume) finishes a batch in the folder it was written "
                         "to: give that folder as out (--out DIR)")
    if not (Path(out) / MANIFEST).is_file():
        what = "holds no batch" if Path(out).is_dir() else "does not exist"
        raise ValueError(f"--resume (resume=True): {out} {what}, so there is nothing to finish; "
                         "check the folder's name, or drop --resume to start a new batch there")


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


def _runs_held(runs: int, until_ci: float | None, chunk_size: int, workers: int) -> int:
    """How many runs' rows the batch may come to hold. With ``until_ci`` it stops once every
    interval is narrow enough, which takes at most (z / 2h)^2 runs (the Wilson half-width is
    below z / 2 sqrt(n) for any p), plus the chunks in flight then."""
    if until_ci is None:
        return runs
    enough = math.ceil((Z95 / (2 * until_ci)) ** 2) + chunk_size * (2 * workers + 1)
    return min(runs, enough)


def _check_memory(scenario: Scenario, runs: int, held: int) -> None:
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


def _execute(job: Job, chunks: list[Chunk], backend: str, workers: int, scheduler: str | None
             ) -> Generator[ChunkResult, None, None]:
    if backend == "serial" or not chunks:
        return run_serial(job, chunks)
    if backend == "processes":
        return run_processes(job, chunks, workers)
    return run_dask(job, chunks, workers, scheduler)


def _tables(result: ChunkResult) -> tuple[pa.Table, pa.Table | None]:
    return table_of(result.runs), table_of(result.events) if result.events is not None else None


class Finished:
    """The chunks finished so far: their rows, their events when kept, their outcome counts."""

    def __init__(self, runs: int) -> None:
        self.rows = RunTable(runs)
        self.events: dict[int, pa.Table] = {}
        self.counts: dict[int, Counter[str]] = {}

    def add(self, start: int, runs: pa.Table, events: pa.Table | None) -> None:
        self.rows.add(start, runs)  # the chunk's table itself is not kept
        if events is not None:
            self.events[start] = events
        self.counts[start] = Counter(runs.column("outcome").to_pylist())


def _prefix(chunks: list[Chunk], done: dict[int, Any]) -> list[int]:
    """Start indices of the chunks finished without a gap from the first."""
    starts = []
    for start, _ in chunks:
        if start not in done:
            break
        starts.append(start)
    return starts


def _first_precise(chunks: list[Chunk], counts: dict[int, Counter[str]], target: float,
                   scenario: Scenario) -> int | None:
    """How many leading chunks it takes for every outcome interval to be narrow enough
    (None: the finished prefix is not precise enough yet)."""
    total: Counter[str] = Counter()
    for index, (start, _) in enumerate(chunks):
        if start not in counts:
            break
        total.update(counts[start])
        if _narrow(total, target, scenario):
            return index + 1
    return None


def _precise(chunks: list[Chunk], counts: dict[int, Counter[str]], target: float,
             scenario: Scenario) -> bool:
    return _first_precise(chunks, counts, target, scenario) is not None


def _narrow(total: Counter[str], target: float, scenario: Scenario) -> bool:
    done = sum(n for outcome, n in total.items() if outcome != FAILED)
    outcomes = {name: total.get(name, 0) for name in scenario.outcome_ids}
    return done > 0 and widest_half_width(outcomes, done) <= target


def _collect(scenario: Scenario, seed: int, runs: int, starts: list[int], finished: Finished,
             keep_events: bool, stopped_by: str, manifest: dict[str, Any]) -> Results:
    """The results of the chunks at ``starts``, taking their tables over so that a million
    runs are not held twice."""
    frame = finished.rows.frame(starts) if starts else \
        pd.DataFrame(columns=list(run_columns(scenario)))  # none finished: the columns, no rows
    if "path" in frame.columns:
        frame["path"] = spell_out(scenario, frame["path"])
    events = [finished.events.pop(start) for start in starts if start in finished.events]
    finished.events.clear()
    return Results(scenario.name, seed, scenario.outcome_ids, frame,
                   _frame(events) if keep_events else None, stopped_by, runs,
                   {"manifest": manifest})


def _frame(parts: list[pa.Table]) -> pd.DataFrame:
    """Chunk tables (of events) as one DataFrame. ``parts`` must hold the only references to
    them: it is emptied, and each column's chunks are freed as soon as it is converted."""
    if not parts:
        return pd.DataFrame()
    table = pa.concat_tables(parts, promote_options="permissive")
    parts.clear()
    frame = table.to_pandas(self_destruct=True, split_blocks=True)
    del table  # unusable after self_destruct
    for column in frame.columns:  # categories in a fixed order, whatever the chunking
        if isinstance(frame[column].dtype, pd.CategoricalDtype):
            frame[column] = frame[column].cat.reorder_categories(
                sorted(frame[column].cat.categories))
    return frame
