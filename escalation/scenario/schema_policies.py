"""The YAML form of each response policy; the behaviour lives in ``escalation.policies``.

An actor's ``policies`` is an ordered list. At each deliberation the engine asks them in turn;
the first that acts and says "stop" ends the deliberation, so earlier entries take priority
(a red line before a default answer, "stood down" before "retaliate").
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag

from escalation.scenario.schema_orders import (
    ChanceOrFormula,
    Condition,
    Identifier,
    Model,
    Num,
    Order,
    OrderList,
    Probability,
    TargetSelector,
    Variate,
)

DEFAULT_TRIGGER = "perceived.hostile and perceived.against_me and not perceived.by_me"


class PolicyBase(Model):
    id: Identifier | None = Field(None, description="Name used in traces and parameter paths.")
    when: Condition | None = Field(
        None,
        description="When the policy applies. Default for reactive policies: a first report of "
        f"a hostile act against this actor by someone else (`{DEFAULT_TRIGGER} and not "
        "perceived.update`; tit_for_tat also answers acts against allies); `true` for "
        "threat_then_enforce and stand_down_when_satisfied.",
    )
    probability: ChanceOrFormula = Field(
        1.0, description="Chance the policy acts when it applies; a formula is computed at "
        "each decision from what the actor knows (a chance that rises with its threats).")
    deliberation_hours: Variate | None = Field(
        None, description="Hours this policy takes to decide on news, instead of the actor's "
        "deliberation_hours: a standing order answered in minutes, a statement within hours. "
        "A policy with its own time deliberates apart from the others (its stop ends only its "
        "own deliberation); none: with the others, on the actor's time, or on its clock.")
    clock: Literal["deliberation", "statement", "standing_orders"] | None = Field(
        None, description="Who decides, and so how fast, when the policy has no "
        "deliberation_hours of its own: `deliberation`, the government, on the actor's "
        "deliberation_hours, with its other policies; `statement`, its spokesmen, within hours "
        "(default for a policy whose every act is of a declaratory kind); `standing_orders`, "
        "forces in contact under authority delegated in advance, within minutes. A statement "
        "or standing-orders policy deliberates apart, with the others on the same clock (its "
        "stop ends only that deliberation). Default clocks: docs/assumptions.md, "
        "'Decision clocks'.")


class ProportionalRetaliation(PolicyBase):
    """Answer harm with about ``k`` times as much, never more than ``cap`` units."""

    policy: Literal["proportional_retaliation"]
    k: Num = Field(1.0, description="Response size per unit of perceived harm.")
    unit_harm: Num = Field(1.0, description="Harm one unit of salvo is taken to answer.")
    cap: Num = Field(20.0, description="Largest salvo ever fired in answer.")
    minimum: Num = Field(1.0, description="Smallest salvo fired when answering at all.")
    response: Order = Field(
        default_factory=lambda: Order(
            action="strike", target=TargetSelector(owner="offender", same_kind=True)
        ),
        description="The answer; its salvo is set by k × harm.",
    )


class TitForTat(PolicyBase):
    """Mirror the opponent: hostility for hostility (forgiving with ``generosity``)."""

    policy: Literal["tit_for_tat"]
    generosity: Probability = Field(0.1, description="Chance to let a hostile act pass.")
    response: Order = Field(description="The hostile answer.")
    conciliation: Order | None = Field(
        None, description="The answer to a conciliatory act (stand-down, ceasefire)."
    )


class GraduatedEscalation(PolicyBase):
    """Answer one rung (``step``) above the act perceived, from a menu of options."""

    policy: Literal["graduated_escalation"]
    step: int = Field(1, ge=0, le=10)
    options: OrderList = Field(description="Possible answers; the engine sorts them by rung.")


class ThreatThenEnforce(PolicyBase):
    """Issue a public threat with a red line; enforce it if crossed, or lose credibility."""

    policy: Literal["threat_then_enforce"]
    issue_when: Condition = Field(
        "true", description="When to issue the threat (checked at each deliberation)."
    )
    threat: Order = Field(description="The threat itself (a threat-effect action).")
    red_line: Condition = Field(description="What, once perceived, crosses the red line.")
    enforce: Order = Field(description="What the threat promises.")
    expires_after_days: Num | None = Field(None, description="The threat lapses after this.")
    learning: Num = Field(
        0.5, description="How far credibility moves toward 1 (kept) or 0 (not kept)."
    )


class SanctionsInsteadOfForce(PolicyBase):
    """Punish with sanctions; use force only when perceived deaths exceed a threshold."""

    policy: Literal["sanctions_instead_of_force"]
    death_threshold: Num = Field(0.0, description="Force only above this many deaths.")
    sanctions: Order = Field(default_factory=lambda: Order(action="sanctions"))
    force: Order = Field(
        default_factory=lambda: Order(
            action="strike", target=TargetSelector(owner="offender", same_kind=True)
        )
    )


class StandDownWhenSatisfied(PolicyBase):
    """After ``answers`` responses, declare the matter concluded and hold back."""

    policy: Literal["stand_down_when_satisfied"]
    answers: int = Field(1, ge=1, le=1000, description="Responses that satisfy honour.")
    declaration: Order = Field(default_factory=lambda: Order(action="stand_down", target=None))
    reengage_when: Condition = Field(
        "perceived.hostile and perceived.against_me and perceived.deaths > 0",
        description="A perception that ends the stand-down and lets later policies answer.",
    )


class Rule(PolicyBase):
    """A plain ``when``/``do`` rule."""

    when: Condition = Field(description="When the rule fires.")
    do: Order | OrderList = Field(description="One order or a list of orders.")
    stop: bool = Field(True, description="Whether later policies are skipped once it fires.")


REGISTERED_POLICIES: tuple[type[PolicyBase], ...] = (
    ProportionalRetaliation,
    TitForTat,
    GraduatedEscalation,
    ThreatThenEnforce,
    SanctionsInsteadOfForce,
    StandDownWhenSatisfied,
)
POLICY_NAMES: tuple[str, ...] = tuple(
    cls.model_fields["policy"].annotation.__args__[0]  # type: ignore[union-attr]
    for cls in REGISTERED_POLICIES
)


def _policy_tag(value: Any) -> str:
    """Rules have no ``policy`` key; registered policies name theirs."""
    if isinstance(value, dict):
        return str(value.get("policy", "rule"))
    return str(getattr(value, "policy", "rule"))


PolicySpec = Annotated[
    Annotated[ProportionalRetaliation, Tag("proportional_retaliation")]
    | Annotated[TitForTat, Tag("tit_for_tat")]
    | Annotated[GraduatedEscalation, Tag("graduated_escalation")]
    | Annotated[ThreatThenEnforce, Tag("threat_then_enforce")]
    | Annotated[SanctionsInsteadOfForce, Tag("sanctions_instead_of_force")]
    | Annotated[StandDownWhenSatisfied, Tag("stand_down_when_satisfied")]
    | Annotated[Rule, Tag("rule")],
    Discriminator(_policy_tag),
]
