"""Allies who help defend others' assets: each with its own interceptors, its own decision to
join (a condition checked at each strike) and its own risk, since every interception is an act
aimed at the attacker, who perceives it and may answer it. Without allies nothing here runs
and no draw is made, so scenarios without ``defends`` are unchanged."""

from __future__ import annotations

from typing import TYPE_CHECKING

from escalation.engine.namespace_view import StandingView
from escalation.engine.records import Event
from escalation.engine.state import ActorState
from escalation.model.draws import binomial
from escalation.scenario.compiled import AssetDef, DefenceDef

if TYPE_CHECKING:
    from escalation.engine.world import World

Helper = tuple[ActorState, DefenceDef]


def defenders(actors: dict[str, ActorState]) -> dict[str, list[Helper]]:
    """Who helps defend each actor's assets, in the order the actors are written."""
    by_owner: dict[str, list[Helper]] = {}
    for state in actors.values():
        for defence in state.d.defends:
            for owner in defence.protects:
                by_owner.setdefault(owner, []).append((state, defence))
    return by_owner


class Engagement:
    """One strike on ``asset`` met by the allies helping defend it. Called with the units
    still arriving after the asset's own air defence, it returns how many the willing allies
    stop; ``stopped`` keeps (ally, defence, units engaged, units stopped) for the record."""

    __slots__ = ("asset", "helpers", "stopped", "world")

    def __init__(self, world: World, asset: AssetDef, helpers: list[Helper]) -> None:
        self.world, self.asset, self.helpers = world, asset, helpers
        self.stopped: list[tuple[ActorState, DefenceDef, int, int]] = []

    def __call__(self, arriving: int) -> int:
        world, total = self.world, 0
        for state, defence in self.helpers:
            left = arriving - total
            if left <= 0:
                break
            if defence.when is not None and not defence.when.evaluate(StandingView(world, state)):
                continue
            engaged = int(min(left, state.stock(defence.weapon)))
            if engaged <= 0:
                continue  # out of interceptors
            if defence.weapon in state.inventory:
                state.inventory[defence.weapon] -= engaged
            stopped = binomial(world.streams[state.effects], engaged, world.values[defence.intercept])
            self.stopped.append((state, defence, engaged, stopped))
            total += stopped
        return total

    def record(self, strike: Event) -> None:
        """Each ally's interception, an act aimed at the attacker, caused by its strike."""
        world = self.world
        for state, defence, engaged, stopped in self.stopped:
            kind = defence.kind
            event = Event(
                id=world._take_id(), time=strike.time, started=strike.time, actor=state.d.id,
                kind=kind.id, effect=kind.effect, target=strike.actor, asset=self.asset.id,
                host=self.asset.host, salvo=engaged, intercepted=stopped, goldstein=kind.goldstein,
                hostile=kind.hostile, cause=strike.id, policy=f"{state.d.id}.defends",
                note=f"engages {engaged} of {strike.actor}'s {strike.kind} at {self.asset.id}, "
                     f"stops {stopped}",
            )
            world._happened(event, kind.rung)
