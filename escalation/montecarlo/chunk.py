"""One chunk of runs: the unit of work every backend ships, returning compact columns.

A chunk needs only (scenario, seed, first run, count, sampling plan); each run's result
depends only on (scenario, seed, run index), so chunks can run anywhere, in any order.

Runs are played with ``run_world`` and their row is read straight off the finished world
(``RowWriter``), the same values ``simulate(...).summary()`` gives, without building a
``RunRecord`` and a dict per run.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field, fields
from operator import attrgetter
from typing import Any

import numpy as np

from escalation.engine.guard import RunStopped
from escalation.engine.records import Event
from escalation.engine.simulate import run_world
from escalation.engine.tally import FAILED
from escalation.engine.world import World
from escalation.model.namespace import BY_ACTOR, COUNTS
from escalation.model.streams import run_seeds
from escalation.model.vocabulary import ThreatStatus
from escalation.montecarlo.moves import codes, encode
from escalation.montecarlo.sampling import SamplingPlan
from escalation.scenario.compiled import Scenario

EVENT_FIELDS = tuple(f.name for f in fields(Event))
_SCALARS = (  # the first columns of every run table
    "run", "run_seed", "outcome", "ended_by", "duration_days", "crisis_days", "terminal_day",
    "max_rung",
    "max_tension", *COUNTS,
)


@dataclass(frozen=True)
class Coded:
    """A text column as Arrow's dictionary encoding has it: a code per row into the distinct
    words, numbered in order of first appearance. Workers send text so, without PyArrow."""

    codes: np.ndarray  # int32
    words: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.codes)


Column = np.ndarray | Coded


@dataclass
class ChunkResult:
    """Columns of one chunk: one row per run (compact arrays, see ``compact``), and one row
    per event when kept."""

    start: int
    runs: dict[str, Column] = field(default_factory=dict)
    events: dict[str, list[Any]] | None = None
    failures: int = 0


def compact(columns: dict[str, list[Any]]) -> dict[str, Column]:
    """A chunk's run columns as arrays that cross processes as a few buffers each: numbers as
    NumPy arrays (typed as Arrow would type the Python values), text as ``Coded``. The batch's
    process then builds its tables without touching a Python object per value."""
    arrays: dict[str, Column] = {}
    for name, values in columns.items():
        if values and isinstance(values[0], str):
            index: dict[str, int] = {}
            codes = np.fromiter((index.setdefault(v, len(index)) for v in values), np.int32,
                                len(values))
            arrays[name] = Coded(codes, tuple(index))
        else:
            arrays[name] = np.array(values, dtype=np.uint64 if name == "run_seed" else None)
    return arrays


def threat_labels(scenario: Scenario) -> tuple[str, ...]:
    """Every threat a scenario's policies can issue, so each run has a column for each."""
    return tuple(
        policy.label for actor in scenario.actors for policy in actor.policies
        if policy.name == "threat_then_enforce"
    )


def run_columns(scenario: Scenario) -> tuple[str, ...]:
    """The columns of runs.parquet, in order, for this scenario."""
    actors = [a.id for a in scenario.actors]
    return (
        *_SCALARS, *(f"{family}.{a}" for family in BY_ACTOR for a in actors),
        *(f"threat.{label}" for label in threat_labels(scenario)),
        *(f"param.{p.name}" for p in scenario.parameters.uncertain),
        *(f"rung_day.{rung}" for rung in range(1, len(scenario.ladder.rungs))),
        *(f"first_act_day.{a}" for a in actors),
        "path", "error",
    )


def run_chunk(
    scenario: Scenario, seed: int, start: int, count: int, plan: SamplingPlan,
    keep_events: bool = False, fail_fast: bool = False,
) -> ChunkResult:
    """Runs ``start`` .. ``start + count - 1`` of the batch with root ``seed``."""
    columns = run_columns(scenario)
    table: dict[str, list[Any]] = {name: [] for name in columns}
    result = ChunkResult(start, events={name: [] for name in ("run", *EVENT_FIELDS)}
                         if keep_events else None)
    writer = RowWriter(scenario, table)
    seeds = run_seeds(seed, start, count).tolist()
    drawn = plan.values(scenario, seed, start, count)
    rows = drawn.tolist() if drawn is not None else None
    base = scenario.parameters.base_vector().tolist()
    for offset in range(count):
        run, own_seed = start + offset, seeds[offset]
        values = rows[offset] if rows is not None else base
        try:
            world = run_world(scenario, own_seed, values, keep_events)
            outcome = world.tally.classify(world)
        except Exception as error:  # a run that raises is recorded, the batch goes on
            if fail_fast:
                raise RunFailed(run, seed, describe_failure(error)) from error
            result.failures += 1
            _append_failure(table, run, own_seed, describe_failure(error))
            continue
        writer.add(run, own_seed, outcome, world, values)
        if result.events is not None:
            _append_events(result.events, run, world.events)
    result.runs = compact(table)
    return result


