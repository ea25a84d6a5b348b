"""How observers come to know of events: in stages, late, with noise and enemy bias."""

from __future__ import annotations

import math
import random
from functools import lru_cache

from escalation.scenario.distributions import poisson

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
    factor = math.exp(noise * rng.gauss(0.0, 1.0)) if noise > 0 else 1.0
    if enemy:
        factor *= bias
    phantom = poisson(rng, inflation) if enemy and inflation > 0 else 0
    return factor, phantom


def perceived_counts(deaths: int, injuries: int, factor: float, phantom: int) -> tuple[int, int]:
    return round(deaths * factor) + phantom, round(injuries * factor)
