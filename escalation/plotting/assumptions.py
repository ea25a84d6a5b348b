"""Figures of what changing assumptions does: counterfactual differences, sweeps, tornadoes.

Each takes the table its analysis function returns (``analysis.compare``, ``analysis.sweep``,
``analysis.sensitivity``) and draws every estimate with its 95% interval.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from escalation.analysis.compare import Comparison
from escalation.analysis.sensitivity import Sensitivity
from escalation.plotting.outcomes import SIZE
from escalation.plotting.palette import INTERVAL_ALPHA, NEUTRAL, NEUTRAL_LIGHT, colours_for

TOP = 15  # parameters shown in a tornado
SWING_OFFSET = 0.2  # a swing row's two bars: centres this far from the row's line ...
SWING_HEIGHT = 0.38  # ... and this tall, so they never overlap


def comparison_chart(comparison: Comparison, label: str = "variant") -> Figure:
    """Each outcome's paired difference (variant minus base) with its interval, and beside it
    the interval two independent batches of the same size would have had."""
    table = comparison.differences
    figure = Figure(figsize=SIZE, layout="constrained")
    axes = figure.add_subplot()
    y = np.arange(len(table))
    paired = np.vstack([table["difference"] - table["ci_low"], table["ci_high"] - table["difference"]])
    axes.errorbar(table["difference"], y, xerr=paired, fmt="o", color="black", capsize=4,
                  label="paired (common random numbers)")
    axes.errorbar(table["difference"], y + 0.25, xerr=table["independent_half_width"], fmt="none",
                  ecolor="0.6", capsize=3, label="independent batches, same size")
    axes.axvline(0, color="0.5", linewidth=0.8)
    axes.set_yticks(y, [str(i) for i in table.index])
    axes.invert_yaxis()
    axes.xaxis.set_major_formatter(PercentFormatter(1.0))
    axes.set_xlabel(f"change in probability ({label} minus base), 95% interval")
    n = int(table["paired_runs"].iloc[0]) if len(table) else 0
    axes.set_title(f"{comparison.base.scenario}: {label}\n{n:,} paired runs, seed "
                   f"{comparison.base.seed}, {comparison.changed_runs:,} changed outcome")
    axes.legend(loc="best", fontsize="small")
    return figure


def sweep_chart(table: pd.DataFrame, axes_paths: Sequence[str], outcome: str | None = None) -> Figure:
    """One swept field: each outcome's probability against it, with its interval band.
    Two fields: a heat map of one outcome's probability (default: the first in the table)."""
    if len(axes_paths) == 1:
        return _sweep_lines(table, axes_paths[0])
    return _sweep_heatmap(table, axes_paths[0], axes_paths[1],
                          outcome or str(table["outcome"].iloc[0]))


def _sweep_lines(table: pd.DataFrame, path: str) -> Figure:
    figure = Figure(figsize=SIZE, layout="constrained")
    axes = figure.add_subplot()
    names = [str(name) for name in dict.fromkeys(table["outcome"])]  # the scenario's order
    colours = colours_for(names, names)
    for outcome, rows in table.groupby("outcome", sort=False, observed=True):
        rows = rows.sort_values(path)
        x = rows[path].to_numpy(dtype=float)
        axes.fill_between(x, rows["ci_low"], rows["ci_high"], color=colours[str(outcome)],
                          alpha=INTERVAL_ALPHA, linewidth=0)
        axes.plot(x, rows["probability"], marker="o", color=colours[str(outcome)],
                  label=str(outcome))
    axes.set_xlabel(path)
    axes.set_ylabel("probability (95% interval)")
    axes.yaxis.set_major_formatter(PercentFormatter(1.0))
    axes.set_ylim(0, 1)
    axes.set_title(f"sweep of {path}\n{int(table['total'].iloc[0]):,} runs per point, "
                   "same seed at every point")
    axes.legend(loc="best", fontsize="small")
    return figure


def _sweep_heatmap(table: pd.DataFrame, x_path: str, y_path: str, outcome: str) -> Figure:
    rows = table[table["outcome"] == outcome]
    grid = rows.pivot_table(index=y_path, columns=x_path, values="probability")
    half = rows.assign(half=(rows["ci_high"] - rows["ci_low"]) / 2)["half"].max()
    figure = Figure(figsize=SIZE, layout="constrained")
    axes = figure.add_subplot()
    image = axes.imshow(grid.to_numpy(), origin="lower", aspect="auto", cmap="viridis", vmin=0,
                        vmax=max(float(np.nanmax(grid.to_numpy())), 1e-9))
    _label_ticks(axes, list(grid.columns), list(grid.index))
    for (i, j), value in np.ndenumerate(grid.to_numpy()):
        axes.text(j, i, f"{value:.0%}", ha="center", va="center", fontsize=7, color="white")
    figure.colorbar(image, ax=axes, label=f"P({outcome})", format=PercentFormatter(1.0))
    axes.set_xlabel(x_path)
    axes.set_ylabel(y_path)
    axes.set_title(f"P({outcome}) over two assumptions\neach cell within ±{half:.1%} (95%), "
                   f"{int(rows['total'].iloc[0]):,} runs per cell")
    return figure


