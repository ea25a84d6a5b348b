"""Where an order lands: a fixed asset or actor, or a selector resolved at decision time."""

from __future__ import annotations

import random

from escalation.engine.records import Event
from escalation.scenario.compiled import AssetDef, OrderDef, Scenario, SelectorDef


def resolve_role(role: str, me: str, cause: Event | None, sponsors: dict[str, str]) -> str:
    """An actor id, from an id or a role read off the perceived event ('' if unknowable)."""
    if cause is None:
        return role_holder(role, me, None, "", sponsors)
    return role_holder(role, me, cause.actor, cause.origin_host, sponsors)


def role_holder(role: str, me: str, author: str | None, origin_host: str,
                sponsors: dict[str, str]) -> str:
    """An actor id, from an id or a role: 'self' is ``me``; 'offender', 'sponsor' and
    'origin_host' are read off an act, whose author is ``author`` (as the decider believes
    it; None when there is no act, and then no one holds the role: '')."""
    if role == "self":
        return me
    if role in ("offender", "sponsor", "origin_host"):
        if author is None:
            return ""
        if role == "offender":
            return author
        if role == "sponsor":
            return sponsors.get(author, author)
        return origin_host
    return role


def resolve_target(
    scenario: Scenario, order: OrderDef, me: str, cause: Event | None,
    sponsors: dict[str, str], rng: random.Random,
) -> tuple[str, AssetDef | None]:
    """(actor addressed or harmed, asset hit or None); ('', None) when nothing fits."""
    if order.asset is not None:
        asset = scenario.assets[order.asset]
        return asset.owner, asset
    if order.actor is not None:
        return resolve_role(order.actor, me, cause, sponsors), None
    if order.selector is None:
        return "", None
    owner = resolve_role(order.selector.owner, me, cause, sponsors)
    if not order.kind.kinetic:
        return owner, None
    candidates = _eligible(scenario, order.selector, owner, cause)
    if not candidates:
        return "", None
    return owner, candidates[int(rng.random() * len(candidates))]


def _eligible(
    scenario: Scenario, selector: SelectorDef, owner: str, cause: Event | None
) -> list[AssetDef]:
    hit_kind = scenario.assets[cause.asset].kind if cause and cause.asset else None
    return [
        asset for asset in scenario.assets.values()
        if asset.owner == owner
        and (selector.kind is None or asset.kind == selector.kind)
        and (selector.host is None or asset.host == selector.host)
        and (not selector.same_kind or hit_kind is None or asset.kind == hit_kind)
        and (selector.homeland is None or asset.homeland == selector.homeland)
    ]
