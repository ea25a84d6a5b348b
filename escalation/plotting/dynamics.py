"""Figures of how crises unfold over time: the top rung and tension as fan charts, when
outcomes happen and rungs are first reached, and which rung leads to which.

Days run from the start of the crisis. Every probability comes with its 95% interval:
Wilson for shares of runs, Greenwood (log(-log)) for Kaplan–Meier curves.
"""

from __future__ import annotations

from itertools import cycle

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from escalation.analysis.ladder import rung_bands, rung_days, tension_bands, transition_matrix
from escalation.analysis.survival import first_passage, time_to_outcome
from escalation.montecarlo.results import Results
from escalation.montecarlo.stats import wilson
from escalation.plotting.distributions import share_axes
from escalation.plotting.outcomes import SIZE, batch_line, new_axes, no_data
from escalation.plotting.palette import INTERVAL_ALPHA, NEUTRAL, outcome_colours, rung_colours
from escalation.scenario.compiled import Scenario

FAN_SIZE = (8.0, 6.0)  # inches: the fan over the share still running
FAN_COLOUR = NEUTRAL  # a fan shows all runs: no outcome's, no actor's colour
LINE_STYLES = ("-", "--", "-.", ":")  # rungs: grey shades and dashes, in order
MARGIN = 0.03  # of the horizon, right of it: a jump on the last day stays inside the frame
DAYS = "days since the start of the crisis"
KM_LEGEND = ("by the last day [95% Kaplan–Meier interval, Greenwood log(−log); the outcome "
             "table's Wilson interval may differ in the last digit]")


def rung_fan_chart(results: Results, scenario: Scenario | None = None) -> Figure:
    """The top rung over time: median, the middle 50% and 90% of runs, and below it the
    share of runs still running. Ended runs stay at their last rung. With the scenario,
    rungs are named."""
    figure, fan, _ = _fan(results, "top rung of the escalation ladder over time",
                          rung_bands(results), steps=True)
    fan.set_ylabel("top rung reached")
    rungs = len(scenario.ladder.rungs) if scenario else int(rung_days(results).shape[1]) + 1
    fan.set_ylim(-0.3, rungs - 0.7)
    if scenario is not None:
        fan.set_yticks(range(rungs), [f"{k} {name}" for k, name in enumerate(scenario.ladder.rungs)])
    else:
        fan.set_yticks(range(rungs))
    return figure


def tension_fan_chart(scenario: Scenario, results: Results, runs: int = 500) -> Figure:
    """Tension over time, rebuilt from the events of the first ``runs`` runs: median, the
    middle 50% and 90% of runs, and the share still running. Ended runs keep their last
    value."""
    bands = tension_bands(scenario, results, runs=runs)
    shown = min(runs, len(results.completed))
    figure, fan, _ = _fan(results, f"tension over time (first {shown:,} runs)", bands,
                          steps=False)
    fan.set_ylabel("tension")
    fan.set_ylim(bottom=0)
    return figure


def survival_chart(results: Results, outcomes: list[str] | None = None) -> Figure:
    """For each outcome class, the probability that a run has ended in it by each day
    (1 - Kaplan–Meier survival, which here equals the cumulative share), with its 95% band."""
    figure, axes = new_axes(results, "when the outcomes happen")
    done = results.completed
    colours = outcome_colours(results)
    horizon = _horizon(results)
    present = set(done["outcome"].astype(str))
    names = outcomes if outcomes is not None else [n for n in colours if n in present]
    for name in names:
        _cumulative(axes, time_to_outcome(results, name, horizon), horizon,
                    colours.get(name, "0.3"), f"outcome-{name}", name)
    _finish_cumulative(axes, figure, horizon, drawn=bool(names) and len(done) > 0,
                       ylabel="probability that the run has ended in the outcome")
    return figure


