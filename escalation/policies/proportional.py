"""Proportional retaliation: answer harm with about k times as much, capped."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import ClassVar

from mypy_extensions import mypyc_attr

from escalation.errors import Path
from escalation.policies.base import Act, Compiler, Context, Policy, Response, base_args
from escalation.scenario.compiled import OrderDef
from escalation.scenario.conditions import Expression
from escalation.scenario.schema_policies import DEFAULT_TRIGGER, PolicyBase, ProportionalRetaliation

REACTIVE_TRIGGER = f"{DEFAULT_TRIGGER} and not perceived.update"


def proportional_salvo(
    harm: float, k: float, unit_harm: float, cap: float, minimum: float
) -> float:
    """Whole units to fire: k × harm / unit_harm rounded, at least ``minimum`` (rounded up),
    never above ``cap`` (rounded down, so a cap of 3.6 fires at most 3)."""
    most = math.floor(cap)
    raw = k * harm / unit_harm if unit_harm > 0 else math.inf
    wanted = most if not math.isfinite(raw) or raw >= most else round(raw)
    return float(min(most, max(math.ceil(minimum), wanted)))


@mypyc_attr(allow_interpreted_subclasses=True)
class ProportionalRetaliationPolicy(Policy):
    name = "proportional_retaliation"
    traits: ClassVar[dict[str, object]] = {"reactive": True, "uses_force": True, "memory": False}

    def __init__(
        self, label: str, trigger: Expression, probability: int | Expression,
        sizes: tuple[int, int, int, int], response: OrderDef,
    ) -> None:
        super().__init__(label, trigger, probability)
        self.k, self.unit_harm, self.cap, self.minimum = sizes
        self.response = response

    @classmethod
    def compile(cls, spec: PolicyBase, compiler: Compiler, path: Path, label: str) -> Policy:
        assert isinstance(spec, ProportionalRetaliation)
        trigger, probability = base_args(spec, compiler, path, REACTIVE_TRIGGER)
        sizes = (
            compiler.param((*path, "k"), spec.k, 0.0),
            compiler.param((*path, "unit_harm"), spec.unit_harm, 1e-9),
            compiler.param((*path, "cap"), spec.cap, 0.0),
            compiler.param((*path, "minimum"), spec.minimum, 0.0),
        )
        response = compiler.order(spec.response, (*path, "response"))
        return cls(label, trigger, probability, sizes, response)

    def could_act(self, known: Mapping[str, object]) -> bool:
        return self.could_apply(known)

    def respond(self, ctx: Context) -> Response | None:
        harm = ctx.namespace["perceived.harm"]
        assert isinstance(harm, float | int)
        if harm <= 0 or not self.applies(ctx):
            return None
        salvo = proportional_salvo(
            harm, ctx.value(self.k), ctx.value(self.unit_harm), ctx.value(self.cap),
            ctx.value(self.minimum),
        )
        if salvo <= 0:
            return None
        return Response((Act(self.response, salvo),), True)
