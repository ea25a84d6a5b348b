"""Stand down once satisfied: after enough answers, declare it concluded and hold back."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from mypy_extensions import mypyc_attr

from escalation.errors import Path
from escalation.policies.base import HOLD, Act, Compiler, Context, Policy, Response, base_args
from escalation.scenario.compiled import OrderDef
from escalation.scenario.conditions import Expression
from escalation.scenario.schema_policies import PolicyBase, StandDownWhenSatisfied


@mypyc_attr(allow_interpreted_subclasses=True)
class StandDownWhenSatisfiedPolicy(Policy):
    name = "stand_down_when_satisfied"
    traits: ClassVar[dict[str, object]] = {"reactive": False, "uses_force": False, "memory": True}

    def __init__(
        self, label: str, trigger: Expression, probability: int | Expression, answers: int,
        declaration: OrderDef, reengage: Expression,
    ) -> None:
        super().__init__(label, trigger, probability)
        self.answers = answers
        self.declaration = declaration
        self.reengage = reengage

    @classmethod
    def compile(cls, spec: PolicyBase, compiler: Compiler, path: Path, label: str) -> Policy:
        assert isinstance(spec, StandDownWhenSatisfied)
        trigger, probability = base_args(spec, compiler, path, "true")
        return cls(
            label, trigger, probability, spec.answers,
            compiler.order(spec.declaration, (*path, "declaration")),
            compiler.condition(spec.reengage_when, (*path, "reengage_when")),
        )

    def stood_down(self, ctx: Context) -> None:
        """Declared before t = 0: it holds back until its re-engage condition holds."""
        ctx.memory(self.label)["declared"] = True

    def could_act(self, known: Mapping[str, object]) -> bool:
        """Declared, it acts only when its re-engage condition holds (else it holds back,
        which changes nothing); not yet, it declares when its trigger holds."""
        return self.could_apply(known) or self.reengage.could_hold(known)

    def respond(self, ctx: Context) -> Response | None:
        memory = ctx.memory(self.label)
        responses = ctx.namespace["own.responses"]
        assert isinstance(responses, float | int)
        if memory.get("declared"):
            if self.reengage.evaluate(ctx.namespace):
                memory["declared"] = False
                memory["since"] = responses
                return None  # honour offended anew: later policies may answer
            return HOLD
        if responses - memory.get("since", 0) < self.answers or not self.applies(ctx):
            return None
        memory["declared"] = True
        return Response((Act(self.declaration),), True)
