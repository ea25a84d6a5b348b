"""A per-occurrence number as the engine draws it (``scenario.compiled.draw``): the
constant itself, or a draw by the distribution's ``Sampler`` (model/draws.py), the same number
from the same stream as the distribution's ``sample``, without a call into the interpreter per
draw when the engine is compiled (escalation/native.py)."""

from __future__ import annotations

import random

from escalation.scenario.compiled import Variate


def draw(value: Variate, rng: random.Random, values: list[float]) -> float:
    """The constant itself, or a fresh draw from ``rng``, a run's stream; ``values``, the
    run's parameter vector, holds the medians of delays made per-run parameters."""
    if isinstance(value, float):
        return value
    return value.draw_in(rng, values)
