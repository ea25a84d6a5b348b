"""Physical effects of acts: salvos that fail, are intercepted or hit; casualties; damage."""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass

from escalation.model.draws import binomial, poisson


@dataclass(slots=True)
class Damage:
    """What an act did. This and ``Exposure`` are made once per strike: each writes its
    ``__init__`` out, so that the compiled engine builds them natively (a dataclass's generated
    ``__init__``, or a named tuple's ``__new__``, is run by the interpreter)."""

    failed: int = 0
    intercepted: int = 0
    hits: int = 0
    deaths: int = 0
    injuries: int = 0
    value_lost: float = 0.0
    economic_loss: float = 0.0  # US$ million

    def __init__(self, failed: int = 0, intercepted: int = 0, hits: int = 0, deaths: int = 0,
                 injuries: int = 0, value_lost: float = 0.0, economic_loss: float = 0.0) -> None:
        self.failed, self.intercepted, self.hits = failed, intercepted, hits
        self.deaths, self.injuries = deaths, injuries
        self.value_lost, self.economic_loss = value_lost, economic_loss


@dataclass(slots=True)
class Exposure:
    """What a target puts at risk, read from the run's parameter vector."""

    personnel: float
    value: float
    air_defence: float
    lethality: float
    injury_rate: float
    damage_per_hit: float
    warned_factor: float
    economic_value: float = 0.0  # US$ million

    def __init__(self, personnel: float, value: float, air_defence: float, lethality: float,
                 injury_rate: float, damage_per_hit: float, warned_factor: float,
                 economic_value: float = 0.0) -> None:
        self.personnel, self.value, self.air_defence = personnel, value, air_defence
        self.lethality, self.injury_rate = lethality, injury_rate
        self.damage_per_hit, self.warned_factor = damage_per_hit, warned_factor
        self.economic_value = economic_value


def strike(rng: random.Random, salvo: int, failure: float, target: Exposure, warned: bool,
           defend: Callable[[int], int] | None = None) -> Damage:
    """Each unit may fail, then be intercepted (by the target's air defence, then by allies
    helping defend it: ``defend`` gives how many of the units still arriving they stop); each
    hit kills and injures at the target's rates, deaths cut to the warned share when the
    target was warned in time (sheltered people are hurt rather than killed), never more
    people than are there."""
    failed = binomial(rng, salvo, failure)
    intercepted = binomial(rng, salvo - failed, target.air_defence)
    if defend is not None:
        intercepted += defend(salvo - failed - intercepted)
    hits = salvo - failed - intercepted
    exposure = target.warned_factor if warned else 1.0
    people = int(target.personnel)
    deaths = min(people, poisson(rng, hits * target.lethality * exposure))
    injuries = min(people - deaths, poisson(rng, hits * target.injury_rate))
    share = min(1.0, hits * target.damage_per_hit)
    return Damage(failed, intercepted, hits, deaths, injuries, target.value * share,
                  target.economic_value * share)


def warned_share(warned_factor: float, shelter_hours: float, lead: float) -> float:
    """The share of deaths left at a target whose owner heard ``lead`` hours before the hit.
    People take cover at a constant rate, so the share under cover, 1 - exp(-lead /
    shelter_hours), grows with notice: a warning minutes ahead protects little, one hours
    ahead all who can take cover; the deaths left fall from all to ``warned_factor`` (those
    who cannot). A shelter time of 0 puts everyone under cover at once."""
    if not shelter_hours > 0:
        return warned_factor
    return 1.0 - (1.0 - warned_factor) * (1.0 - math.exp(-lead / shelter_hours))


def killing(rng: random.Random, success: float, target: Exposure) -> Damage:
    """A targeted killing: all of the party (personnel) dies if it succeeds, else nothing."""
    if rng.random() >= success:
        return Damage(failed=1)
    return Damage(hits=1, deaths=int(target.personnel), value_lost=target.value,
                  economic_loss=target.economic_value)
