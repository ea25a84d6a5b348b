"""Figures of a batch's outcomes: their probabilities, and how the estimates settled.

Every figure is built on its own ``Figure`` (never pyplot's global state), so figures can be
made headless and in threads. Each outcome keeps one colour across figures, in the scenario's
order (``palette``); probabilities always come with their 95% Wilson interval.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from escalation.montecarlo.results import Results
from escalation.montecarlo.stats import Z95
from escalation.plotting.palette import INTERVAL_ALPHA, outcome_colours

MAX_POINTS = 2000  # points per line: beyond this a line is subsampled (a million runs plot fast)
SIZE = (8.0, 4.8)  # inches


def batch_line(results: Results) -> str:
    """'300 runs, seed 1', with failed runs and early stops noted."""
    parts = [f"{len(results.completed):,} runs", f"seed {results.seed}"]
    if results.failures:
        parts.append(f"{results.failures:,} failed run{'s' if results.failures > 1 else ''} "
                     "excluded")
    if results.stopped_by != "runs":
        parts.append(f"stopped by {results.stopped_by}")
    return ", ".join(parts)


def new_axes(results: Results, what: str) -> tuple[Figure, Axes]:
    figure = Figure(figsize=SIZE, layout="constrained")
    axes = figure.add_subplot()
    axes.set_title(f"{results.scenario}: {what}\n{batch_line(results)}")
    return figure, axes


def no_data(axes: Axes, message: str) -> None:
    axes.text(0.5, 0.5, message, transform=axes.transAxes, ha="center", va="center",
              fontsize=12, color="0.4")


def outcome_chart(results: Results) -> Figure:
    """Each outcome's probability as a bar, in the scenario's order, with its 95% interval."""
    figure, axes = new_axes(results, "outcome probabilities")
    summary = results.summary()
    colours = outcome_colours(results)
    names = list(summary.index)
    x = np.arange(len(names))
    p = summary["probability"].to_numpy(dtype=float)
    low, high = summary["ci_low"].to_numpy(dtype=float), summary["ci_high"].to_numpy(dtype=float)
    total = len(results.completed)
    shown = np.nan_to_num(p)  # no completed runs: empty bars
    bars = axes.bar(x, shown, width=0.6, color=[colours[n] for n in names], alpha=0.85,
                    yerr=np.vstack([shown - low, high - shown]) if total else None,
                    capsize=6, error_kw={"elinewidth": 1.4, "ecolor": "0.15"})
    for bar, name in zip(bars, names, strict=True):
        bar.set_gid(f"bar-{name}")
    if total:
        for i, name in enumerate(names):
            axes.annotate(f"{p[i]:.1%}\n[{low[i]:.1%}, {high[i]:.1%}]", (x[i], high[i]),
                          xytext=(0, 4), textcoords="offset points", ha="center", va="bottom",
                          fontsize=9, gid=f"label-{name}")
        axes.set_ylim(0, min(1.0, float(high.max())) * 1.22 + 0.02)
    else:
        no_data(axes, "no completed runs")
        axes.set_ylim(0, 1)
    counts = [f"{name}\n{int(runs):,} runs" for name, runs in summary["runs"].items()]
    axes.set_xticks(x, counts, rotation=0 if len(names) <= 5 else 30,
                    ha="center" if len(names) <= 5 else "right")
    axes.set_xlabel("outcome class")
    axes.set_ylabel("probability (bars: 95% Wilson interval)")
    axes.yaxis.set_major_formatter(PercentFormatter(xmax=1))
    axes.grid(axis="y", alpha=0.3)
    axes.set_axisbelow(True)
    return figure


def running_wilson(hits: np.ndarray, trials: np.ndarray, z: float = Z95
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Estimates and 95% Wilson intervals for arrays of (hits, trials), as ``wilson`` computes
    them one at a time (exact ends at 0 and 1 hits), without a Python loop."""
    hits = np.asarray(hits, dtype=float)
    trials = np.asarray(trials, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = hits / trials
        denominator = 1 + z * z / trials
        centre = (p + z * z / (2 * trials)) / denominator
        half = z * np.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    low = np.where(hits <= 0, 0.0, np.maximum(0.0, centre - half))
    high = np.where(hits >= trials, 1.0, np.minimum(1.0, centre + half))
    none = trials <= 0
    return np.where(none, np.nan, p), np.where(none, 0.0, low), np.where(none, 1.0, high)


def plotted_points(count: int, limit: int = MAX_POINTS) -> np.ndarray:
    """Indices 0 .. count-1, or at most ``limit`` of them evenly spread on a log scale (the
    first and the last kept), as the convergence chart's run axis is."""
    if count <= limit:
        return np.arange(count)
    return np.unique(np.geomspace(1, count, limit).round().astype(np.int64)) - 1


def running_estimates(results: Results) -> dict[str, Any]:
    """Each outcome's running estimate and interval after 1, 2, ... completed runs in run
    order (subsampled beyond MAX_POINTS): {"runs": x, outcome: (p, low, high), ...}."""
    done = results.completed
    if "run" in done.columns:
        done = done.sort_values("run", kind="stable")
    outcomes = done["outcome"].astype(str).to_numpy()
    index = plotted_points(len(outcomes))
    trials = index + 1
    estimates: dict[str, Any] = {"runs": trials}
    for name in results.summary().index:
        hits = np.cumsum(outcomes == name)[index]
        estimates[name] = running_wilson(hits, trials)
    return estimates


def convergence_chart(results: Results) -> Figure:
    """Each outcome's probability estimate as the runs accumulate (log scale), with its 95%
    band: flat lines inside narrow bands mean more runs would not change the picture."""
    figure, axes = new_axes(results, "convergence of the outcome probabilities")
    estimates = running_estimates(results)
    runs = estimates["runs"]
    colours = outcome_colours(results)
    if len(runs) == 0:
        no_data(axes, "no completed runs")
    for name, (p, low, high) in ((k, v) for k, v in estimates.items() if k != "runs"):
        if len(runs):
            axes.fill_between(runs, low, high, color=colours[name], alpha=INTERVAL_ALPHA, linewidth=0,
                              gid=f"interval-{name}")
            axes.plot(runs, p, color=colours[name], linewidth=1.6, gid=f"estimate-{name}",
                      label=f"{name}: {p[-1]:.1%} [{low[-1]:.1%}, {high[-1]:.1%}]")
    axes.set_ylim(0, 1)
    if len(runs):
        axes.set_xscale("log")
        axes.set_xlim(1, max(2, int(runs[-1])))
        axes.legend(loc="best", fontsize=9, title="final estimate [95% Wilson interval]",
                    title_fontsize=9)
    axes.set_xlabel("completed runs, in run order (log scale)")
    axes.set_ylabel("running probability estimate")
    axes.yaxis.set_major_formatter(PercentFormatter(xmax=1))
    axes.xaxis.set_major_formatter("{x:,.0f}")
    axes.grid(alpha=0.3)
    return figure
