"""What a deliberating actor can read: the ``Context`` policies are given."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from escalation.engine.namespace_view import PerceptionView
from escalation.engine.targets import role_holder

if TYPE_CHECKING:
    from escalation.engine.records import Perceived
    from escalation.engine.state import ActorState
    from escalation.engine.world import World
    from escalation.policies.base import Act
    from escalation.scenario.compiled import OrderDef


class DecisionContext(PerceptionView):
    """One actor deliberating on one perception. It is its own namespace (names computed as
    conditions read them): one object per deliberation, not two, since deliberations are the
    commonest thing in a run."""

    __slots__ = ("deferred",)
    deferred: list[Callable[[Sequence[Act]], None]] | None

    def __init__(self, world: World, me: ActorState, p: Perceived | None) -> None:
        self.world, self.me, self.p = world, me, p  # type: ignore[assignment]
        self.deferred = None

    def target_owner(self, order: OrderDef) -> str:
        """Whose is the target of ``order``, roles resolved against this perception ('' when
        it has none)."""
        if order.asset:
            return self.world.scenario.assets[order.asset].owner
        owner = order.actor or (order.selector.owner if order.selector is not None else "")
        p = self.p  # the act perceived, by whom the actor believes did it (none: no act)
        return role_holder(owner, self.me.d.id, None if p is None else p.author,
                           "" if p is None else p.event.origin_host, self.world.sponsors)

    def defer(self, settle: Callable[[Sequence[Act]], None]) -> None:
        """Call ``settle`` with every act this deliberation launched, once all policies have
        answered (a verdict that depends on what later policies do)."""
        if self.deferred is None:
            self.deferred = []
        self.deferred.append(settle)

    @property
    def namespace(self) -> DecisionContext:
        return self

    @property
    def rng(self) -> random.Random:
        return self.world.streams[self.me.decide]

    @property
    def now_days(self) -> float:
        return self.world.env._now / 24.0

    def value(self, slot: int) -> float:
        return self.world.values[slot]

    def memory(self, key: str) -> dict[str, Any]:
        return self.me.memory.setdefault(key, {})

    def note_threat(self, label: str, status: str) -> None:
        self.world.tally.note_threat(label, status)

    def adjust_commitment(self, delta: float) -> None:
        me = self.me
        step = delta * self.value(me.d.audience_cost)
        me.commitment = min(1.0, max(0.0, me.commitment + step))

    def adjust_credibility(self, toward_kept: bool, learning: float) -> None:
        me = self.me
        target = 1.0 if toward_kept else 0.0
        me.credibility += learning * (target - me.credibility)


class SettlingContext(DecisionContext):
    """The context of an act that settles a threat once it happens or lapses: there is no
    perception to read, so its namespace refuses every name."""

    __slots__ = ()

    def __init__(self, world: World, me: ActorState) -> None:
        super().__init__(world, me, None)

    def __missing__(self, name: str) -> object:
        raise AssertionError(f"'{name}' read outside a deliberation: a namespace is read only "
                             "while deliberating")
