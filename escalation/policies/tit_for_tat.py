"""Tit-for-tat with generosity: hostility for hostility, forgiving now and then."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from mypy_extensions import mypyc_attr

from escalation.errors import Path
from escalation.policies.base import HOLD, Act, Compiler, Context, Policy, Response, base_args
from escalation.scenario.compiled import OrderDef
from escalation.scenario.conditions import Expression
from escalation.scenario.schema_policies import PolicyBase, TitForTat

HOSTILE_TRIGGER = (
    "perceived.hostile and (perceived.against_me or perceived.against_ally) "
    "and not perceived.by_me and not perceived.update"
)
CONCILIATORY = "perceived.goldstein > 0 and not perceived.by_me and not perceived.update"


@mypyc_attr(allow_interpreted_subclasses=True)
class TitForTatPolicy(Policy):
    name = "tit_for_tat"
    traits: ClassVar[dict[str, object]] = {"reactive": True, "uses_force": True, "memory": True}

    def __init__(
        self, label: str, trigger: Expression, probability: int | Expression, generosity: int,
        response: OrderDef, conciliation: OrderDef | None, conciliatory: Expression,
    ) -> None:
        super().__init__(label, trigger, probability)
        self.generosity = generosity
        self.response = response
        self.conciliation = conciliation
        self.conciliatory = conciliatory

    @classmethod
    def compile(cls, spec: PolicyBase, compiler: Compiler, path: Path, label: str) -> Policy:
        assert isinstance(spec, TitForTat)
        trigger, probability = base_args(spec, compiler, path, HOSTILE_TRIGGER)
        conciliation = (
            compiler.order(spec.conciliation, (*path, "conciliation"))
            if spec.conciliation else None
        )
        return cls(
            label, trigger, probability,
            compiler.param((*path, "generosity"), spec.generosity, 0.0, 1.0),
            compiler.order(spec.response, (*path, "response")),
            conciliation,
            compiler.condition(CONCILIATORY, (*path,)),
        )

    def could_act(self, known: Mapping[str, object]) -> bool:
        """It answers when its trigger holds, and makes peace when an opponent's act is
        conciliatory (its memory of opponents changes only then)."""
        return self.could_apply(known) or (
            self.conciliation is not None and self.conciliatory.could_hold(known))

    def respond(self, ctx: Context) -> Response | None:
        opponents = ctx.memory(self.label).setdefault("opponents", set())
        actor = ctx.namespace["perceived.actor"]
        if self.applies(ctx):
            opponents.add(actor)
            if ctx.rng.random() < ctx.value(self.generosity):
                return HOLD  # forgive: let this one pass
            return Response((Act(self.response),), True)
        if (
            self.conciliation is not None
            and actor in opponents
            and self.conciliatory.evaluate(ctx.namespace)
        ):
            opponents.discard(actor)
            return Response((Act(self.conciliation),), True)
        return None
