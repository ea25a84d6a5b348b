"""One batch's side of a run: its chunks, what finished (in its folder too), when it is done.

Several batches may share one pool (``run_batches``): each gathers only its own chunks, in
run order whatever order they finish in, so its tables are those it would have alone. With
``until_ci`` a batch is done at the first *prefix* of its chunks whose outcome intervals
are all narrow enough (never at whatever happened to finish first).
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from escalation._version import __version__
from escalation.montecarlo.backends import Chunk
from escalation.montecarlo.chunk import FAILED, ChunkResult, Coded, Column
from escalation.montecarlo.results import Results
from escalation.montecarlo.runtable import RunTable
from escalation.montecarlo.sampling import RunValues, SamplingPlan
from escalation.montecarlo.source import Prepared
from escalation.montecarlo.stats import widest_half_width
from escalation.montecarlo.storage import BatchFolder, content_hash, table_of
from escalation.scenario.compiled import Scenario


@dataclass(frozen=True, eq=False)
class BatchRequest:
    """One batch among several run together (``run_batches``): runs ``first_run`` ..
    ``first_run + runs - 1`` of ``scenario`` with root ``seed``; the other fields are
    ``run_batch``'s. Run k draws its chance from run k's seed, whatever else runs with it."""

    scenario: Scenario | Prepared
    runs: int
    seed: int = 0
    sample: str = "independent"
    design: np.ndarray | None = None
    keep_events: bool = False
    until_ci: float | None = None
    out: str | os.PathLike[str] | None = None
    resume: bool = False
    first_run: int = 0
    fixed: tuple[tuple[int, float], ...] = ()  # (parameter slot, value) pinned in every run
    per_run: RunValues | None = None  # values pinned run by run (row 0: ``first_run``)


class Gathering:
    """A batch being run: its chunk plan, its finished chunks, why it stopped."""

    def __init__(self, request: BatchRequest, prepared: Prepared, plan: SamplingPlan,
                 chunks: list[Chunk], plan_name: int | str) -> None:
        self.request, self.prepared, self.plan = request, prepared, plan
        self.chunks = chunks
        self.stopped_by = "runs"
        self.manifest = _manifest(request, prepared, plan_name)
        self.folder = BatchFolder(request.out, self.manifest, request.resume) \
            if request.out is not None else None
        self.finished = Finished(request.runs, request.first_run)
        self.loaded: Results | None = None  # a finished folder's results: nothing to run
        if self.folder is not None and self.folder.finished():
            self.loaded = Results.load(self.folder.root, events=request.keep_events)
        elif self.folder is not None:
            for start in sorted(self.folder.done()):
                self.finished.add(start, *self.folder.load(start, request.keep_events))

    @property
    def scenario(self) -> Scenario:
        return self.prepared.scenario

    def todo(self) -> list[Chunk]:
        if self.loaded is not None:
            return []
        return [chunk for chunk in self.chunks if chunk[0] not in self.finished.counts]

    def runs_done(self) -> int:
        if self.loaded is not None:
            return self.request.runs
        return sum(count for start, count in self.chunks if start in self.finished.counts)

    @property
    def done(self) -> bool:
        """Whether it needs no more chunks: finished before, precise enough, or all in."""
        return self.loaded is not None or self.stopped_by == "precision" or \
            len(self.finished.counts) == len(self.chunks)

    def add(self, result: ChunkResult) -> None:
        """Keeps a finished chunk (writing it to the folder first), and stops the batch once
        its finished prefix is precise enough."""
        events_table = table_of(result.events) if result.events is not None else None
        # nothing to write: its rows go straight into the run table, without an Arrow table
        if self.folder is not None or \
                not self.finished.add_columns(result.start, result.runs, events_table):
            runs_table = table_of(result.runs)
            if self.folder is not None:
                self.folder.save(result.start, runs_table, events_table)
            self.finished.add(result.start, runs_table, events_table)
        if self.request.until_ci is not None and self.precise_chunks() is not None:
            self.stopped_by = "precision"

    def kept(self) -> list[int]:
        """Start indices of the chunks its results hold."""
        if self.stopped_by == "precision":
            return _prefix(self.chunks, self.finished.counts)[:self.precise_chunks()]
        return sorted(self.finished.counts)

    def precise_chunks(self) -> int | None:
        """How many leading chunks it takes for every outcome interval to be narrow enough
        (None: the finished prefix is not precise enough yet)."""
        total: Counter[str] = Counter()
        target = self.request.until_ci or 0.0
        for index, (start, _) in enumerate(self.chunks):
            if start not in self.finished.counts:
                break
            total.update(self.finished.counts[start])
            if _narrow(total, target, self.scenario):
                return index + 1
        return None


def _manifest(request: BatchRequest, prepared: Prepared, plan_name: int | str) -> dict[str, Any]:
    """What pins the batch, so a resume cannot mix two different batches."""
    sample = request.sample
    if request.design is not None:
        design = np.ascontiguousarray(request.design, dtype=float)
        sample = f"design sha256 {content_hash(design.tobytes())}"
    manifest = {"scenario": prepared.scenario.name, "scenario_sha256": prepared.sha256,
                "seed": request.seed, "runs": request.runs, "chunk_size": plan_name,
                "sample": sample, "keep_events": request.keep_events,
                "until_ci": request.until_ci, "version": __version__}
    if request.first_run:
        manifest["first_run"] = request.first_run
    if request.fixed:
        manifest["fixed"] = [[int(slot), float(value)] for slot, value in request.fixed]
    if request.per_run is not None:
        values = np.ascontiguousarray(request.per_run.values, dtype=float)
        manifest["per_run"] = {"slots": [int(slot) for slot in request.per_run.slots],
                               "sha256": content_hash(values.tobytes())}
    return manifest


class Finished:
    """The chunks finished so far: their rows, their events when kept, their outcome counts."""

    def __init__(self, runs: int, first_run: int = 0) -> None:
        self.rows = RunTable(runs)
        self.first_run = first_run
        self.events: dict[int, pa.Table] = {}
        self.counts: dict[int, Counter[str]] = {}

    def add(self, start: int, runs: pa.Table, events: pa.Table | None) -> None:
        self.rows.add(start - self.first_run, runs)  # the chunk's table itself is not kept
        if events is not None:
            self.events[start] = events
        self.counts[start] = Counter(runs.column("outcome").to_pylist())

    def add_columns(self, start: int, runs: dict[str, Column], events: pa.Table | None) -> bool:
        """``add`` from the chunk's columns as its worker sent them, without an Arrow table
        of its rows (False, and nothing kept, where one is needed: ``add`` then)."""
        if not self.rows.add_columns(start - self.first_run, runs):
            return False
        if events is not None:
            self.events[start] = events
        outcome = runs["outcome"]
        if isinstance(outcome, Coded):
            tally = np.bincount(outcome.codes, minlength=len(outcome.words))
            self.counts[start] = Counter({w: int(n) for w, n in zip(outcome.words, tally, strict=True)
                                          if n})
        else:
            self.counts[start] = Counter(outcome.tolist())
        return True

    def frame(self, starts: list[int]) -> pd.DataFrame:
        """The rows of the chunks at ``starts`` (ascending); the table is empty after."""
        return self.rows.frame([start - self.first_run for start in starts])

    def events_frame(self, starts: list[int]) -> pd.DataFrame:
        """The events of the chunks at ``starts``, freed from here as they are taken."""
        events = [self.events.pop(start) for start in starts if start in self.events]
        self.events.clear()
        return _frame(events)


def _prefix(chunks: list[Chunk], done: dict[int, Any]) -> list[int]:
    """Start indices of the chunks finished without a gap from the first."""
    starts = []
    for start, _ in chunks:
        if start not in done:
            break
        starts.append(start)
    return starts


def _narrow(total: Counter[str], target: float, scenario: Scenario) -> bool:
    done = sum(n for outcome, n in total.items() if outcome != FAILED)
    outcomes = {name: total.get(name, 0) for name in scenario.outcome_ids}
    return done > 0 and widest_half_width(outcomes, done) <= target


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
