"""How a warning of an attack travels: to each actor the attacker's ``warn:`` list names, and
from a host that relays it to the owner of the asset it hosts (or not: a per-run chance,
``relays_warnings``, and a delay, ``relay_delay``). What the owner hears, and when, decides
whether its people take cover and its defences are raised (engine/world.py's ``land``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from escalation.engine.records import Event
from escalation.engine.targets import resolve_role
from escalation.engine.variates import draw
from escalation.model.vocabulary import StandardKind

if TYPE_CHECKING:
    from escalation.engine.state import ActorState
    from escalation.engine.world import World
    from escalation.scenario.compiled import AssetDef


def warn(world: World, state: ActorState, warned: tuple[str, ...], asset: AssetDef | None,
         cause: Event | None, label: str) -> list[float] | None:
    """Record ``state``'s warnings of an attack on ``asset``; the times the asset's owner
    hears of it, in order: at once when warned itself, later through a host that relays the
    warning, or never (None)."""
    heard: list[float] = []
    kind = world.scenario.kinds[StandardKind.WARNING]
    now = world.env._now
    for actor in addressees(world, state, warned, asset, cause):
        warning = Event(
            id=world._take_id(), time=now,
            started=now, actor=state.d.id, kind=kind.id, effect=kind.effect,
            target=actor, goldstein=kind.goldstein, cause=cause.id if cause else None,
            policy=label, note=f"warns of an attack on {asset.id if asset else 'its soil'}",
        )
        world._happened(warning, kind.rung)
        if asset is not None and actor == asset.owner:  # told directly: it can take cover
            heard.append(now)
            continue
        host = world.actors[actor]
        rng = world.streams[host.decide]
        hosts_target = asset is not None and asset.host == actor and asset.owner != actor
        if asset is not None and hosts_target and \
                rng.random() < world.values[host.d.relays_warnings]:
            delay = draw(host.d.relay_delay, rng, world.values)
            heard.append(now + delay)
            world._after(delay, _relay(world, actor, asset.owner, warning))
    return sorted(heard) or None


def addressees(world: World, state: ActorState, warned: tuple[str, ...], asset: AssetDef | None,
               cause: Event | None) -> list[str]:
    """The actors a ``warn:`` list names, its roles resolved now: the target's owner or host,
    the offender or its sponsor; each once, never the warner itself."""
    me, named = state.d.id, []
    for entry in warned:
        if entry == "owner" or entry == "host":
            actor = "" if asset is None else asset.owner if entry == "owner" else asset.host
        else:
            actor = resolve_role(entry, me, cause, world.sponsors)
        if actor and actor != me and actor not in named:
            named.append(actor)
    return named


def _relay(world: World, host: str, owner: str, warning: Event) -> Callable[[object], None]:
    """The host passing ``warning`` on to the owner, when its relay delay has passed."""
    def relay(_: object) -> None:
        kind = world.scenario.kinds[StandardKind.WARNING]
        now = world.env._now
        event = Event(
            id=world._take_id(), time=now,
            started=now, actor=host, kind=kind.id, effect=kind.effect, target=owner,
            goldstein=kind.goldstein, cause=warning.id, policy="relays_warnings",
            note="passes the warning on",
        )
        world._happened(event, kind.rung)
    return relay
