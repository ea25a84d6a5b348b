"""The scalar draws a run makes most, from its ``random.Random`` streams.

A run draws a perception delay per actor and event, a deliberation delay per deliberation,
each unit's fate in a salvo and casualty counts: a few hundred draws in a seed run. Their
formulas live here, in a module of the compiled core (escalation/native.py), and the
distributions of scenario/distributions.py call them for their ``sample``, so that both give
the same number from the same stream.

``gauss`` is ``random.Random.gauss`` stated again (the same two uniforms, the same arithmetic,
and the same second value kept in the stream's ``gauss_next`` for the next call, whoever makes
it), so that compiled code does not call back into the interpreter for each normal draw;
tests/test_draws.py holds it to the standard library's, draw for draw. The engine's streams,
where their C core is built (model/splitmix.py), draw it in C with the same arithmetic.
"""

from __future__ import annotations

import math
import random
from math import cos, log, sin, sqrt
from typing import Any, Final, cast

from escalation.model.splitmix import FAST_STREAM, LARGEST_EXPONENT

TWOPI = 2.0 * math.pi  # as random.py computes it
_FAST_STREAM: Final = FAST_STREAM  # a constant where compiled, not a lookup per draw
_LARGEST_MEAN = 1e18  # a mean beyond this (or infinite) is taken as this: callers cap counts far below


def gauss(rng: random.Random, mu: float, sigma: float) -> float:
    """``rng.gauss(mu, sigma)``, the same value and the same state left behind."""
    if type(rng) is _FAST_STREAM:  # the engine's own stream, whose C core draws it alike
        return float(mu + cast(Any, rng).normal() * sigma)
    z = rng.gauss_next  # type: ignore[attr-defined]
    rng.gauss_next = None  # type: ignore[attr-defined]
    if z is None:
        uniform = rng.random
        x2pi = uniform() * TWOPI
        g2rad = sqrt(-2.0 * log(1.0 - uniform()))
        z = cos(x2pi) * g2rad
        rng.gauss_next = sin(x2pi) * g2rad  # type: ignore[attr-defined]
    return float(mu + z * sigma)


def lognormal(rng: random.Random, median: float, sigma: float) -> float:
    """A log-normal draw. One beyond the largest float is infinite (math.exp would raise):
    the engine's bounds then stop the run with a message (engine/guard.py)."""
    if type(rng) is _FAST_STREAM:  # the same arithmetic in the stream's C core
        return float(cast(Any, rng).lognormal(median, sigma))
    return median * math.exp(min(sigma * gauss(rng, 0.0, 1.0), LARGEST_EXPONENT))


def uniform(rng: random.Random, low: float, high: float) -> float:
    return low + (high - low) * rng.random()


def poisson(rng: random.Random, mean: float) -> int:
    """A Poisson count; Knuth's method for small means, a normal approximation above 30."""
    if not mean > 0:  # NaN too
        return 0
    if mean > 30:
        mean = min(mean, _LARGEST_MEAN)
        return max(0, round(gauss(rng, mean, math.sqrt(mean))))
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def binomial(rng: random.Random, trials: int, p: float) -> int:
    """Successes in ``trials`` independent tries: a loop for the salvos of real crises, a
    normal approximation (clipped to 0 .. trials) beyond a thousand tries."""
    if not p > 0 or trials <= 0:  # NaN too
        return 0
    if p >= 1:
        return trials
    if trials > 1000:
        spread = math.sqrt(trials * p * (1 - p))
        return min(trials, max(0, round(gauss(rng, trials * p, spread))))
    draw = rng.random
    successes = 0
    for _ in range(trials):
        if draw() < p:
            successes += 1
    return successes


LOGNORMAL: Final = 0
UNIFORM: Final = 1
OTHER: Final = 2  # drawn by the distribution's own ``sample``


class Sampler:
    """A scenario's distribution as a run draws from it (scenario/compiler.py makes one for
    each per-occurrence number): its kind and parameters in plain fields. Read from the
    distribution itself (a pydantic model) they would cost two attribute lookups through its
    ``__getattr__`` hook at each of the few hundred draws of a run."""

    def __init__(self, kind: int, a: float, b: float, source: Any, slot: int = -1) -> None:
        self.kind, self.a, self.b = kind, a, b
        self.source = source  # the distribution (scenario/distributions.py)
        self.slot = slot  # a log-normal's median as a per-run parameter; -1: none

    def draw_in(self, rng: Any, values: Any) -> float:
        """One value from ``rng`` in a run whose parameter vector is ``values``: with a
        per-run median (``slot``), the log-normal around the run's median (the same number
        ``draw`` gives when the run keeps the distribution's own median)."""
        if self.slot >= 0:
            return float(rng.lognormal(values[self.slot], self.b))
        return self.draw(rng)

    def draw(self, rng: Any) -> float:
        """One value from ``rng``, a run's stream (model/splitmix.py: either core has
        ``lognormal``): the same number the distribution's ``sample`` draws."""
        kind = self.kind
        if kind == LOGNORMAL:
            return float(rng.lognormal(self.a, self.b))
        if kind == UNIFORM:
            return uniform(rng, self.a, self.b)
        return float(self.source.sample(rng))

    def sample(self, rng: random.Random) -> float:
        """One value from any ``random.Random``, as the distribution draws it."""
        return float(self.source.sample(rng))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sampler) and bool(self.source == other.source) \
            and self.slot == other.slot

    def __hash__(self) -> int:
        return hash((self.source, self.slot))

    def __repr__(self) -> str:
        return f"Sampler({self.source!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (Sampler, (self.kind, self.a, self.b, self.source, self.slot))
