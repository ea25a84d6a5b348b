"""The compiled ``observed:`` block: each fact paired with the run-table column it is scored on.

Names in the block are checked against the scenario (the outcome is one of its classes, the
actors exist), each problem at its path so that the loader can give file and line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from escalation.errors import Path, did_you_mean
from escalation.scenario.references import Reporter
from escalation.scenario.schema_observed import Observed

FactKind = Literal["outcome", "lag", "count", "days"]  # lag: days, or None for never


@dataclass(frozen=True, slots=True)
class ObservedFact:
    """One observed fact: ``name`` as written in the file (``first_answer_days.india``), the
    run-table ``column`` it compares with (``first_act_day.india``), and its value (a class id
    for the outcome; a number, or None for an actor that never answered)."""

    name: str
    column: str
    kind: FactKind
    value: str | float | None
    source: str


@dataclass(frozen=True, slots=True)
class ObservedDef:
    summary: str
    outcome: ObservedFact
    facts: tuple[ObservedFact, ...]  # the numeric facts: first-answer lags, deaths, hostile acts, crisis days

    @property
    def all(self) -> tuple[ObservedFact, ...]:
        return (self.outcome, *self.facts)


def compile_observed(observed: Observed, outcome_ids: tuple[str, ...], actors: tuple[str, ...],
                     report: Reporter) -> ObservedDef:
    """The block's facts with their columns; names that the scenario lacks are reported."""
    path: Path = ("observed",)
    real = observed.outcome.value
    if outcome_ids and real not in outcome_ids:
        report.problem((*path, "outcome", "value"),
                       f"'{real}' is not an outcome class of this scenario"
                       f"{did_you_mean(real, outcome_ids)}; its classes: {', '.join(outcome_ids)}")
    facts: list[ObservedFact] = []
    sections: tuple[tuple[str, str, FactKind], ...] = (
        ("first_answer_days", "first_act_day", "lag"), ("deaths", "deaths", "count"))
    for section, column, kind in sections:
        for actor, fact in getattr(observed, section).items():
            if actor not in actors:
                report.problem((*path, section, actor),
                               f"unknown actor '{actor}'{did_you_mean(actor, actors)}; "
                               f"defined actors: {', '.join(actors)}")
            facts.append(ObservedFact(f"{section}.{actor}", f"{column}.{actor}", kind,
                                      fact.value, fact.source))
    totals: tuple[tuple[str, FactKind], ...] = (("hostile_acts", "count"), ("crisis_days", "days"))
    for name, kind in totals:
        fact = getattr(observed, name)
        if fact is not None:
            facts.append(ObservedFact(name, name, kind, fact.value, fact.source))
    outcome = ObservedFact("outcome", "outcome", "outcome", real, observed.outcome.source)
    return ObservedDef(observed.summary, outcome, tuple(facts))
