"""Threat then enforce: a public red line that binds its author.

Issuing a public threat adds the actor's audience cost to its commitment; when the red line is
crossed it enforces with probability resolve + (1 - resolve) × commitment (Fearon's audience
costs: the more public the commitment, the costlier backing down). Keeping the threat moves
credibility toward 1, backing down moves it toward 0, by ``learning``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

from mypy_extensions import mypyc_attr

from escalation.errors import Path
from escalation.model.vocabulary import ThreatStatus
from escalation.policies.base import (
    Act,
    Compiler,
    Context,
    Policy,
    Response,
    base_args,
    field_values,
)
from escalation.scenario.compiled import OrderDef
from escalation.scenario.conditions import Expression
from escalation.scenario.schema_policies import PolicyBase, ThreatThenEnforce

# plain strings in records and run tables
PENDING, ENFORCING = ThreatStatus.PENDING.value, ThreatStatus.ENFORCING.value
CARRIED_OUT, BACKED_DOWN = ThreatStatus.CARRIED_OUT.value, ThreatStatus.BACKED_DOWN.value
LAPSED = ThreatStatus.LAPSED.value


def enforcement_probability(resolve: float, commitment: float) -> float:
    """Chance of carrying out a threat whose red line has been crossed."""
    return min(1.0, max(0.0, resolve + (1.0 - resolve) * commitment))


@mypyc_attr(allow_interpreted_subclasses=True)
class ThreatThenEnforcePolicy(Policy):
    name = "threat_then_enforce"
    traits: ClassVar[dict[str, object]] = {"reactive": True, "uses_force": True, "memory": True}
    standing = True

    def __init__(
        self, label: str, trigger: Expression, probability: int | Expression, issue_when: Expression,
        red_line: Expression, orders: tuple[OrderDef, OrderDef], expiry: int | None,
        learning: int,
    ) -> None:
        super().__init__(label, trigger, probability)
        self.issue_when = issue_when
        self.red_line = red_line
        self.threat, self.enforce = orders
        self.expiry = expiry
        self.learning = learning

    @classmethod
    def compile(cls, spec: PolicyBase, compiler: Compiler, path: Path, label: str) -> Policy:
        assert isinstance(spec, ThreatThenEnforce)
        trigger, probability = base_args(spec, compiler, path, "true")
        threat = compiler.order(spec.threat, (*path, "threat"))
        expiry = (
            None if spec.expires_after_days is None
            else compiler.param((*path, "expires_after_days"), spec.expires_after_days, 0.0)
        )
        return cls(
            label, trigger, probability,
            compiler.condition(spec.issue_when, (*path, "issue_when")),
            compiler.condition(spec.red_line, (*path, "red_line")),
            (threat, compiler.order(spec.enforce, (*path, "enforce"))),
            expiry,
            compiler.param((*path, "learning"), spec.learning, 0.0, 1.0),
        )

    def could_act(self, known: Mapping[str, object]) -> bool:
        """Not yet issued, it issues when issue_when and its trigger hold; pending, any report
        may find it expired (so a threat with an expiry is always asked), or find its red
        line crossed; settled, it never acts again."""
        return self.expiry is not None or self.red_line.could_hold(known) or (
            self.issue_when.could_hold(known) and self.could_apply(known))

    def respond(self, ctx: Context) -> Response | None:
        memory = ctx.memory(self.label)
        status = memory.get("status")
        if status is None:
            return self._maybe_issue(ctx, memory)
        if status != PENDING:
            return None
        if self.expiry is not None and ctx.now_days - memory["issued"] > ctx.value(self.expiry):
            settle(ctx, self.label, LAPSED, 0.0)
            return None
        if not self.red_line.evaluate(ctx.namespace):
            return None
        resolve, commitment = ctx.namespace["own.resolve"], ctx.namespace["own.commitment"]
        assert isinstance(resolve, float) and isinstance(commitment, float)
        if ctx.rng.random() < enforcement_probability(resolve, commitment):
            memory["status"] = ENFORCING  # settled when the act happens, or lapses
            return Response((Act(self.enforce, enforces=Enforcement(self.label, self.learning)),), True)
        ctx.defer(self._verdict(ctx, ctx.target_owner(self.threat)))
        return None

    def _verdict(self, ctx: Context, enemy: str) -> Callable[[Sequence[Act]], None]:
        """The threat's fate once the deliberation is over: it did not enforce, but if a later
        policy struck the threatened enemy all the same, the threat was kept, not backed down
        from (its record must agree with what was done)."""
        def settle_after(acts: Sequence[Act]) -> None:
            kept = any(act.order.kind.kinetic and ctx.target_owner(act.order) == enemy
                       for act in acts)
            settle(ctx, self.label, CARRIED_OUT if kept else BACKED_DOWN, ctx.value(self.learning))
        return settle_after

    def stand(self, ctx: Context, days_ago: float) -> None:
        """The threat was issued before t = 0: pending, binding, its red line checked from
        the first report on, its expiry counted from when it was issued."""
        self._issue(ctx, ctx.memory(self.label), ctx.now_days - days_ago)

    def _maybe_issue(self, ctx: Context, memory: dict[str, object]) -> Response | None:
        if not (self.issue_when.evaluate(ctx.namespace) and self.applies(ctx)):
            return None
        self._issue(ctx, memory, ctx.now_days)
        return Response((Act(self.threat),), False)

    def _issue(self, ctx: Context, memory: dict[str, object], day: float) -> None:
        memory["status"] = PENDING
        memory["issued"] = day
        ctx.note_threat(self.label, PENDING)
        ctx.adjust_commitment(+1.0)


@dataclass(frozen=True, slots=True)
class Enforcement:
    """Rides on the enforcing act: the threat counts as kept only if the act happens."""

    label: str
    learning: int

    def __reduce__(self) -> tuple[type[Enforcement], tuple[object, ...]]:
        return type(self), field_values(self)

    def settle(self, ctx: Context, kept: bool) -> None:
        settle(ctx, self.label, CARRIED_OUT if kept else BACKED_DOWN, ctx.value(self.learning))


def settle(ctx: Context, label: str, status: str, learning: float) -> None:
    """Close a threat: record its fate, release the commitment, and move credibility."""
    ctx.memory(label)["status"] = status
    ctx.note_threat(label, status)
    ctx.adjust_commitment(-1.0)
    if status != LAPSED:
        ctx.adjust_credibility(status == CARRIED_OUT, learning)
