"""``run_batch``: many runs of a scenario, in chunks, on any backend, resumable; and
``run_batches``: several batches through one pool, one queue and one progress bar.

A batch is a fixed list of chunks of run indices. Backends return chunks in any order; each
batch keeps its own by start index, so its final tables are the same whatever ran where and
whatever ran beside it. With ``until_ci`` a batch stops at the first *prefix* of its chunks
whose outcome intervals are all narrow enough (never at whatever happened to finish first),
which keeps it deterministic.
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Generator, Iterator, Mapping, Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from escalation.montecarlo.backends import (
    BACKENDS,
    Chunk,
    HelpersNeverStarted,
    Job,
    Part,
    WorkersLost,
    run_dask,
    run_processes,
    run_serial,
)
from escalation.montecarlo.chunk import ChunkResult, run_columns
from escalation.montecarlo.gather import BatchRequest, Gathering
from escalation.montecarlo.limits import check_memory, runs_held, worker_count
from escalation.montecarlo.moves import spell_out
from escalation.montecarlo.plan import chunk_plan, largest_chunk
from escalation.montecarlo.progress import progress_bar
from escalation.montecarlo.results import Results
from escalation.montecarlo.sampling import RunValues, SamplingPlan
from escalation.montecarlo.source import Prepared, prepare, scenario_as_run
from escalation.montecarlo.storage import MANIFEST
from escalation.scenario.compiled import Scenario

__all__ = ["BatchRequest", "CollectionFailed", "Prepared", "prepare", "run_alike", "run_batch",
           "run_batches", "scenario_as_run", "worker_count"]


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
    request = BatchRequest(scenario, runs, seed, sample, design, keep_events, until_ci, out,
                           resume)
    return run_batches([request], workers=workers, backend=backend, scheduler=scheduler,
                       chunk_size=chunk_size, fail_fast=fail_fast, progress=progress)[0]


def run_batches(
    requests: Sequence[BatchRequest], *, workers: int | None = None, backend: str = "processes",
    scheduler: str | None = None, chunk_size: int | None = None, fail_fast: bool = False,
    progress: bool = True, bar: Any = None,
) -> list[Results]:
    """Several batches through one pool: one start of the workers (or of a Dask cluster),
    one queue of chunks, so that no worker waits at the end of one batch while another has
    runs left, and one progress bar (``bar``, a ``progress_bar``, to share one further).
    Each batch's results are those ``run_batch`` gives it alone, on any backend and worker
    count. Each distinct scenario is prepared and shipped to each worker once."""
    _check_options(backend)
    for request in requests:
        _check(request.runs, request.seed, request.until_ci, request.out, request.resume)
    count = worker_count(backend, workers, scheduler)
    gatherings = [_gathering(request, prepared, chunk_size, count)
                  for request, prepared in zip(requests, _prepared(requests), strict=True)]
    job, todo = _job(gatherings, fail_fast)
    own_bar = bar is None
    if own_bar:
        bar = progress_bar(sum(r.runs for r in requests), sum(g.runs_done() for g in gatherings),
                           progress)
    stopped = _drive(job, todo, gatherings, backend, count, scheduler, bar)
    if own_bar:
        bar.close()
    return [_results(gathering, stopped) for gathering in gatherings]


POOL_OPTIONS = ("workers", "backend", "scheduler", "chunk_size", "fail_fast", "progress")


def split_pool(options: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """``run_batch``'s options split in two: the pool's (``POOL_OPTIONS``, for
    ``run_batches``) and each batch's (``BatchRequest`` fields)."""
    pool = {name: value for name, value in options.items() if name in POOL_OPTIONS}
    return pool, {name: value for name, value in options.items() if name not in POOL_OPTIONS}


def run_alike(scenarios: Sequence[Scenario | Prepared], runs: int, seed: int = 0,
              **options: Any) -> list[Results]:
    """One batch of each scenario with the same runs and seed (common random numbers), all
    through one pool (``run_batches``); ``options`` are ``run_batch``'s, but ``out`` and
    ``resume`` (one folder cannot hold several batches)."""
    if "out" in options or "resume" in options:
        raise ValueError("batches run together are kept in memory; run each with "
                         "run_batch(out=...) to write its folder")
    pool, each = split_pool(options)
    return run_batches([BatchRequest(scenario, runs, seed, **each) for scenario in scenarios],
                       **pool)


