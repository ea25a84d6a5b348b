"""Proper scores of a forecast against what happened: pure functions of NumPy arrays.

Every score here is a loss (lower is better), so that a skill score ``1 - S / S_reference``
is positive when the forecast beats the reference. Each can be checked by hand:

- ``log_score``: -ln p(real class), in nats (Good 1952; the ignorance score of ViEWS).
- ``ranked_probability_score``: the squared distance between the forecast's cumulative
  distribution over ordered classes and the real class's step, divided by K - 1 so it lies in
  [0, 1] whatever the number of classes (Epstein 1969; Murphy 1971).
- ``crps``: the continuous ranked probability score of a sample, E|X - y| - E|X - X'| / 2
  (Gneiting and Raftery 2007, eq. 21), in the unit of the quantity.
- ``pit``: the probability integral transform, randomised where the sample has an atom at the
  observed value (counts), so that it is uniform on [0, 1] when the forecast is calibrated
  (Czado, Gneiting and Held 2009).
- ``central_range`` / ``covered``: the central 50% or 90% range of a sample, and whether the
  observation falls inside it (bounds included: for counts, coverage is then at least nominal).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

BOOTSTRAP_DRAWS = 2000


def smoothed_probabilities(counts: Sequence[float] | np.ndarray, pseudo: float) -> np.ndarray:
    """Class probabilities from counts with ``pseudo`` added to each class, so that none is 0
    (the posterior mean under a symmetric Dirichlet prior): (n_k + a) / (N + K a)."""
    counts = np.asarray(counts, dtype=float)
    if counts.ndim != 1 or not len(counts) or (counts < 0).any() or pseudo < 0:
        raise ValueError("counts must be a non-empty list of numbers >= 0, pseudo >= 0")
    total = counts.sum() + pseudo * len(counts)
    if total <= 0:
        raise ValueError("no counts and no pseudo-count: the probabilities are undefined")
    return (counts + pseudo) / total


def log_score(probabilities: np.ndarray, real: int) -> float:
    """-ln of the probability given to the real class (index ``real``); inf when it is 0."""
    p = float(np.asarray(probabilities, dtype=float)[real])
    return math.inf if p <= 0 else -math.log(p)


def ranked_probability_score(probabilities: np.ndarray, real: int) -> float:
    """Squared distance of cumulative probabilities to the real class's step, over K - 1."""
    p = np.asarray(probabilities, dtype=float)
    if len(p) < 2:
        return 0.0
    observed = np.zeros(len(p))
    observed[real] = 1.0
    gaps = np.cumsum(p)[:-1] - np.cumsum(observed)[:-1]
    return float(np.sum(gaps ** 2) / (len(p) - 1))


def crps(sample: np.ndarray, observed: float) -> float:
    """CRPS of the empirical distribution of ``sample`` at ``observed``: E|X - y| - E|X - X'|/2,
    E|X - X'| computed exactly from the sorted sample in O(n log n)."""
    x = np.sort(np.asarray(sample, dtype=float))
    n = len(x)
    if not n or np.isnan(x).any():
        raise ValueError("crps needs a non-empty sample without NaN")
    spread = 2.0 * np.sum((2 * np.arange(1, n + 1) - n - 1) * x) / n ** 2  # E|X - X'|
    return float(np.mean(np.abs(x - observed)) - spread / 2)


def pit(sample: np.ndarray, observed: float, uniform: float) -> float:
    """F(y-) + u (F(y) - F(y-)) for the sample's empirical F and a uniform draw ``u``: the plain
    F(y) where the sample has no atom at y, a uniform draw across the atom where it has."""
    x = np.asarray(sample, dtype=float)
    below = float(np.mean(x < observed))
    at_or_below = float(np.mean(x <= observed))
    return below + uniform * (at_or_below - below)


def central_range(sample: np.ndarray, level: float) -> tuple[float, float]:
    """The central ``level`` range of the sample: its (1 - level)/2 and (1 + level)/2
    quantiles, each a value of the sample (inverted CDF)."""
    tail = (1.0 - level) / 2.0
    low, high = np.quantile(np.asarray(sample, dtype=float), [tail, 1.0 - tail],
                            method="inverted_cdf")
    return float(low), float(high)


def covered(sample: np.ndarray, observed: float, level: float) -> bool:
    low, high = central_range(sample, level)
    return low <= observed <= high


def skill(scores: np.ndarray, reference: np.ndarray) -> float:
    """1 - mean score / mean reference score: 1 is perfect, 0 no better than the reference,
    negative worse; NaN when the reference scores 0 (nothing to beat)."""
    ref = float(np.mean(reference))
    return math.nan if ref == 0 else 1.0 - float(np.mean(scores)) / ref


def bootstrap_skill(scores: np.ndarray, reference: np.ndarray, level: float = 0.95,
                    draws: int = BOOTSTRAP_DRAWS, seed: int = 0) -> tuple[float, float]:
    """Percentile interval of ``skill`` over episodes resampled with replacement (the pairs of
    scores stay together); NaN for fewer than two episodes."""
    scores, reference = np.asarray(scores, dtype=float), np.asarray(reference, dtype=float)
    n = len(scores)
    if n < 2:
        return math.nan, math.nan
    picks = np.random.default_rng(seed).integers(0, n, size=(draws, n))
    means, refs = scores[picks].mean(axis=1), reference[picks].mean(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        skills = np.where(refs > 0, 1.0 - means / refs, np.nan)
    skills = skills[np.isfinite(skills)]
    if not len(skills):
        return math.nan, math.nan
    tail = (1.0 - level) / 2.0
    low, high = np.quantile(skills, [tail, 1.0 - tail])
    return float(low), float(high)
