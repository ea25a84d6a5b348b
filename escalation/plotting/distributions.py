"""Figures of how a batch's runs spread: how long crises last, how many die on each side."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from escalation.montecarlo.results import Results
from escalation.plotting.outcomes import MAX_POINTS, new_axes, no_data
from escalation.plotting.palette import NEUTRAL, actor_colours, outcome_colours

HEADROOM = 1.06  # top of a 0-100% axis: a curve at 100% stays off the frame


def ecdf(values: np.ndarray | pd.Series, complementary: bool = False, limit: int = MAX_POINTS
         ) -> tuple[np.ndarray, np.ndarray]:
    """Distinct values x (NaNs dropped) and the share of values <= x (or > x when
    ``complementary``), to draw as steps; beyond ``limit`` distinct values, at ``limit``
    evenly spaced quantiles instead."""
    data = np.sort(np.asarray(values, dtype=float))
    data = data[~np.isnan(data)]
    if data.size == 0:
        return np.empty(0), np.empty(0)
    x = np.unique(data)
    if x.size > limit:
        x = np.unique(np.quantile(data, np.linspace(0, 1, limit), method="inverted_cdf"))
    share = np.searchsorted(data, x, side="right") / data.size
    return x, (1 - share if complementary else share)


def duration_chart(results: Results) -> Figure:
    """How long runs last, by outcome class: one ECDF per outcome that occurred."""
    figure, axes = new_axes(results, "duration of the crisis by outcome")
    done = results.completed
    colours = outcome_colours(results)
    outcomes = done["outcome"].astype(str)
    days = done["duration_days"] if "duration_days" in done.columns else pd.Series(dtype=float)
    drawn = 0
    for name in colours:
        x, y = ecdf(days[outcomes == name])
        if x.size == 0:
            continue
        median = float(np.median(days[outcomes == name].dropna()))
        axes.plot(np.r_[x[0], x], np.r_[0.0, y], drawstyle="steps-post", color=colours[name],
                  linewidth=1.8, gid=f"duration-{name}",
                  label=f"{name} ({int((outcomes == name).sum()):,} runs, median {median:.0f} d)")
        drawn += 1
    if drawn:
        axes.legend(loc="best", fontsize=9)
        axes.set_xlim(left=0)
    else:
        no_data(axes, "no completed runs")
    share_axes(axes, "duration (days)", "share of the outcome's runs ended by then")
    return figure


def deaths_chart(results: Results) -> Figure:
    """Deaths by side: for each actor with any deaths, the share of runs with more than x
    deaths (x on a symmetric log scale, so zero and the tail both show)."""
    figure, axes = new_axes(results, "deaths by side")
    done = results.completed
    columns = [c for c in done.columns if c.startswith("deaths.")]
    colours = actor_colours(results)
    drawn = 0
    for column in columns:
        deaths = done[column].to_numpy(dtype=float)
        if not np.nanmax(deaths, initial=0.0) > 0:
            continue
        x, y = ecdf(deaths, complementary=True)
        median, high = np.nanpercentile(deaths, [50, 95])
        if x[0] > 0:  # every run has more than x deaths below the fewest
            x, y = np.r_[0.0, x], np.r_[1.0, y]
        axes.plot(x, y, drawstyle="steps-post", color=colours[column[7:]], linewidth=1.8,
                  gid=f"deaths-{column[7:]}",
                  label=f"{column[7:]} (median {median:,.0f}, 95th pct {high:,.0f}, "
                        f"max {np.nanmax(deaths):,.0f})")
        drawn += 1
    if drawn:
        axes.set_xscale("symlog", linthresh=1, linscale=0.6)
        axes.set_xlim(left=0)
        axes.xaxis.set_major_formatter("{x:,.0f}")
        # Below the axes: curves start at the top left and run out to the right.
        figure.legend(loc="outside lower center", ncols=2, fontsize=9, frameon=False)
    else:
        no_data(axes, "no deaths in any run" if len(done) else "no completed runs")
    share_axes(axes, "deaths in a run (symmetric log scale)", "share of runs with more than x deaths")
    return figure


def share_axes(axes: Axes, xlabel: str, ylabel: str) -> None:
    """The frame of a share-of-runs chart: 0 to 100% with headroom (a curve at 100% would
    otherwise lie on the frame and vanish), labels, grid."""
    axes.set_ylim(0, HEADROOM)
    axes.set_yticks(np.linspace(0, 1, 6))
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    axes.yaxis.set_major_formatter(PercentFormatter(xmax=1))
    axes.grid(alpha=0.3)


def exchanges_chart(results: Results) -> Figure:
    """How many kinetic acts (strikes, attacks, killings) a run has: the share of runs with
    each count, stacked by outcome class, so it shows which outcomes the long exchanges end in."""
    figure, axes = new_axes(results, "kinetic acts per run (strikes, attacks, killings)")
    done = results.completed
    if done.empty or "kinetic_acts" not in done.columns:
        no_data(axes, "no completed runs")
        return figure
    counts = done["kinetic_acts"].to_numpy(dtype=int)
    outcomes = done["outcome"].astype(str).to_numpy()
    x = np.arange(int(counts.max()) + 1)
    bottom = np.zeros(x.size)
    for name, shade in outcome_colours(results).items():
        share = np.bincount(counts[outcomes == name], minlength=x.size) / len(done)
        if share.any():
            axes.bar(x, share, bottom=bottom, color=shade, label=name, gid=f"exchanges-{name}")
            bottom += share
    mean = counts.mean()
    axes.axvline(mean, color=NEUTRAL, linestyle="--", linewidth=1, label=f"mean {mean:.1f}")
    axes.set_ylim(0, float(bottom.max()) * 1.12)  # the tallest bar ends below the frame
    axes.set_xlim(-0.7, x.size - 0.3)
    axes.set_xlabel("kinetic acts in a run (the scripted opening included)")
    axes.set_ylabel("share of runs")
    axes.yaxis.set_major_formatter(PercentFormatter(xmax=1))
    axes.legend(loc="best", fontsize=9)
    axes.grid(alpha=0.3, axis="y")
    return figure
