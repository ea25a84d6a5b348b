"""What a deliberating actor can read: the ``Context`` policies are given."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

from escalation.engine.records import Perceived
from escalation.engine.state import ActorState

if TYPE_CHECKING:
    from escalation.engine.world import World


class DecisionContext:
    """One actor deliberating on one perception; the namespace is built on first use."""

    __slots__ = ("_namespace", "me", "perceived", "world")

    def __init__(self, world: World, me: ActorState, perceived: Perceived | None) -> None:
        self.world = world
        self.me = me
        self.perceived = perceived
        self._namespace: dict[str, object] | None = None

    @property
    def rng(self) -> random.Random:
        return self.world.streams.get(f"decide:{self.me.d.id}")

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

    @property
    def namespace(self) -> dict[str, object]:
        if self._namespace is None:
            assert self.perceived is not None, "a namespace is read only while deliberating"
            self._namespace = build_namespace(self.world, self.me, self.perceived)
        return self._namespace


def build_namespace(world: World, me: ActorState, p: Perceived) -> dict[str, object]:
    """Every name of ``model.namespace.policy_names``, valued for this deliberation."""
    e, d, v = p.event, me.d, world.values
    scenario = world.scenario
    asset = scenario.assets.get(e.asset) if e.asset else None
    ns: dict[str, object] = {
        "perceived.kind": e.kind, "perceived.effect": e.effect, "perceived.actor": e.actor,
        "perceived.sponsor": world.sponsors.get(e.actor, ""), "perceived.target": e.target,
        "perceived.asset": e.asset, "perceived.asset_kind": asset.kind if asset else "",
        "perceived.host": e.host, "perceived.origin_host": e.origin_host,
        "perceived.deaths": float(p.deaths), "perceived.injuries": float(p.injuries),
        "perceived.harm": p.harm, "perceived.value_lost": e.value_lost,
        "perceived.rung": float(e.rung), "perceived.goldstein": e.goldstein,
        "perceived.salvo": float(e.salvo), "perceived.hits": float(e.hits),
        "perceived.hostile": e.hostile, "perceived.kinetic": e.kinetic,
        "perceived.homeland": e.homeland, "perceived.against_me": e.target == d.id,
        "perceived.against_ally": e.target in d.allies, "perceived.by_me": e.actor == d.id,
        "perceived.by_ally": e.actor in d.allies, "perceived.update": p.update,
        "own.credibility": me.credibility, "own.resolve": v[d.resolve],
        "own.risk_tolerance": v[d.risk_tolerance], "own.audience_cost": v[d.audience_cost],
        "own.commitment": me.commitment, "own.responses": float(me.responses),
        "own.hostile_acts": float(me.hostile_acts), "own.stood_down": me.stood_down,
        "own.deaths_suffered": float(me.deaths_suffered),
        "own.injuries_suffered": float(me.injuries_suffered),
        "tension": world.tension.at(world.env.now), "time": world.env.now / 24.0,
        "max_rung": float(world.ladder.top), "pair_rung": float(world.ladder.between(d.id, e.actor)),
    }
    ns["alert"] = ns["tension"] >= v[scenario.tension.alert_threshold]  # type: ignore[operator]
    for item in scenario.inventory_items:
        ns[f"own.inventory.{item}"] = me.stock(item)
    for other in world.actors.values():
        ns[f"actors.{other.d.id}.credibility"] = other.credibility
        ns[f"actors.{other.d.id}.stood_down"] = other.stood_down
    return ns