def _label_ticks(axes: Axes, x: list[object], y: list[object]) -> None:
    axes.set_xticks(range(len(x)), [_short(v) for v in x], rotation=45)
    axes.set_yticks(range(len(y)), [_short(v) for v in y])


def _short(value: object) -> str:
    return f"{value:.3g}" if isinstance(value, float) else str(value)


def tornado_chart(sensitivity: Sensitivity) -> Figure:
    """Parameters ranked by total-order Sobol' index (or Morris mu*), with 95% intervals;
    beside each ST bar its first-order S1 with its own interval. A parameter whose index
    cannot be told from zero (its ST interval, or mu*'s, includes 0) is marked '(≈ 0)' in its label."""
    table = sensitivity.indices.head(TOP)
    figure = Figure(figsize=(SIZE[0] + 2, SIZE[1] + 0.6), layout="constrained")
    axes = figure.add_subplot()
    y = np.arange(len(table))
    if sensitivity.method == "sobol":
        axes.barh(y - 0.2, table["ST"], height=0.38, xerr=table["ST_conf"], color=NEUTRAL_LIGHT,
                  capsize=3, label="total order ST (with interactions), 95% interval")
        axes.barh(y + 0.2, table["S1"], height=0.38, xerr=table["S1_conf"], color=NEUTRAL,
                  capsize=3, label="first order S1 (alone), 95% interval")
        axes.set_xlabel(f"Sobol' index of P({sensitivity.outcome}) (share of its variance)")
    else:
        axes.barh(y, table["mu_star"], xerr=table["mu_star_conf"], color=NEUTRAL_LIGHT,
                  capsize=3, label="mu* (mean absolute effect), 95% interval")
        axes.set_xlabel(f"Morris mu*: mean absolute change in P({sensitivity.outcome}) "
                        "over a parameter's range")
    axes.axvline(0, color="black", linewidth=0.8)
    zero = sensitivity.indistinguishable()
    axes.set_yticks(y, [f"{name} (≈ 0)" if name in zero else str(name) for name in table.index],
                    fontsize="small")
    axes.invert_yaxis()
    figure.legend(loc="outside lower center", ncols=2, fontsize="small", frameon=False)
    ranked = "ST" if sensitivity.method == "sobol" else "mu*"
    shown = f"top {len(table)} of {len(sensitivity.indices)}" if len(table) < len(sensitivity.indices) \
        else f"all {len(table)}"
    axes.set_title(f"what moves P({sensitivity.outcome}) (base {sensitivity.base_probability:.1%}): "
                   f"{shown} parameters\n{sensitivity.method}, {sensitivity.runs:,} runs, chance "
                   f"shared within each base sample\n(≈ 0) after a name: its {ranked} interval includes 0",
                   fontsize=10)
    return figure


def swing_chart(swings: pd.DataFrame, outcome: str) -> Figure:
    """Classic tornado from one batch: P(outcome) among the runs in the lowest and in the
    highest fifth of each parameter, as bars from the overall probability, with intervals.

    Each row's two bars sit side by side (lowest fifth above, highest below), each with its
    own error bar: drawn on one line, two bars on the same side of the base would hide each
    other, and their intervals would merge into one."""
    table = swings.head(TOP)
    figure = Figure(figsize=(SIZE[0] + 2, SIZE[1] + 0.6), layout="constrained")
    axes = figure.add_subplot()
    base = float(table["base"].iloc[0]) if len(table) else 0.0
    y = np.arange(len(table))
    for column, offset, shade, label in (("p_low", -SWING_OFFSET, NEUTRAL_LIGHT, "lowest fifth"),
                                         ("p_high", SWING_OFFSET, NEUTRAL, "highest fifth")):
        error = np.vstack([table[column] - table[f"{column}_ci_low"],
                           table[f"{column}_ci_high"] - table[column]])
        bars = axes.barh(y + offset, table[column] - base, left=base, height=SWING_HEIGHT,
                         color=shade, label=f"{label} (95% Wilson interval)")
        for row, bar in enumerate(bars):
            bar.set_gid(f"bar-{column}-{row}")
        axes.errorbar(table[column], y + offset, xerr=error, fmt="none", ecolor="black",
                      capsize=2, elinewidth=0.9, gid=f"errors-{column}")
    axes.axvline(base, color="black", linewidth=0.8)
    axes.set_yticks(y, [str(name) for name in table.index], fontsize="small")
    axes.invert_yaxis()
    axes.xaxis.set_major_formatter(PercentFormatter(1.0))
    axes.set_xlabel(f"P({outcome}) among runs with the parameter in its lowest / highest fifth")
    axes.set_title(f"one assumption at a time: P({outcome}) = {base:.1%} overall")
    figure.legend(loc="outside lower center", ncols=2, fontsize="small", frameon=False)
    return figure
