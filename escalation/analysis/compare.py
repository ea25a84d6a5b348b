"""Counterfactuals with common random numbers: the same runs of two versions of a scenario.

Run i of both versions has the same run seed, every uncertain parameter the same uniform
(keyed by its name) and every purpose the same random stream, so the two runs differ only
where the change matters. The difference in an outcome's probability is then the mean of
per-run differences d_i = 1[variant_i = o] - 1[base_i = o], whose variance is far smaller
than that of two independent batches when most runs do not change: that is the point.

Its 95% interval is Newcombe's (1998) method 10 for the difference of paired proportions:
Wilson score intervals of both probabilities combined with the pairs' correlation. Unlike
the Wald interval of the mean difference, it never collapses to a point when no pair is
discordant (a batch of finite size cannot prove a difference of exactly zero) and keeps its
coverage when few pairs differ.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from escalation.montecarlo.batch import run_alike
from escalation.montecarlo.chunk import FAILED
from escalation.montecarlo.results import Results
from escalation.montecarlo.stats import wilson
from escalation.scenario.compiled import Scenario

Z95 = 1.959963984540054
LEAST_SHARED = 0.5  # of the two batches' parameter names: fewer shared, the pairing is loose


@dataclass
class Comparison:
    """Both batches, the paired differences per outcome, and where runs moved."""

    base: Results
    variant: Results
    differences: pd.DataFrame
    transitions: pd.DataFrame

    @property
    def changed_runs(self) -> int:
        """Runs whose outcome class differs between the two versions."""
        table = self.transitions
        return int(table.to_numpy().sum() - np.trace(table.to_numpy()))

    def pairing_warning(self) -> str | None:
        """Why pairing these two batches run by run means little, if it does: common random
        numbers pair runs through the actors' streams and the parameters' names, so two
        scenarios with other actors, or mostly other parameters, share no chance at all."""
        return pairing_warning(self.base, self.variant)

    def format(self) -> str:
        """The differences as a plain-text table, with a warning first when the two
        scenarios are too different for their runs to pair."""
        rows = self.differences
        n = int(rows["paired_runs"].iloc[0]) if len(rows) else 0
        warning = self.pairing_warning()
        lines = [*([f"warning: {warning}"] if warning else []),
                 f"{self.variant.scenario} vs {self.base.scenario}: {n:,} paired runs (seed "
                 f"{self.base.seed}), {self.changed_runs:,} changed outcome",
                 f"  {'outcome':<22} {'base':>7} {'variant':>8} {'difference':>11}   "
                 f"{'95% interval (paired, Newcombe)':<33} {'independent ±':>13} {'tighter':>13}"]
        for outcome, r in rows.iterrows():
            tighter = "no run moved" if r["discordant"] == 0 else f"{r['tighter']:.1f}x"
            interval = f"[{r['ci_low']:+.4f}, {r['ci_high']:+.4f}]"
            independent = f"±{r['independent_half_width']:.3f}"
            lines.append(
                f"  {outcome!s:<22} {r['base']:>7.3f} {r['variant']:>8.3f} {r['difference']:>+11.3f}"
                f"   {interval:<33} {independent:>13} {tighter:>13}")
        return "\n".join(lines)


def compare(base: Scenario, variant: Scenario, runs: int, seed: int = 0, **batch: Any) -> Comparison:
    """Run both versions with the same seed (common random numbers) and pair them by run.

    ``batch`` passes options to ``run_batch`` (workers, backend, sample, ...); ``out`` is not
    accepted here: write each side's folder with ``run_batch`` if you need the files."""
    if "out" in batch:
        raise ValueError("compare keeps both batches in memory; run each with run_batch(out=...) "
                         "to write their folders")
    first, second = run_alike([base, variant], runs, seed, **batch)  # one pool for both
    return comparison_of(first, second)


def comparison_of(base: Results, variant: Results) -> Comparison:
    """Pair two finished batches run by run (they must share the seed for the pairing to mean
    anything: with other seeds the interval is still right, just no tighter)."""
    if base.seed != variant.seed:
        raise ValueError(f"the batches have different seeds ({base.seed}, {variant.seed}): "
                         "common random numbers need the same seed")
    pairs = _pairs(base, variant)
    outcomes = list(dict.fromkeys([*base.outcome_ids, *variant.outcome_ids]))
    differences = paired_differences(pairs["base"], pairs["variant"], outcomes)
    transitions = pd.crosstab(
        pd.Categorical(pairs["base"], categories=outcomes),
        pd.Categorical(pairs["variant"], categories=outcomes),
        rownames=["base"], colnames=["variant"], dropna=False)
    return Comparison(base, variant, differences, transitions)


