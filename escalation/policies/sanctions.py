"""Sanctions instead of force: punish economically unless blood has been spilled."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from mypy_extensions import mypyc_attr

from escalation.errors import Path
from escalation.policies.base import Act, Compiler, Context, Policy, Response, base_args
from escalation.policies.proportional import REACTIVE_TRIGGER
from escalation.scenario.compiled import OrderDef
from escalation.scenario.conditions import Expression
from escalation.scenario.schema_policies import PolicyBase, SanctionsInsteadOfForce


@mypyc_attr(allow_interpreted_subclasses=True)
class SanctionsInsteadOfForcePolicy(Policy):
    name = "sanctions_instead_of_force"
    traits: ClassVar[dict[str, object]] = {"reactive": True, "uses_force": True, "memory": False}

    def __init__(
        self, label: str, trigger: Expression, probability: int | Expression, threshold: int,
        sanctions: OrderDef, force: OrderDef,
    ) -> None:
        super().__init__(label, trigger, probability)
        self.threshold = threshold
        self.sanctions = sanctions
        self.force = force

    @classmethod
    def compile(cls, spec: PolicyBase, compiler: Compiler, path: Path, label: str) -> Policy:
        assert isinstance(spec, SanctionsInsteadOfForce)
        trigger, probability = base_args(spec, compiler, path, REACTIVE_TRIGGER)
        return cls(
            label, trigger, probability,
            compiler.param((*path, "death_threshold"), spec.death_threshold, 0.0),
            compiler.order(spec.sanctions, (*path, "sanctions")),
            compiler.order(spec.force, (*path, "force")),
        )

    def could_act(self, known: Mapping[str, object]) -> bool:
        return self.could_apply(known)

    def respond(self, ctx: Context) -> Response | None:
        if not self.applies(ctx):
            return None
        deaths = ctx.namespace["perceived.deaths"]
        assert isinstance(deaths, float | int)
        chosen = self.force if deaths > ctx.value(self.threshold) else self.sanctions
        return Response((Act(chosen),), True)
