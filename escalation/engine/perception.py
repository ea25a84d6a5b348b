"""How observers come to know of events: in stages, late, with noise and enemy bias."""

from __future__ import annotations

import math
import random
from functools import lru_cache
from typing import Final

from escalation.model.bounds import MAX_PEOPLE
from escalation.model.draws import gauss, poisson

_MAX_LOG_FACTOR: Final = math.log(MAX_PEOPLE)  # no observer misjudges a count by more than this

Stages = tuple[tuple[float, float], ...]


@lru_cache(maxsize=4096)
def disclosure_steps(
    deaths: int, injuries: int, death_stages: Stages, injury_stages: Stages
) -> tuple[tuple[float, int, int], ...]:
    """(hours after the event, deaths revealed, injuries revealed), one entry per change.

    The first entry is always there (even when nothing is revealed yet): it is the first
    report of the event; later entries are disclosures that revise it. Cached: casualty
    counts repeat across events and runs, and the answer depends on nothing else.
    """
    times = sorted({t for t, _ in death_stages} | {t for t, _ in injury_stages})
    steps: list[tuple[float, int, int]] = []
    for moment in times:
        shown = (_revealed(deaths, death_stages, moment), _revealed(injuries, injury_stages, moment))
        if not steps or shown != steps[-1][1:]:
            steps.append((moment, *shown))
    return tuple(steps)


def _revealed(count: int, stages: Stages, moment: float) -> int:
    share = max((s for t, s in stages if t <= moment), default=0.0)
    return math.floor(count * share + 1e-9)


def distortion(
    rng: random.Random, noise: float, bias: float, inflation: float, enemy: bool
) -> tuple[float, int]:
    """How one outside observer misjudges one event: a log-normal scale error, its bias when
    the victims are its enemies, and phantom deaths its media invent. Drawn once per event,
    so later disclosures are misjudged consistently."""
    factor = math.exp(min(noise * gauss(rng, 0.0, 1.0), _MAX_LOG_FACTOR)) if noise > 0 else 1.0
    if enemy:
        factor *= bias
    phantom = min(poisson(rng, inflation), MAX_PEOPLE) if enemy and inflation > 0 else 0
    return factor, phantom


def perceived_counts(deaths: int, injuries: int, factor: float, phantom: int) -> tuple[int, int]:
    """Counts as the observer believes them: never more than ``MAX_PEOPLE`` (a huge bias
    times a huge count would overflow into infinity)."""
    seen_deaths, seen_injuries = deaths * factor, injuries * factor
    if seen_deaths < MAX_PEOPLE and seen_injuries < MAX_PEOPLE:  # always, in a sane scenario
        return round(seen_deaths) + phantom, round(seen_injuries)
    return _capped(seen_deaths) + phantom, _capped(seen_injuries)


def _capped(count: float) -> int:
    return round(count) if count < MAX_PEOPLE else MAX_PEOPLE if count > 0 else 0
