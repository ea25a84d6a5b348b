"""The names conditions may read, with their types.

Policies read what their actor perceives and its own state; outcome classes read a run's
summary. The engine provides exactly these names (tests/test_namespace.py holds it to that), so a
condition that type-checks at load time cannot fail for want of a name during a run.
"""

from __future__ import annotations

from collections.abc import Iterable

from escalation.model.vocabulary import ValueType

N, S, B = ValueType.NUMBER, ValueType.STRING, ValueType.BOOLEAN

PERCEIVED: dict[str, ValueType] = {
    "perceived.kind": S, "perceived.effect": S, "perceived.actor": S, "perceived.sponsor": S,
    "perceived.target": S, "perceived.asset": S, "perceived.asset_kind": S,
    "perceived.host": S, "perceived.origin_host": S,
    "perceived.deaths": N, "perceived.injuries": N, "perceived.harm": N,
    "perceived.value_lost": N, "perceived.economic_loss": N, "perceived.rung": N, "perceived.goldstein": N,
    "perceived.salvo": N, "perceived.hits": N,
    "perceived.hostile": B, "perceived.kinetic": B, "perceived.homeland": B,
    "perceived.against_me": B, "perceived.against_ally": B, "perceived.by_me": B,
    "perceived.by_ally": B, "perceived.update": B, "perceived.attributed": B,
    "perceived.verified": B,
}
OWN: dict[str, ValueType] = {
    "own.credibility": N, "own.resolve": N, "own.risk_tolerance": N, "own.audience_cost": N,
    "own.commitment": N, "own.responses": N, "own.hostile_acts": N, "own.stood_down": B,
    "own.deaths_suffered": N, "own.injuries_suffered": N, "own.economic_loss": N,
    "own.restrained": B,
}
WORLD: dict[str, ValueType] = {
    "tension": N, "alert": B, "time": N, "max_rung": N, "pair_rung": N,
}
COUNTS = (  # a run's counts: columns of every run table, and names of outcome conditions
    "hostile_acts", "kinetic_acts", "kinetic_responses", "stand_downs", "threats_made",
    "threats_carried_out", "threats_backed_down", "homeland_strikes", "accident_deaths",
)
BY_ACTOR = ("deaths", "injuries", "economic_loss")  # harm suffered: '<family>.<actor>' columns
SUMMARY: dict[str, ValueType] = {
    "ended_by": S, "duration_days": N, "crisis_days": N, "max_rung": N, "start_rung": N,
    "wars_started": N, "max_tension": N,
    "tension": N,
    **dict.fromkeys(COUNTS, N), **{f"{family}.total": N for family in BY_ACTOR},
}


def policy_names(actors: Iterable[str], items: Iterable[str]) -> dict[str, ValueType]:
    """Names a policy condition may read in a scenario with these actors and stock items."""
    names = {**PERCEIVED, **OWN, **WORLD}
    names.update({f"own.inventory.{item}": N for item in items})
    for actor in actors:
        names[f"actors.{actor}.credibility"] = N
        names[f"actors.{actor}.stood_down"] = B
    return names


def initiative_names(actors: Iterable[str], items: Iterable[str]) -> dict[str, ValueType]:
    """Names an initiative's ``when`` may read: a policy's, without a perceived act (there is
    none), and the run's counts so far, as outcome conditions read them."""
    actors = list(actors)
    names = {name: kind for name, kind in policy_names(actors, items).items()
             if not name.startswith("perceived.") and name != "pair_rung"}
    return {**summary_names(actors), **names}


def summary_names(actors: Iterable[str]) -> dict[str, ValueType]:
    """Names an outcome condition may read."""
    names = dict(SUMMARY)
    for actor in actors:
        names.update({f"{family}.{actor}": N for family in BY_ACTOR})
        names[f"responses.{actor}"] = N
        names[f"stood_down.{actor}"] = B
    return names
