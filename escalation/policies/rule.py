"""A plain rule: when the condition holds, carry out the orders."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from mypy_extensions import mypyc_attr

from escalation.errors import Path
from escalation.policies.base import Act, Compiler, Context, Policy, Response, base_args
from escalation.scenario.conditions import Expression
from escalation.scenario.schema_policies import PolicyBase, Rule


@mypyc_attr(allow_interpreted_subclasses=True)
class RulePolicy(Policy):
    name = "rule"
    traits: ClassVar[dict[str, object]] = {"reactive": True, "uses_force": None, "memory": False}

    def __init__(
        self, label: str, trigger: Expression, probability: int | Expression, acts: tuple[Act, ...],
        stop: bool,
    ) -> None:
        super().__init__(label, trigger, probability)
        self.response = Response(acts, stop)

    @classmethod
    def compile(cls, spec: PolicyBase, compiler: Compiler, path: Path, label: str) -> Policy:
        assert isinstance(spec, Rule)
        trigger, probability = base_args(spec, compiler, path, spec.when)
        orders = spec.do if isinstance(spec.do, list) else [spec.do]
        acts = tuple(
            Act(compiler.order(order, (*path, "do", index) if isinstance(spec.do, list)
                               else (*path, "do")))
            for index, order in enumerate(orders)
        )
        return cls(label, trigger, probability, acts, spec.stop)

    def could_act(self, known: Mapping[str, object]) -> bool:
        return self.could_apply(known)

    def respond(self, ctx: Context) -> Response | None:
        return self.response if self.applies(ctx) else None
