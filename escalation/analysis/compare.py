"""Counterfactuals with common random numbers: the same runs of two versions of a scenario.

Run i of both versions has the same run seed, every uncertain parameter the same uniform
(keyed by its name) and every purpose the same random stream, so the two runs differ only
where the change matters. The difference in an outcome's probability is then the mean of
per-run differences d_i = 1[variant_i = o] - 1[base_i = o], whose variance is far smaller
than that of two independent batches when most runs do not change: that is the point.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from escalation.montecarlo.batch import run_batch
from escalation.montecarlo.chunk import FAILED
from escalation.montecarlo.results import Results
from escalation.scenario.compiled import Scenario

Z95 = 1.959963984540054


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

    def format(self) -> str:
        """The differences as a plain-text table."""
        rows = self.differences
        n = int(rows["paired_runs"].iloc[0]) if len(rows) else 0
        lines = [f"{self.variant.scenario} vs {self.base.scenario}: {n:,} paired runs (seed "
                 f"{self.base.seed}), {self.changed_runs:,} changed outcome",
                 f"  {'outcome':<22} {'base':>7} {'variant':>8} {'difference':>11}   "
                 f"95% interval (paired)     independent ±   tighter"]
        for outcome, r in rows.iterrows():
            tighter = "exact" if r["half_width"] == 0 else f"{r['tighter']:.1f}x"
            lines.append(
                f"  {outcome!s:<22} {r['base']:>7.3f} {r['variant']:>8.3f} {r['difference']:>+11.3f}"
                f"   [{r['ci_low']:+.3f}, {r['ci_high']:+.3f}]      ±{r['independent_half_width']:.3f}"
                f"   {tighter:>8}")
        return "\n".join(lines)


def compare(base: Scenario, variant: Scenario, runs: int, seed: int = 0, **batch: Any) -> Comparison:
    """Run both versions with the same seed (common random numbers) and pair them by run.

    ``batch`` passes options to ``run_batch`` (workers, backend, sample, ...); ``out`` is not
    accepted here: write each side's folder with ``run_batch`` if you need the files."""
    if "out" in batch:
        raise ValueError("compare keeps both batches in memory; run each with run_batch(out=...) "
                         "to write their folders")
    first = run_batch(base, runs, seed, **batch)
    second = run_batch(variant, runs, seed, **batch)
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
    interval, the half-width two independent batches of this size would have, and the ratio.

    The interval is the normal one for a mean of paired differences; it is exactly zero when
    no run changes. ``discordant`` counts the runs that moved into or out of the class."""
    n = len(base)
    rows = []
    for outcome in outcomes:
        b = (base.to_numpy() == outcome).astype(float)
        v = (variant.to_numpy() == outcome).astype(float)
        d = v - b
        mean = float(d.mean()) if n else math.nan
        half = Z95 * float(d.std(ddof=1)) / math.sqrt(n) if n > 1 else math.nan
        pb, pv = float(b.mean()) if n else math.nan, float(v.mean()) if n else math.nan
        independent = Z95 * math.sqrt((pb * (1 - pb) + pv * (1 - pv)) / n) if n else math.nan
        rows.append({"outcome": outcome, "base": pb, "variant": pv, "difference": mean,
                     "ci_low": mean - half, "ci_high": mean + half, "half_width": half,
                     "independent_half_width": independent,
                     "tighter": independent / half if half > 0 else math.inf,
                     "discordant": int(np.count_nonzero(d)), "paired_runs": n})
    return pd.DataFrame(rows).set_index("outcome")


def _pairs(base: Results, variant: Results) -> pd.DataFrame:
    left = base.runs[["run", "outcome"]].astype({"outcome": str})
    right = variant.runs[["run", "outcome"]].astype({"outcome": str})
    pairs = left.merge(right, on="run", suffixes=("_base", "_variant"))
    pairs = pairs[(pairs["outcome_base"] != FAILED) & (pairs["outcome_variant"] != FAILED)]
    return pd.DataFrame({"run": pairs["run"].to_numpy(), "base": pairs["outcome_base"].to_numpy(),
                         "variant": pairs["outcome_variant"].to_numpy()})
