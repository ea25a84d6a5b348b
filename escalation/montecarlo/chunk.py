"""One chunk of runs: the unit of work every backend ships, returning compact columns.

A chunk needs only (scenario, seed, first run, count, sampling plan); each run's result
depends only on (scenario, seed, run index), so chunks can run anywhere, in any order.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np

from escalation.engine.records import Event, RunRecord
from escalation.engine.simulate import simulate
from escalation.engine.streams import run_seeds
from escalation.montecarlo.sampling import SamplingPlan
from escalation.scenario.compiled import Scenario

FAILED = "failed"
EVENT_FIELDS = tuple(f.name for f in fields(Event))


@dataclass
class ChunkResult:
    """Columns of one chunk: one row per run, and one row per event when kept."""

    start: int
    runs: dict[str, list[Any]] = field(default_factory=dict)
    events: dict[str, list[Any]] | None = None
    failures: int = 0


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
        "run", "run_seed", "outcome", "ended_by", "duration_days", "max_rung", "max_tension",
        "hostile_acts", "kinetic_acts", "kinetic_responses", "stand_downs", "threats_made",
        "threats_carried_out", "threats_backed_down", "homeland_strikes", "accident_deaths",
        *(f"deaths.{a}" for a in actors), *(f"injuries.{a}" for a in actors),
        *(f"threat.{label}" for label in threat_labels(scenario)),
        *(f"param.{p.name}" for p in scenario.parameters.uncertain),
        *(f"rung_day.{rung}" for rung in range(1, len(scenario.ladder.rungs))),
        "path", "error",
    )


def run_chunk(
    scenario: Scenario, seed: int, start: int, count: int, plan: SamplingPlan,
    keep_events: bool = False, fail_fast: bool = False,
) -> ChunkResult:
    """Runs ``start`` .. ``start + count - 1`` of the batch with root ``seed``."""
    columns = run_columns(scenario)
    result = ChunkResult(start, {name: [] for name in columns},
                         {name: [] for name in ("run", *EVENT_FIELDS)} if keep_events else None)
    seeds = run_seeds(seed, start, count)
    values = plan.values(scenario, seed, start, count)
    for offset in range(count):
        run = start + offset
        try:
            record = simulate(scenario, seed, run, keep_events=keep_events,
                              values=None if values is None else values[offset])
        except Exception as error:  # a run that raises is recorded, the batch goes on
            if fail_fast:
                raise RunFailed(run, seed, describe_failure(error)) from error
            _append_failure(result, columns, run, int(seeds[offset]), describe_failure(error))
            continue
        _append_run(result, columns, record, int(seeds[offset]))
        if result.events is not None:
            _append_events(result.events, record)
    return result


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
    root = error
    while root.__cause__ is not None:
        root = root.__cause__
    frames = traceback.extract_tb(root.__traceback__)
    where = f" at {frames[-1].filename}:{frames[-1].lineno}" if frames else ""
    return f"{type(error).__name__}: {error}{where}"


def _append_run(result: ChunkResult, columns: tuple[str, ...], record: RunRecord, run_seed: int) -> None:
    row = record.summary()
    row["run_seed"] = run_seed
    row["error"] = ""
    for name in columns:
        default = "not_issued" if name.startswith("threat.") else np.nan
        result.runs[name].append(row.get(name, default))


def _append_failure(
    result: ChunkResult, columns: tuple[str, ...], run: int, run_seed: int, description: str
) -> None:
    result.failures += 1
    row: dict[str, Any] = {"run": run, "run_seed": run_seed, "outcome": FAILED, "ended_by": FAILED,
                           "error": description}
    for name in columns:
        text = name.startswith("threat.") or name in ("outcome", "ended_by", "path", "error")
        result.runs[name].append(row.get(name, "" if text else np.nan))


def _append_events(events: dict[str, list[Any]], record: RunRecord) -> None:
    for event in record.events:
        events["run"].append(record.run)
        for name in EVENT_FIELDS:
            events[name].append(getattr(event, name))