def _prepared(requests: Sequence[BatchRequest]) -> list[Prepared]:
    """Each request's scenario prepared, a scenario shared by several prepared once."""
    made: dict[int, Prepared] = {}
    for request in requests:
        if id(request.scenario) not in made:
            made[id(request.scenario)] = prepare(request.scenario)
    return [made[id(request.scenario)] for request in requests]


def _gathering(request: BatchRequest, prepared: Prepared, chunk_size: int | None,
               workers: int) -> Gathering:
    size = chunk_size or _resumed_size(request)
    check_memory(prepared.scenario, request.runs,  # before the plan: it may be huge
                 runs_held(request.runs, request.until_ci, largest_chunk(request.runs, size),
                           workers))
    chunks, name = chunk_plan(request.runs, size, request.first_run)
    plan = replace(_plan(request.sample, request.runs, request.design, request.first_run),
                   fixed=_fixed(request.fixed, prepared.scenario),
                   per_run=_per_run(request, prepared.scenario))
    return Gathering(request, prepared, plan, chunks, name)


def _resumed_size(request: BatchRequest) -> int | None:
    """The chunk size of a batch folder written before the guided plan (its manifest names
    a number), so that it resumes with the chunks it began with."""
    if not request.resume or request.out is None:
        return None
    try:
        found = json.loads((Path(request.out) / MANIFEST).read_text()).get("chunk_size")
    except (OSError, ValueError):
        return None
    return found if isinstance(found, int) and found > 0 else None


def _job(gatherings: list[Gathering], fail_fast: bool) -> tuple[Job, Iterator[Chunk]]:
    """The job of all the batches, and its chunks still to run, in the job's numbering
    (batch after batch); a batch done meanwhile (precise enough) drops out of the queue."""
    slots: dict[int, int] = {}
    scenarios: list[Scenario] = []
    parts = []
    end = 0
    for gathering in gatherings:
        scenario = gathering.scenario
        if id(scenario) not in slots:
            slots[id(scenario)] = len(scenarios)
            scenarios.append(scenario)
        shift = end - gathering.request.first_run
        end += gathering.request.runs
        parts.append(Part(slots[id(scenario)], gathering.request.seed, gathering.plan, shift, end))
    if len({g.request.keep_events for g in gatherings}) > 1:
        raise ValueError("batches run together either all keep their events or none do")
    job = Job.of(scenarios, parts, gatherings[0].request.keep_events, fail_fast)

    def queue() -> Iterator[Chunk]:
        for gathering, part in zip(gatherings, parts, strict=True):
            for start, size in gathering.todo():
                if not gathering.done:
                    yield (start + part.shift, size)

    return job, queue()


def _drive(job: Job, todo: Iterator[Chunk], gatherings: list[Gathering], backend: str,
           workers: int, scheduler: str | None, bar: Any) -> str | None:
    """Runs the chunks, handing each result to its batch, until every batch is done; returns
    why the rest stopped early ("interrupted"), or None."""
    pending = [g for g in gatherings if not g.done]
    if not pending:
        return None
    stream = _execute(job, todo, backend, workers, scheduler)
    try:
        for result in stream:
            part = job.part(result.start)
            gathering = gatherings[job.parts.index(part)]
            gathering.add(replace(result, start=result.start - part.shift))
            bar.update(len(result.runs["run"]))
            if all(g.done for g in gatherings):
                break
    except KeyboardInterrupt:
        return "interrupted"
    except HelpersNeverStarted as error:  # e.g. a script without `if __name__ == "__main__":`
        raise RuntimeError(str(error)) from error.__cause__
    except (BrokenProcessPool, WorkersLost) as error:  # after some chunks: keep what finished
        lost = str(error) if isinstance(error, WorkersLost) else "a worker process died"
        warnings.warn(f"{lost}: the batch kept the chunks that finished; finish it with "
                      "resume=True (--resume)", RuntimeWarning, stacklevel=4)
        return "interrupted"
    finally:
        stream.close()
    return None