def paired_differences(base: pd.Series, variant: pd.Series, outcomes: list[str]) -> pd.DataFrame:
    """Per outcome: both probabilities, their paired difference (variant - base) with its 95%
    interval (``paired_interval``), the half-width two independent batches of this size would
    have, and the ratio. ``discordant`` counts the runs that moved into or out of the class."""
    n = len(base)
    rows = []
    for outcome in outcomes:
        b = base.to_numpy() == outcome
        v = variant.to_numpy() == outcome
        both, gained, lost = int(np.sum(b & v)), int(np.sum(v & ~b)), int(np.sum(b & ~v))
        low, high = paired_interval(both, gained, lost, n - both - gained - lost) if n else (math.nan,) * 2
        pb, pv = float(b.mean()) if n else math.nan, float(v.mean()) if n else math.nan
        independent = Z95 * math.sqrt((pb * (1 - pb) + pv * (1 - pv)) / n) if n else math.nan
        half = (high - low) / 2
        rows.append({"outcome": outcome, "base": pb, "variant": pv,
                     "difference": (gained - lost) / n if n else math.nan,
                     "ci_low": low, "ci_high": high, "half_width": half,
                     "independent_half_width": independent,
                     "tighter": independent / half if half > 0 else math.inf,
                     "discordant": gained + lost, "paired_runs": n})
    return pd.DataFrame(rows).set_index("outcome")


def paired_interval(both: int, first_only: int, second_only: int, neither: int, z: float = Z95
                    ) -> tuple[float, float]:
    """Newcombe's (1998) method 10 interval for p1 - p2 of paired proportions, where p1 =
    (both + first_only) / n and p2 = (both + second_only) / n.

    Each proportion gets its Wilson score interval (l, u); the pairs' correlation phi (0 when
    a margin is empty, and its positive numerator damped as ``_damped`` says) narrows their
    combination: the difference minus
    sqrt((p1 - l1)^2 - 2 phi (p1 - l1)(u2 - p2) + (u2 - p2)^2), plus the mirror image.
    (Newcombe RG, Improved confidence intervals for the difference between binomial
    proportions based on paired data, Statistics in Medicine 1998; 17: 2635-2650.)"""
    n = both + first_only + second_only + neither
    if n <= 0:
        return (-1.0, 1.0)
    p1, p2 = (both + first_only) / n, (both + second_only) / n
    l1, u1 = wilson(both + first_only, n, z)
    l2, u2 = wilson(both + second_only, n, z)
    margins = ((both + first_only) * (second_only + neither) * (both + second_only)
               * (first_only + neither))
    phi = _damped(both * neither - first_only * second_only, n) / math.sqrt(margins) if margins else 0.0
    below = math.sqrt(max(0.0, (p1 - l1) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2))
    above = math.sqrt(max(0.0, (u1 - p1) ** 2 - 2 * phi * (u1 - p1) * (p2 - l2) + (p2 - l2) ** 2))
    return (max(-1.0, p1 - p2 - below), min(1.0, p1 - p2 + above))


def _damped(numerator: int, n: int) -> float:
    """Newcombe's correction of phi's numerator A = ad - bc in method 10: A - n/2 when A > n/2,
    0 when 0 <= A <= n/2, A when negative, so that a positive correlation, which narrows the
    interval, is not overstated in small tables."""
    if numerator > n / 2:
        return numerator - n / 2
    return 0.0 if numerator >= 0 else float(numerator)


def pairing_warning(base: Results, variant: Results) -> str | None:
    """A sentence when two batches' runs cannot pair: other actors (their random streams are
    keyed by actor), or fewer than ``LEAST_SHARED`` of their parameter names in common
    (uniforms are keyed by name); None when the pairing holds."""
    actors = [_columns(r, "deaths.") for r in (base, variant)]
    names = [_columns(r, "param.") for r in (base, variant)]
    union = names[0] | names[1]
    shared = len(names[0] & names[1]) / len(union) if union else 1.0
    if actors[0] == actors[1] and shared >= LEAST_SHARED:
        return None
    return (f"the two scenarios share {len(actors[0] & actors[1])} of {len(actors[0] | actors[1])} "
            f"actors and {shared:.0%} of their uncertain parameters: common random numbers do not "
            "pair their runs, so the paired interval is no tighter than two independent batches' "
            "and the per-run transitions mean nothing")


def _columns(results: Results, prefix: str) -> set[str]:
    return {c[len(prefix):] for c in results.runs.columns if c.startswith(prefix)}


def _pairs(base: Results, variant: Results) -> pd.DataFrame:
    left = base.runs[["run", "outcome"]].astype({"outcome": str})
    right = variant.runs[["run", "outcome"]].astype({"outcome": str})
    pairs = left.merge(right, on="run", suffixes=("_base", "_variant"))
    pairs = pairs[(pairs["outcome_base"] != FAILED) & (pairs["outcome_variant"] != FAILED)]
    return pd.DataFrame({"run": pairs["run"].to_numpy(), "base": pairs["outcome_base"].to_numpy(),
                         "variant": pairs["outcome_variant"].to_numpy()})
