"""The names a deliberating actor's conditions read, computed only when read.

A deliberation typically reads three to five of the forty-odd names, and deliberations are
the commonest thing in a run, so each value is computed on first lookup (``__missing__``)
and then kept for the rest of the deliberation, at plain-dict speed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Final

from escalation.engine.records import Perceived
from escalation.engine.state import ActorState

if TYPE_CHECKING:
    from escalation.engine.world import World


class PerceptionView(dict[str, object]):
    """What ``me`` knows while deliberating on ``p``; a dict filled in as it is read."""

    __slots__ = ("me", "p", "world")
    world: World
    me: ActorState
    p: Perceived

    def __init__(self, world: World, me: ActorState, p: Perceived) -> None:
        # dict.__init__ is not called: the dict starts empty without it, and one call fewer
        # per deliberation counts
        self.world, self.me, self.p = world, me, p

    def __missing__(self, name: str) -> object:
        getter = _GETTERS.get(name)
        if getter is not None:
            value = getter(self)
        elif name.startswith("own.inventory."):
            value = self.me.stock(name[len("own.inventory."):])
        elif name.startswith("actors."):
            actor, _, attribute = name[len("actors."):].rpartition(".")
            value = getattr(self.world.actors[actor], attribute)
        else:
            raise KeyError(name)
        self[name] = value
        return value


class StandingView(PerceptionView):
    """What ``me`` knows with no act before it (an initiative's ``when``): its own state, the
    world's, and the run's counts so far, as outcome conditions read them."""

    __slots__ = ()

    def __init__(self, world: World, me: ActorState) -> None:
        self.world, self.me = world, me

    def __missing__(self, name: str) -> object:
        try:
            return super().__missing__(name)
        except KeyError:  # not an actor's name: one of the run's counts
            value = self.world.tally.namespace(self.world)[name]
            self[name] = value
            return value


def _asset_kind(n: PerceptionView) -> str:
    asset = n.world.scenario.assets.get(n.p.event.asset)
    return asset.kind if asset else ""


def _own(slot: str) -> Callable[[PerceptionView], object]:
    return lambda n: n.world.values[getattr(n.me.d, slot)]


_GETTERS: Final[dict[str, Callable[[PerceptionView], object]]] = {
    "perceived.kind": lambda n: n.p.event.kind,
    "perceived.effect": lambda n: n.p.event.effect,
    "perceived.actor": lambda n: n.p.author,
    "perceived.sponsor": lambda n: n.world.sponsors.get(n.p.author, ""),
    "perceived.attributed": lambda n: n.p.author != "",
    "perceived.verified": lambda n: n.p.verified,
    "perceived.target": lambda n: n.p.event.target,
    "perceived.asset": lambda n: n.p.event.asset,
    "perceived.asset_kind": _asset_kind,
    "perceived.host": lambda n: n.p.event.host,
    "perceived.origin_host": lambda n: n.p.event.origin_host,
    "perceived.deaths": lambda n: float(n.p.deaths),
    "perceived.injuries": lambda n: float(n.p.injuries),
    "perceived.harm": lambda n: n.p.harm,
    "perceived.value_lost": lambda n: n.p.event.value_lost,
    "perceived.economic_loss": lambda n: n.p.economic,
    "perceived.rung": lambda n: float(n.p.event.rung),
    "perceived.goldstein": lambda n: n.p.event.goldstein,
    "perceived.salvo": lambda n: float(n.p.event.salvo),
    "perceived.hits": lambda n: float(n.p.event.hits),
    "perceived.hostile": lambda n: n.p.event.hostile,
    "perceived.kinetic": lambda n: n.p.event.kinetic,
    "perceived.homeland": lambda n: n.p.event.homeland,
    "perceived.against_me": lambda n: n.p.event.target == n.me.d.id,
    "perceived.against_ally": lambda n: n.p.event.target in n.me.d.allies,
    "perceived.by_me": lambda n: n.p.event.actor == n.me.d.id,
    "perceived.by_ally": lambda n: n.p.author in n.me.d.allies,
    "perceived.update": lambda n: n.p.update,
    "own.credibility": lambda n: n.me.credibility,
    "own.resolve": _own("resolve"),
    "own.risk_tolerance": _own("risk_tolerance"),
    "own.audience_cost": _own("audience_cost"),
    "own.commitment": lambda n: n.me.commitment,
    "own.responses": lambda n: float(n.me.responses),
    "own.hostile_acts": lambda n: float(n.me.hostile_acts),
    "own.stood_down": lambda n: n.me.stood_down,
    "own.deaths_suffered": lambda n: float(n.me.deaths_suffered),
    "own.injuries_suffered": lambda n: float(n.me.injuries_suffered),
    "own.economic_loss": lambda n: n.me.economic_suffered,
    "own.restrained": lambda n: n.me.restrained,
    "tension": lambda n: n.world.tension.at(n.world.env._now),
    "alert": lambda n: n.world.tension.at(n.world.env._now)
    >= n.world.values[n.world.scenario.tension.alert_threshold],
    "time": lambda n: n.world.env._now / 24.0,
    "max_rung": lambda n: float(n.world.ladder.top),
    "pair_rung": lambda n: float(n.world.ladder.between(n.me.d.id, n.p.author)),
}