def _results(gathering: Gathering, stopped: str | None) -> Results:
    """A batch's results (and its folder's final files), or ``CollectionFailed``."""
    if gathering.loaded is not None:
        return gathering.loaded
    if stopped is not None and not gathering.done:
        gathering.stopped_by = stopped
    kept = gathering.kept()
    request = gathering.request
    try:
        results = _collect(gathering, kept)
        if gathering.folder is not None and gathering.stopped_by != "interrupted":
            gathering.folder.finish(results.runs, results.events, results.report(),
                                    gathering.prepared.text)
    except Exception as error:
        raise CollectionFailed(_lost_collection(error, request.out, len(kept))) from error
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


def _fixed(fixed: Sequence[tuple[int, float]], scenario: Scenario) -> tuple[tuple[int, float], ...]:
    """Checked (slot, value) pins: each slot one of the scenario's parameters, each value a
    finite number."""
    pins = tuple((int(slot), float(value)) for slot, value in fixed)
    for slot, value in pins:
        _check_pins(f"fixed value {value!r} for parameter slot {slot}", (slot,),
                    np.array([value]), scenario)
    return pins


def _per_run(request: BatchRequest, scenario: Scenario) -> RunValues | None:
    """Checked values set run by run: one row per run of the batch, one finite value per slot,
    each slot one of the scenario's parameters."""
    given = request.per_run
    if given is None:
        return None
    slots = tuple(int(slot) for slot in given.slots)
    values = np.array(given.values, dtype=float, ndmin=2)
    if values.shape != (request.runs, len(slots)):
        raise ValueError(f"values set run by run need one row per run and one column per slot "
                         f"({request.runs} x {len(slots)}), got shape {values.shape}")
    _check_pins("values set run by run", slots, values, scenario)
    return RunValues(slots, values, request.first_run)


def _check_pins(what: str, slots: Sequence[int], values: np.ndarray, scenario: Scenario) -> None:
    """A ValueError about ``what`` unless every slot is one of the scenario's parameters and
    every value a finite number."""
    count = len(scenario.parameters.all)
    if any(not 0 <= slot < count for slot in slots) or not np.isfinite(values).all():
        raise ValueError(f"{what}: the scenario has parameter slots 0..{count - 1}, and every "
                         "value must be a finite number")


def _plan(sample: str, runs: int, design: np.ndarray | None, first_run: int = 0) -> SamplingPlan:
    if design is None:
        if sample == "lhs" and first_run:
            raise ValueError("a Latin hypercube spans a whole batch: it cannot start at run "
                             f"{first_run}")
        return SamplingPlan(sample, runs if sample == "lhs" else 0)
    design = np.asarray(design, dtype=float)
    if design.ndim != 2 or design.shape[0] != runs:
        raise ValueError(f"a design needs one row per run ({runs}), got shape {design.shape}")
    if not np.all((design >= 0) & (design <= 1)):
        raise ValueError("a design holds uniforms: every value must be within [0, 1]")
    return SamplingPlan("design", uniforms=design, first_run=first_run)


def _check_options(backend: str) -> None:
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend '{backend}'; use one of {', '.join(BACKENDS)}")


def _check(runs: int, seed: int, until_ci: float | None, out: str | os.PathLike[str] | None,
           resume: bool) -> None:
    if runs <= 0:
        raise ValueError(f"runs must be positive, got {runs}")
    if seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed}")
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


def _execute(job: Job, chunks: Iterator[Chunk], backend: str, workers: int,
             scheduler: str | None) -> Generator[ChunkResult, None, None]:
    if backend == "serial":
        return run_serial(job, chunks)
    if backend == "processes":
        return run_processes(job, chunks, workers)
    return run_dask(job, chunks, workers, scheduler)


def _collect(gathering: Gathering, starts: list[int]) -> Results:
    """The results of the chunks at ``starts``, taking their tables over so that a million
    runs are not held twice."""
    scenario, request = gathering.scenario, gathering.request
    frame = gathering.finished.frame(starts) if starts else \
        pd.DataFrame(columns=list(run_columns(scenario)))  # none finished: the columns, no rows
    if "path" in frame.columns:
        frame["path"] = spell_out(scenario, frame["path"])
    events = gathering.finished.events_frame(starts) if request.keep_events else None
    return Results(scenario.name, request.seed, scenario.outcome_ids, frame, events,
                   gathering.stopped_by, request.runs, {"manifest": gathering.manifest})