_NOT_ISSUED = ThreatStatus.NOT_ISSUED.value


class RowWriter:
    """Appends one finished run's row to the run columns, in ``run_columns`` order and with
    ``RunRecord.summary``'s values: a threat never issued is 'not_issued', a rung never
    reached NaN, as is the first act of an actor that never acted."""

    def __init__(self, scenario: Scenario, runs: dict[str, list[Any]]) -> None:
        self.scalars = [runs[name].append for name in _SCALARS]
        actors = [a.id for a in scenario.actors]
        self.harm = [(runs[f"{family}.{a}"].append, family, a) for family in BY_ACTOR for a in actors]
        self.threats = [(runs[f"threat.{label}"].append, label) for label in threat_labels(scenario)]
        self.parameters = [(runs[f"param.{p.name}"].append, p.slot)
                           for p in scenario.parameters.uncertain]
        self.rungs = [(runs[f"rung_day.{rung}"].append, rung)
                      for rung in range(1, len(scenario.ladder.rungs))]
        self.first_acts = [(runs[f"first_act_day.{a}"].append, a) for a in actors]
        self.path, self.error = runs["path"].append, runs["error"].append
        self.codes = codes(scenario)
        self.counts = attrgetter(*COUNTS)  # the tally's counts, as a tuple, in one call

    def add(self, run: int, own_seed: int, outcome: str, world: World, values: list[float]) -> None:
        t = world.tally
        for append, value in zip(self.scalars, (
            run, own_seed, outcome, t.ended_by, world.env._now / 24.0, world.last_hostile / 24.0,
            t.terminal_day,
            world.ladder.top,
            world.tension.peak, *self.counts(t),
        ), strict=True):
            append(value)
        for append, family, actor in self.harm:
            append(getattr(t, family)[actor])
        threats = t.threats
        for append, label in self.threats:
            append(threats.get(label, _NOT_ISSUED))
        for append, slot in self.parameters:
            append(float(values[slot]))
        for append, rung in self.rungs:
            append(t.rung_days.get(rung, np.nan))
        for append, actor in self.first_acts:
            append(t.first_acts.get(actor, np.nan))  # NaN: the actor never acted hostile
        self.path(encode(self.codes, t.moves))  # spelled out when the batch is collected
        self.error("")


class RunFailed(RuntimeError):
    """A run raised and the batch was asked to stop at the first failure."""

    def __init__(self, run: int, seed: int, description: str) -> None:
        super().__init__(f"run {run} of seed {seed} failed: {description}; "
                         f"replay it with: escalation trace FILE --seed {seed} --run {run}")
        self.run, self.seed, self.description = run, seed, description

    def __reduce__(self) -> tuple[type[RunFailed], tuple[int, int, str]]:
        return (RunFailed, (self.run, self.seed, self.description))  # crosses process pools


def describe_failure(error: BaseException) -> str:
    """'Type: message at FILE:LINE', located where the root cause was raised (SimPy re-raises
    a failed process's exception as a copy, with the original as its cause)."""
    if isinstance(error, RunStopped):  # a bound, not a fault: its message says what to change
        return f"{type(error).__name__}: {error}"
    root = error
    while root.__cause__ is not None:
        root = root.__cause__
    frames = traceback.extract_tb(root.__traceback__)
    where = f" at {frames[-1].filename}:{frames[-1].lineno}" if frames else ""
    return f"{type(error).__name__}: {error}{where}"


def _append_failure(table: dict[str, list[Any]], run: int, run_seed: int, description: str
                    ) -> None:
    row: dict[str, Any] = {"run": run, "run_seed": run_seed, "outcome": FAILED, "ended_by": FAILED,
                           "error": description}
    for name, column in table.items():
        text = name.startswith("threat.") or name in ("outcome", "ended_by", "path", "error")
        column.append(row.get(name, "" if text else np.nan))


def _append_events(events: dict[str, list[Any]], run: int, happened: list[Event]) -> None:
    for event in happened:
        events["run"].append(run)
        for name in EVENT_FIELDS:
            events[name].append(getattr(event, name))