def first_passage_chart(results: Results, scenario: Scenario | None = None) -> Figure:
    """For each rung, the probability that the crisis has reached it (or higher) by each day,
    with its 95% band. Rungs always reached on the same day as the one above share a line."""
    figure, axes = new_axes(results, "when the crisis first reaches each rung")
    first = rung_days(results)
    horizon = _horizon(results)
    groups = _same_day_groups(first)
    shades = rung_colours(len(groups))  # the drawn curves' greys span light to black
    for (low, high), shade, style in zip(groups, shades, cycle(LINE_STYLES), strict=False):
        name = f" {scenario.ladder.rungs[high]}" if scenario is not None else ""
        label = f"≥ rung {high}{name}" + (f" (rungs {low}–{high} the same day)" if low < high else "")
        _cumulative(axes, first_passage(results, high, horizon), horizon, shade,
                    f"rung-{high}", label, style)
    _finish_cumulative(axes, figure, horizon, drawn=bool(groups),
                       ylabel="probability that the crisis has reached the rung")
    return figure


def transition_heatmap(results: Results, scenario: Scenario | None = None) -> Figure:
    """Which top rung leads to which: each row's shares (with their 95% intervals and counts)
    of the runs that stood on a rung, by the next rung they reached or where they ended.
    Rungs no run stood on, or moved to, are left out."""
    figure, axes = new_axes(results, "transitions between rungs")
    figure.set_size_inches(SIZE[0], SIZE[1] * 1.35)
    counts = transition_matrix(results)
    counts = counts.loc[counts.sum(axis=1) > 0, counts.sum(axis=0) > 0]
    if counts.empty:
        no_data(axes, "no completed runs")
        return figure
    table = counts.to_numpy()
    totals = table.sum(axis=1)
    shares = table / totals[:, None]
    image = axes.imshow(shares, cmap="Greys", vmin=0, vmax=1, aspect="auto", gid="shares")
    for i, source in enumerate(counts.index):
        for j, target in enumerate(counts.columns):
            count = int(table[i, j])
            if count == 0:
                continue
            low, high = wilson(count, int(totals[i]))
            axes.text(j, i, f"{shares[i, j]:.0%}\n[{low:.0%}, {high:.0%}]\n{count:,} runs",
                      ha="center", va="center", fontsize=7, gid=f"cell-{source}-{target}",
                      color="white" if shares[i, j] > 0.5 else "black")
    axes.set_xticks(range(len(counts.columns)), [_rung_label(c, scenario) for c in counts.columns],
                    rotation=30, ha="right", fontsize=8)
    axes.set_yticks(range(len(counts.index)),
                    [f"{_rung_label(r, scenario)}\n({int(t):,} runs)"
                     for r, t in zip(counts.index, totals, strict=True)], fontsize=8)
    axes.set_xlabel("next top rung (or the end of the run)")
    axes.set_ylabel("top rung")
    figure.colorbar(image, ax=axes, label="share of the row's runs",
                    format=PercentFormatter(xmax=1))
    return figure


# -- pieces ----------------------------------------------------------------------------------
def _fan(results: Results, what: str, bands: pd.DataFrame, steps: bool
         ) -> tuple[Figure, Axes, Axes]:
    """A fan chart over a panel of the share of runs still running, on shared days."""
    figure = Figure(figsize=FAN_SIZE, layout="constrained")
    fan, running = figure.subplots(2, 1, sharex=True, height_ratios=[3, 1])
    fan.set_title(f"{results.scenario}: {what}\n{batch_line(results)}")
    days = bands["day"].to_numpy(dtype=float)
    step = {"step": "post"} if steps else {}
    line = {"drawstyle": "steps-post"} if steps else {}
    if len(results.completed) == 0:
        no_data(fan, "no completed runs")
    else:
        fan.fill_between(days, bands["p05"], bands["p95"], color=FAN_COLOUR, alpha=0.18,
                         linewidth=0, gid="band-90", label="90% of runs", **step)
        fan.fill_between(days, bands["p25"], bands["p75"], color=FAN_COLOUR, alpha=0.38,
                         linewidth=0, gid="band-50", label="50% of runs", **step)
        fan.plot(days, bands["median"], color=FAN_COLOUR, linewidth=2, gid="median",
                 label="median", **line)
        fan.plot(days, bands["mean"], color="0.25", linewidth=1, linestyle="--", gid="mean",
                 label="mean")
        fan.legend(loc="best", fontsize=9)
        running.fill_between(days, bands["running_low"], bands["running_high"], color="0.3",
                             alpha=0.2, linewidth=0, gid="running-interval")
        running.plot(days, bands["running"], color="0.2", linewidth=1.4, gid="running")
    fan.grid(alpha=0.3)
    running.set_ylim(0, 1.02)
    running.set_ylabel("still running\n(95% interval)")
    running.yaxis.set_major_formatter(PercentFormatter(xmax=1))
    running.set_xlabel(DAYS)
    running.set_xlim(0, max(float(days.max(initial=0.0)), 1.0))
    running.grid(alpha=0.3)
    return figure, fan, running


