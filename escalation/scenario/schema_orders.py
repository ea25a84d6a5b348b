"""The scenario format's building blocks: numbers, targets and action orders.

Two kinds of number appear in a scenario and the field's description says which:
- a *parameter* (``Num``) is drawn once per run: the run's assumption (Iran's resolve);
- a *variate* (``Variate``) is drawn at every occurrence: a quantity that varies from one
  act to the next within a run (a salvo's size, a deliberation delay).
Either may be a plain number or a distribution mapping such as ``{dist: uniform, low: 0,
high: 1}``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from escalation.model.vocabulary import UNKNOWN_AUTHOR
from escalation.scenario.distributions import Distribution
from escalation.scenario.time_defaults import WARNING_LEAD_HOURS


class Model(BaseModel):
    """Base of every scenario model: immutable, strict about unknown keys, finite numbers."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


Num = Annotated[
    float | Distribution,
    Field(description="A number, or a distribution drawn once per run."),
]
Variate = Annotated[
    float | Distribution,
    Field(description="A number, or a distribution drawn anew at every occurrence."),
]
Probability = Annotated[
    float | Distribution,
    Field(description="A probability in [0, 1], or a distribution drawn once per run."),
]

Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]


class Formula(BaseModel):
    """A number computed when it is used, from what the actor knows then: an expression of the
    condition language that gives a number (``{expr: "perceived.salvo"}``,
    ``{expr: "0.2 + 0.2 * own.responses"}``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    expr: str = Field(min_length=1, max_length=2000,
                      description="An expression giving a number, in the condition language.")


ChanceOrFormula = Annotated[
    float | Distribution | Formula,
    Field(description="A probability in [0, 1], a distribution drawn once per run, or "
          "{expr: ...} computed at each decision (clipped to [0, 1])."),
]
SalvoOrFormula = Annotated[
    float | Distribution | Formula,
    Field(description="A number, a distribution drawn anew at every occurrence, or {expr: ...} "
          "computed when the act is decided."),
]
HoursOrFormula = Annotated[
    float | Distribution | Formula,
    Field(description="Hours: a number, a distribution drawn anew at every occurrence, or "
          "{expr: ...} computed when the act is decided (a negative or non-finite result fails "
          "the run)."),
]
Condition = Annotated[
    str,
    Field(
        min_length=1,
        max_length=2000,
        description="A condition in the safe expression language, e.g. "
        "`perceived.deaths > 0 and own.credibility < 0.5`.",
    ),
]

TARGET_ROLES = ("offender", "sponsor", "origin_host", "self")
WARN_ROLES = ("owner", "host", "offender", "sponsor")  # whom a warning may name by role


class TargetSelector(Model):
    """Chooses a target asset at decision time among those matching every filter.

    ``owner`` is an actor id or a role: ``offender`` (who did the perceived act), ``sponsor``
    (the offender's sponsor, or the offender itself when it has none), ``origin_host`` (the
    country the perceived attack was launched from) or ``self``.
    """

    owner: str = Field("offender", description="Actor id or role whose assets are eligible.")
    kind: str | None = Field(None, description="Only assets of this kind (base, city, ...).")
    host: str | None = Field(None, description="Only assets located in this country.")
    same_kind: bool = Field(
        False, description="Only assets of the kind hit by the perceived act (proportionality)."
    )
    homeland: bool | None = Field(
        None, description="Only assets on (true) or off (false) their owner's own soil."
    )


Target = Annotated[
    str | TargetSelector | None,
    Field(
        description="An asset id, an actor id or role, a selector mapping, or null for a "
        "public act with no target."
    ),
]


class Attribution(Model):
    """Who others take an act's author to be: an act can be deniable (``appears_as:
    unknown``) or seem to come from another party (a claim, a false flag), be seen through by
    some observers, and be verified later. The author, its sponsor and ``known_to`` always
    know the truth."""

    appears_as: str = Field(
        UNKNOWN_AUTHOR, description="The actor others take to be the author at first, or "
        "'unknown' (no one is blamed: a deniable act)."
    )
    seen_through: Probability = Field(
        0.0, description="Chance that each other observer sees the real author at once "
        "(drawn per observer and act)."
    )
    verified_after_hours: Variate | None = Field(
        None, description="Hours after the act until its real author is established for "
        "everyone (an investigation, intelligence made public); none: never."
    )
    known_to: tuple[str, ...] = Field(
        (), description="Other actors who know the real author from the start."
    )


class Order(Model):
    """One act an actor carries out: the ``do`` of a rule, a threat's enforcement, ..."""

    action: str = Field(description="Action kind id (standard or defined in action_kinds).")
    target: Target = "offender"
    salvo: SalvoOrFormula | None = Field(
        None, description="Units fired (strikes); defaults to the action kind's salvo. A "
        "formula reads what the deciding actor knows: {expr: 'perceived.salvo'} answers like "
        "for like."
    )
    weapon: str | None = Field(
        None, description="Inventory item consumed per unit; defaults to the kind's weapon."
    )
    origin: tuple[str, ...] = Field(
        (), description="Candidate launch assets, one chosen at random; empty: own soil."
    )
    warn: tuple[str, ...] = Field(
        (), description="Actors warned before launch: ids, or roles resolved when the act "
        "starts: owner (of the target), host (of the target), offender, sponsor."
    )
    warning_lead_hours: HoursOrFormula = Field(
        WARNING_LEAD_HOURS, description="Hours between the warning and the launch; a formula "
        "reads what the deciding actor knows (a notice that shortens as tension rises)."
    )
    after_hours: HoursOrFormula | None = Field(
        None, description="Hours between the decision and the start of the act: preparation, "
        "or an answer decided at once and carried out days later; none: at once. A formula "
        "reads what the deciding actor knows (the same hour as the act answered, days later)."
    )
    attribution: Attribution | None = Field(
        None, description="Who others believe did it (deniable or claimed acts); none: "
        "everyone sees the real author."
    )
    note: str = Field("", description="Free text shown in traces.")


OrderList = Annotated[list[Order], Field(min_length=1)]


def orders_in(node: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], Order]]:
    """Every order in ``node`` (a whole spec, an actor, one policy: a rule's ``do``, a policy's
    answers, initiatives, openings), with its path, found by type so that a new field holding
    orders counts without being listed anywhere."""
    if isinstance(node, Order):
        yield path, node
    if isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from orders_in(getattr(node, name), (*path, name))
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from orders_in(value, (*path, key))
    elif isinstance(node, list | tuple):
        for index, value in enumerate(node):
            yield from orders_in(value, (*path, index))
