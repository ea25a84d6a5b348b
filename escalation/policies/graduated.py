"""Graduated escalation: answer one rung (or ``step`` rungs) above the act perceived."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from mypy_extensions import mypyc_attr

from escalation.errors import Path
from escalation.policies.base import Act, Compiler, Context, Policy, Response, base_args
from escalation.policies.proportional import REACTIVE_TRIGGER
from escalation.scenario.compiled import OrderDef
from escalation.scenario.conditions import Expression
from escalation.scenario.schema_policies import GraduatedEscalation, PolicyBase


def choose_option(options: tuple[OrderDef, ...], wanted_rung: float) -> OrderDef:
    """The lowest-rung option at or above ``wanted_rung``; the highest if none reaches it."""
    for option in options:
        if option.kind.rung >= wanted_rung:
            return option
    return options[-1]


@mypyc_attr(allow_interpreted_subclasses=True)
class GraduatedEscalationPolicy(Policy):
    name = "graduated_escalation"
    traits: ClassVar[dict[str, object]] = {"reactive": True, "uses_force": True, "memory": False}

    def __init__(
        self, label: str, trigger: Expression, probability: int | Expression, step: int,
        options: tuple[OrderDef, ...],
    ) -> None:
        super().__init__(label, trigger, probability)
        self.step = step
        self.options = options

    @classmethod
    def compile(cls, spec: PolicyBase, compiler: Compiler, path: Path, label: str) -> Policy:
        assert isinstance(spec, GraduatedEscalation)
        trigger, probability = base_args(spec, compiler, path, REACTIVE_TRIGGER)
        options = [
            compiler.order(option, (*path, "options", index))
            for index, option in enumerate(spec.options)
        ]
        options.sort(key=lambda order: order.kind.rung)
        return cls(label, trigger, probability, spec.step, tuple(options))

    def could_act(self, known: Mapping[str, object]) -> bool:
        return self.could_apply(known)

    def respond(self, ctx: Context) -> Response | None:
        if not self.applies(ctx):
            return None
        rung = ctx.namespace["perceived.rung"]
        assert isinstance(rung, float | int)
        return Response((Act(choose_option(self.options, rung + self.step)),), True)