def _cumulative(axes: Axes, table: pd.DataFrame, horizon: float, colour: object, gid: str,
                label: str, style: str = "-") -> None:
    """1 - S(t) of a Kaplan–Meier table as steps from day 0 to the horizon, with its band,
    and a dot at its last value on the horizon; one that only happens on the horizon is
    labelled so, as its whole curve is a jump at the right edge."""
    times = np.r_[0.0, table["time"].to_numpy(dtype=float), horizon]
    estimate = 1 - table["survival"].to_numpy(dtype=float)
    low = 1 - table["ci_high"].to_numpy(dtype=float)
    high = 1 - table["ci_low"].to_numpy(dtype=float)
    y, y_low, y_high = (np.r_[0.0, v, v[-1] if v.size else 0.0] for v in (estimate, low, high))
    axes.fill_between(times, y_low, y_high, step="post", color=colour, alpha=INTERVAL_ALPHA,
                      linewidth=0, gid=f"interval-{gid}")
    if not table.size:
        final = "never"
    elif np.isnan(y_low[-1]):  # S = 0: every run had it, and the interval is undefined
        final = f"{y[-1]:.1%} (every run)"
    else:
        final = f"{y[-1]:.1%} [{y_low[-1]:.1%}, {y_high[-1]:.1%}]"
    axes.plot(times, y, drawstyle="steps-post", color=colour, linewidth=1.8, gid=gid,
              linestyle=style, label=f"{label}: {final}")
    # The last value as a dot on the horizon: an outcome that only happens there (a run
    # classified when time runs out) is a vertical jump at the very end, easy to miss.
    axes.plot([horizon], [y[-1]], marker="o", markersize=5, color=colour, linestyle="none",
              gid=f"end-{gid}")
    if table.size and y[-1] > 0 and float(table["time"].min()) >= horizon:
        axes.annotate(f"{label}: all on the last day", (horizon, y[-1]), xytext=(-8, 0),
                      textcoords="offset points", ha="right", va="center", fontsize=8,
                      color=colour, gid=f"horizon-{gid}",
                      bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 1})


def _finish_cumulative(axes: Axes, figure: Figure, horizon: float, drawn: bool, ylabel: str
                       ) -> None:
    if drawn:
        figure.legend(loc="outside lower center", ncols=2, fontsize=8, frameon=False,
                      title=KM_LEGEND, title_fontsize=8)
    else:
        no_data(axes, "no completed runs")
    axes.set_xlim(0, max(horizon, 1.0) * (1 + MARGIN))
    share_axes(axes, DAYS, ylabel)


def _horizon(results: Results) -> float:
    durations = results.completed["duration_days"].to_numpy(dtype=float)
    return float(np.nanmax(durations, initial=0.0))


def _same_day_groups(first: np.ndarray) -> list[tuple[int, int]]:
    """(lowest, highest) rungs reached by some run, grouped where every run reached them on
    the same day (identical first-passage curves)."""
    groups: list[tuple[int, int]] = []
    for k in range(first.shape[1]):
        if np.isnan(first[:, k]).all():
            continue
        if groups and groups[-1][1] == k and np.array_equal(first[:, k - 1], first[:, k],
                                                            equal_nan=True):
            groups[-1] = (groups[-1][0], k + 1)
        else:
            groups.append((k + 1, k + 1))
    return groups


def _rung_label(rung: object, scenario: Scenario | None) -> str:
    if scenario is None or not isinstance(rung, int | np.integer):
        return str(rung)
    return f"{rung} {scenario.ladder.rungs[int(rung)]}"
