"""The ``observed:`` block: what really happened in a crisis, each fact with its source.

A scenario of a real episode carries its observed facts so that ``escalation backtest`` can
score the model's forecast against them. Each fact names the run-table column it is compared
with (see ``escalation.scenario.observed``); here is only the shape of the block.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, field_validator

from escalation.scenario.schema_orders import Identifier, Model

NonNegative = Annotated[float, Field(ge=0, description="A finite number, at least 0.")]
_SOURCE_HINT = ("cite where the fact comes from: a row of the episode's facts table "
                "('facts:#N', seeds/<episode>/facts.md) or a publication")


class _Sourced(Model):
    source: str = Field(description="Where the fact comes from: a row of the episode's facts "
                        "table ('facts:#N') or a publication.")

    @field_validator("source")
    @classmethod
    def _cited(cls, source: str) -> str:
        if not source.strip():
            raise ValueError(f"an observed fact needs a source: {_SOURCE_HINT}")
        return source


class ObservedOutcome(_Sourced):
    """The outcome class the crisis really ended in."""

    value: Identifier = Field(description="An outcome class id of this scenario's outcomes.")


class ObservedCount(_Sourced):
    """A number that really happened (deaths, hostile acts, days)."""

    value: NonNegative = Field(description="The observed value, at least 0.")


class ObservedLag(_Sourced):
    """Days from t = 0 to an actor's first hostile act (scripted openings and the past
    excluded); null when the actor never answered."""

    value: NonNegative | None = Field(
        description="Days from t = 0, at least 0; null: the actor never acted hostile.")


class Observed(Model):
    """What really happened, for ``escalation backtest``. Every fact is compared with the
    run-table column of the same meaning: ``outcome`` with ``outcome``,
    ``first_answer_days.X`` with ``first_act_day.X``, ``deaths.X`` with ``deaths.X``,
    ``hostile_acts`` and ``crisis_days`` with the columns of those names."""

    summary: str = Field("", description="One line: what happened (shown in tables).")
    outcome: ObservedOutcome = Field(description="The real outcome class, with its source.")
    first_answer_days: dict[str, ObservedLag] = Field(
        default_factory=dict, description="Actor -> days from t = 0 to its first hostile act "
        "that is not scripted (null: it never acted).")
    deaths: dict[str, ObservedCount] = Field(
        default_factory=dict, description="Actor -> deaths it suffered from hostile acts from "
        "t = 0 on (the opening included, accidents not), as the column deaths.X.")
    hostile_acts: ObservedCount | None = Field(
        None, description="Hostile acts from t = 0, scripted openings included, as the column "
        "hostile_acts.")
    crisis_days: ObservedCount | None = Field(
        None, description="Days from t = 0 to the last hostile act, as the column crisis_days.")
