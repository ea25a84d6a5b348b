"""Figures of scenario discovery: PRIM's trade-off between coverage and density, and the
ranges of the parameters that its chosen box restricts."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from escalation.analysis.discovery import PrimResult
from escalation.plotting.outcomes import no_data
from escalation.plotting.palette import NEUTRAL, OTHER, colours_for

PRIM_SIZE = (12.0, 5.0)  # inches


def prim_chart(result: PrimResult) -> Figure:
    """Left: each peeling step's coverage and density (with density's 95% Wilson interval),
    the chosen box marked. Right: the chosen box's range of each restricted parameter
    (coloured) within the parameter's full range in the runs (grey), on a common 0–1 scale."""
    figure = Figure(figsize=PRIM_SIZE, layout="constrained")
    curve, ranges = figure.subplots(1, 2, width_ratios=[1, 1.2])
    figure.suptitle(f"{result.scenario}: which assumptions lead to '{result.outcome}' (PRIM)\n"
                    f"{result.runs:,} runs, {result.hits:,} ending in '{result.outcome}'"
                    f"{': a weak box' if result.weak else ''}")
    chosen = colours_for([result.outcome], result.outcomes)[result.outcome]  # as elsewhere
    steps = result.trajectory
    coverage = steps["coverage"].to_numpy(dtype=float)
    density = steps["density"].to_numpy(dtype=float)
    spread = np.vstack([density - steps["density_low"].to_numpy(dtype=float),
                        steps["density_high"].to_numpy(dtype=float) - density])
    curve.errorbar(coverage, density, yerr=spread, color=NEUTRAL, marker="o", markersize=3,
                   linewidth=1.2, elinewidth=0.8, capsize=0, gid="trajectory",
                   label="peeling steps (bars: 95% interval)")
    curve.plot([result.coverage], [result.density], marker="*", markersize=16, color=chosen,
               markeredgecolor="black", linestyle="none", gid="chosen", zorder=4,
               label=f"chosen box (step {result.step}): coverage {result.coverage:.1%}, "
                     f"density {result.density:.1%}")
    curve.set_xlim(max(0.0, float(np.nanmin(coverage, initial=1.0)) - 0.05), 1.02)
    curve.axhline(result.base_rate, color=NEUTRAL, linestyle=":", linewidth=1, gid="base-rate",
                  label=f"all runs: {result.base_rate:.1%}")
    top = float(np.nanmax(steps["density_high"].to_numpy(dtype=float), initial=result.base_rate))
    curve.set_ylim(0, min(1.02, top * 1.15 + 0.02))  # the densities, not 0-100%
    curve.set_xlabel(f"coverage: share of the '{result.outcome}' runs inside the box")
    curve.set_ylabel(f"density: share of the box's runs ending in '{result.outcome}'")
    curve.xaxis.set_major_formatter(PercentFormatter(xmax=1))
    curve.yaxis.set_major_formatter(PercentFormatter(xmax=1))
    # Below the axes: inside, some corner always holds the trajectory or the chosen box.
    curve.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), fontsize=8, frameon=False)
    curve.grid(alpha=0.3)
    curve.set_title("coverage–density trade-off", fontsize=10)

    box = result.box
    ranges.set_title(f"the chosen box: {len(box)} restricted parameter"
                     f"{'' if len(box) == 1 else 's'}", fontsize=10)
    if box.empty:
        no_data(ranges, "the chosen box restricts no parameter")
        ranges.set_yticks([])
    y = np.arange(len(box))[::-1]
    width = (box["original_high"] - box["original_low"]).to_numpy(dtype=float)
    start = (box["low"] - box["original_low"]).to_numpy(dtype=float) / width
    end = (box["high"] - box["original_low"]).to_numpy(dtype=float) / width
    ranges.barh(y, np.ones(len(box)), left=0, height=0.6, color=OTHER, gid="full-ranges",
                label="full range")
    ranges.barh(y, end - start, left=start, height=0.6, color=chosen, alpha=0.8,
                gid="box-ranges", label="chosen box")
    if not box.empty:
        ranges.set_yticks(y, [f"{str(r.parameter).removeprefix('param.')}\n[{r.low:.3g}, {r.high:.3g}]"
                              f" of [{r.original_low:.3g}, {r.original_high:.3g}]"
                              for r in box.itertuples()], fontsize=7)
    ranges.set_xlim(-0.05, 1.05)
    ranges.set_ylim(-0.8, max(len(box), 1) - 0.1)
    ranges.set_xlabel("position in the parameter's range (0: lowest run, 1: highest)")
    ranges.grid(axis="x", alpha=0.3)
    return figure
