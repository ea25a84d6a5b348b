"""What a deliberating actor can read: the ``Context`` policies are given."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

from escalation.engine.namespace_view import PerceptionView
from escalation.engine.records import Perceived
from escalation.engine.state import ActorState

if TYPE_CHECKING:
    from escalation.engine.world import World


class DecisionContext:
    """One actor deliberating on one perception; names are computed as conditions read them."""

    __slots__ = ("me", "namespace", "perceived", "world")

    def __init__(self, world: World, me: ActorState, perceived: Perceived | None) -> None:
        self.world = world
        self.me = me
        self.perceived = perceived
        # A plain attribute, not a property: policies read it several times per deliberation.
        self.namespace: dict[str, object] = (
            PerceptionView(world, me, perceived) if perceived is not None else _NOT_DELIBERATING
        )

    @property
    def rng(self) -> random.Random:
        return self.world.streams.get(self.me.decide)

    @property
    def now_days(self) -> float:
        return self.world.env.now / 24.0

    def value(self, slot: int) -> float:
        return self.world.values[slot]

    def memory(self, key: str) -> dict[str, Any]:
        return self.me.memory.setdefault(key, {})

    def note_threat(self, label: str, status: str) -> None:
        self.world.note_threat(label, status)

    def adjust_commitment(self, delta: float) -> None:
        me = self.me
        step = delta * self.value(me.d.audience_cost)
        me.commitment = min(1.0, max(0.0, me.commitment + step))

    def adjust_credibility(self, toward_kept: bool, learning: float) -> None:
        me = self.me
        target = 1.0 if toward_kept else 0.0
        me.credibility += learning * (target - me.credibility)


class _NotDeliberating(dict[str, object]):
    """The namespace of a context that settles a threat: there is no perception to read."""

    def __missing__(self, name: str) -> object:
        raise AssertionError(f"'{name}' read outside a deliberation: a namespace is read only "
                             "while deliberating")


_NOT_DELIBERATING = _NotDeliberating()
