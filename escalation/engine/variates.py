"""A per-occurrence number as the engine draws it (``scenario.compiled.draw``), with the
formulas of the distributions a run draws from most called directly: the same number from the
same stream as the distribution's ``sample``, which calls the same functions
(model/draws.py), without a call into the interpreter per draw when the engine is compiled
(escalation/native.py)."""

from __future__ import annotations

import random

from escalation.model.draws import lognormal, uniform
from escalation.scenario.compiled import Variate
from escalation.scenario.distributions import LogNormal, Uniform


def draw(value: Variate, rng: random.Random) -> float:
    """The constant itself, or a fresh draw."""
    kind = value.__class__
    if kind is float:
        return value  # type: ignore[return-value]
    if kind is LogNormal:
        return lognormal(rng, value.median, value.sigma)  # type: ignore[union-attr]
    if kind is Uniform:
        return uniform(rng, value.low, value.high)  # type: ignore[union-attr]
    return value.sample(rng)  # type: ignore[union-attr]
