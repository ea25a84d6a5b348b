"""Probability distributions a scenario may give in place of a number.

Each distribution can be drawn two ways, because scenarios use numbers two ways:
- ``sample(rng)`` draws one value from a ``random.Random`` stream: used for quantities that
  vary at every occurrence (a salvo's size, a deliberation delay), in a run's inner loop,
  where Python's own generator is an order of magnitude faster than numpy for scalars;
- ``ppf(u)`` maps uniforms in [0, 1) to values, vectorised: used for uncertain parameters
  drawn once per run, so that independent and Latin-hypercube sampling share one code path.
"""

from __future__ import annotations

import math
import random
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator
from scipy import special

from escalation.model.draws import LOGNORMAL, OTHER, UNIFORM, Sampler, lognormal, uniform
from escalation.model.draws import binomial as binomial  # the counts, with the engine's draws
from escalation.model.draws import poisson as poisson

_FINITE = {"allow_inf_nan": False}


def _low_not_above_high(model: Any) -> Any:
    """Validator shared by the distributions that have a ``low`` and a ``high``."""
    if not model.low <= model.high:
        raise ValueError(f"low ({model.low}) must not exceed high ({model.high})")
    return model


class _Distribution(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, **_FINITE)  # type: ignore[typeddict-item]

    def sample(self, rng: random.Random) -> float:
        raise NotImplementedError

    def sampler(self) -> Sampler:
        """This distribution as a run draws from it, at every occurrence (model/draws.py)."""
        return Sampler(OTHER, 0.0, 0.0, self)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def bounds(self) -> tuple[float, float]:
        """Smallest and largest values the distribution can produce (may be infinite)."""
        raise NotImplementedError


class Uniform(_Distribution):
    """Every value between ``low`` and ``high`` equally likely."""

    dist: Literal["uniform"]
    low: float
    high: float

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        return _low_not_above_high(self)

    def sample(self, rng: random.Random) -> float:
        return uniform(rng, self.low, self.high)

    def sampler(self) -> Sampler:
        return Sampler(UNIFORM, self.low, self.high, self)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        return self.low + (self.high - self.low) * u

    def bounds(self) -> tuple[float, float]:
        return (self.low, self.high)


class Normal(_Distribution):
    """Bell curve around ``mean``; optional ``low``/``high`` clip the draws."""

    dist: Literal["normal"]
    mean: float
    sd: float = Field(ge=0)
    low: float = -math.inf
    high: float = math.inf

    @model_validator(mode="after")
    def _ordered(self) -> Normal:
        return _low_not_above_high(self)

    def sample(self, rng: random.Random) -> float:
        return min(self.high, max(self.low, rng.gauss(self.mean, self.sd)))

    def ppf(self, u: np.ndarray) -> np.ndarray:
        z = special.ndtri(np.clip(u, 1e-12, 1 - 1e-12))
        return np.clip(self.mean + self.sd * z, self.low, self.high)

    def bounds(self) -> tuple[float, float]:
        return (self.low, self.high)




class LogNormal(_Distribution):
    """Positive, right-skewed; ``median`` and ``sigma`` (spread of the log) are intuitive."""

    dist: Literal["lognormal"]
    median: float = Field(gt=0)
    sigma: float = Field(ge=0)

    def sample(self, rng: random.Random) -> float:
        return lognormal(rng, self.median, self.sigma)

    def sampler(self, slot: int = -1) -> Sampler:
        """``slot``: the per-run parameter that holds this distribution's median in a run."""
        return Sampler(LOGNORMAL, self.median, self.sigma, self, slot)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        z = special.ndtri(np.clip(u, 1e-12, 1 - 1e-12))
        with np.errstate(over="ignore"):  # as in ``sample``: infinite beyond the largest float
            return self.median * np.exp(self.sigma * z)

    def bounds(self) -> tuple[float, float]:
        return (0.0, math.inf)


class Beta(_Distribution):
    """Probabilities and shares: shape ``a``, ``b`` rescaled to [``low``, ``high``]."""

    dist: Literal["beta"]
    a: float = Field(gt=0)
    b: float = Field(gt=0)
    low: float = 0.0
    high: float = 1.0

    @model_validator(mode="after")
    def _ordered(self) -> Beta:
        return _low_not_above_high(self)

    def sample(self, rng: random.Random) -> float:
        return self.low + (self.high - self.low) * rng.betavariate(self.a, self.b)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        return self.low + (self.high - self.low) * special.betaincinv(self.a, self.b, u)

    def bounds(self) -> tuple[float, float]:
        return (self.low, self.high)


class Triangular(_Distribution):
    """An expert's 'between low and high, most likely mode'."""

    dist: Literal["triangular"]
    low: float
    mode: float
    high: float

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        if not self.low <= self.mode <= self.high:
            raise ValueError(
                f"need low <= mode <= high, got {self.low}, {self.mode}, {self.high}"
            )
        return self

    def sample(self, rng: random.Random) -> float:
        return self.ppf(np.array([rng.random()])).item()

    def ppf(self, u: np.ndarray) -> np.ndarray:
        low, mode, high = self.low, self.mode, self.high
        if high == low:
            return np.full_like(u, low, dtype=float)
        cut = (mode - low) / (high - low)
        left = low + np.sqrt(u * (high - low) * (mode - low))
        right = high - np.sqrt((1 - u) * (high - low) * (high - mode))
        return np.where(u < cut, left, right)

    def bounds(self) -> tuple[float, float]:
        return (self.low, self.high)


class Poisson(_Distribution):
    """Counts of rare events (casualties per hit, phantom reports) with a given ``mean``."""

    dist: Literal["poisson"]
    mean: float = Field(ge=0, le=1e6)

    def sample(self, rng: random.Random) -> float:
        return float(poisson(rng, self.mean))

    def ppf(self, u: np.ndarray) -> np.ndarray:
        from scipy.stats import poisson as scipy_poisson

        # scipy's ppf(0) is -1; a count is never below 0
        return np.maximum(np.asarray(scipy_poisson.ppf(u, self.mean), dtype=float), 0.0)

    def bounds(self) -> tuple[float, float]:
        return (0.0, math.inf)


class Choice(_Distribution):
    """One of a few listed ``values``, with optional relative ``weights``."""

    dist: Literal["choice"]
    values: tuple[float, ...] = Field(min_length=1)
    weights: tuple[float, ...] | None = None

    @model_validator(mode="after")
    def _weights_match(self) -> Choice:
        weights = self.weights
        if weights is None:
            return self
        if len(weights) != len(self.values):
            raise ValueError(
                f"weights has {len(weights)} entries but values has {len(self.values)}"
            )
        if any(w < 0 for w in weights) or sum(weights) <= 0:
            raise ValueError("weights must be non-negative with a positive sum")
        return self

    def _cumulative(self) -> np.ndarray:
        weights = np.asarray(self.weights or [1.0] * len(self.values), dtype=float)
        return np.cumsum(weights) / weights.sum()

    def sample(self, rng: random.Random) -> float:
        return self.ppf(np.array([rng.random()])).item()

    def ppf(self, u: np.ndarray) -> np.ndarray:
        index = np.searchsorted(self._cumulative(), u, side="right")
        return np.asarray(self.values, dtype=float)[np.minimum(index, len(self.values) - 1)]

    def bounds(self) -> tuple[float, float]:
        return (min(self.values), max(self.values))


Distribution = Annotated[
    Uniform | Normal | LogNormal | Beta | Triangular | Poisson | Choice,
    Field(discriminator="dist"),
]
DISTRIBUTION_NAMES = ("uniform", "normal", "lognormal", "beta", "triangular", "poisson", "choice")


