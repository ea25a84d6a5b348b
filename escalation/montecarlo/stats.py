"""Intervals for proportions: every probability is reported with one."""

from __future__ import annotations

import math

Z95 = 1.959963984540054


def wilson(successes: int, trials: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval: well-behaved near 0 and 1 and for few trials, unlike Wald's."""
    if trials <= 0:
        return (0.0, 1.0)
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    low = 0.0 if successes <= 0 else max(0.0, centre - half)  # exact ends: rounding would
    high = 1.0 if successes >= trials else min(1.0, centre + half)  # exclude p̂ = 0 or 1
    return (low, high)


def widest_half_width(counts: dict[str, int], trials: int, z: float = Z95) -> float:
    """The largest half-width among the intervals of several outcome probabilities."""
    if trials <= 0:
        return 1.0
    halves = [(hi - lo) / 2 for lo, hi in (wilson(c, trials, z) for c in counts.values())]
    return max(halves, default=1.0)
