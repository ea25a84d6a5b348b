"""Figures of an ABC-SMC calibration: the posterior against the prior, and how the tolerance
closed in over the generations (``escalation.analysis.posterior``)."""

from __future__ import annotations

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from escalation.analysis.calibration import SharedParameter
from escalation.analysis.posterior import Posterior
from escalation.plotting.pairs import pair_grid
from escalation.plotting.palette import NEUTRAL, NEUTRAL_LIGHT, OTHER

BINS = 20
POSTERIOR = "0.1"


def posterior_pairs(result: Posterior) -> Figure:
    """The posterior of each shared parameter over its prior range. One parameter: the
    posterior's weighted histogram beside the prior's draws, with the posterior's median and
    central interval. Two or more: a pair plot of the
    posterior's particles, each as large as its weight, over the prior's faint ones, the
    diagonal the posterior's weighted histogram beside the prior's."""
    if len(result.parameters) == 1:
        return _marginal(result)
    return _pairs(result)


def tolerance_by_generation(result: Posterior) -> Figure:
    """Per generation: the tolerance particles met, and the share of candidates accepted
    (with the effective sample size): how far the search closed in, and what it cost."""
    steps = result.steps()
    later = steps[steps["generation"] > 0]
    figure = Figure(figsize=(8.0, 3.8), layout="constrained")
    left, right = figure.subplots(1, 2)
    left.plot(later["generation"], later["epsilon"], marker="o", color=NEUTRAL, gid="epsilon")
    left.set(xlabel="generation", ylabel="tolerance (distance accepted)",
             title="tolerance (generation 0: the prior, all accepted)")
    right.bar(steps["generation"], steps["acceptance"], color=NEUTRAL_LIGHT, gid="acceptance")
    for _, row in steps.iterrows():
        right.annotate(f"ESS {row['ess']:.0f}", (row["generation"], row["acceptance"]),
                       ha="center", va="bottom", fontsize=7)
    right.axhline(result.min_acceptance, color="black", linestyle="--", linewidth=1,
                  label=f"least acceptance {result.min_acceptance:g}")
    right.set(xlabel="generation", ylabel="share of candidates accepted", ylim=(0, 1.1),
              title="acceptance and effective sample size")
    right.legend(fontsize=8, loc="upper right")
    for axes in (left, right):
        axes.set_xticks(steps["generation"])
    figure.suptitle(_headline(result))
    return figure


POSTERIOR_FIGURES = {"posterior_pairs": posterior_pairs,
                     "tolerance_by_generation": tolerance_by_generation}


def _marginal(result: Posterior) -> Figure:
    [parameter] = result.parameters
    figure = Figure(figsize=(7.0, 4.6), layout="constrained")
    axes = figure.add_subplot()
    prior = result.particles[result.particles["generation"] == 0]
    last = result.last
    axes.hist(prior[parameter.pattern], bins=BINS, range=(parameter.low, parameter.high),
              density=True, histtype="step", color=NEUTRAL, label="prior (generation 0's draws)",
              gid="prior")
    axes.hist(last[parameter.pattern], bins=BINS, range=(parameter.low, parameter.high),
              weights=last["weight"], density=True, color=NEUTRAL_LIGHT, edgecolor="white",
              label=f"posterior (generation {int(last['generation'].iloc[0])}, weighted)",
              gid="posterior")
    row = result.summary().iloc[0]
    axes.axvline(row["median"], color="black", linewidth=1.2, label=f"median {row['median']:.3g}")
    for edge in ("low", "high"):
        axes.axvline(row[edge], color="black", linestyle="--", linewidth=1)
    axes.plot([], [], color="black", linestyle="--", linewidth=1,
              label=f"{row['level']:.0%} interval [{row['low']:.3g}, {row['high']:.3g}]")
    axes.set(xlim=(parameter.low, parameter.high), xlabel=parameter.pattern,
             ylabel="density (weighted)", title=_headline(result))
    axes.legend(fontsize=8, loc="best")
    return figure


def _pairs(result: Posterior) -> Figure:
    last = result.last
    prior = result.particles[result.particles["generation"] == 0]
    sizes = 4.0 + 60.0 * last["weight"].to_numpy(dtype=float) / last["weight"].max()
    def off_diagonal(axes: Axes, row: SharedParameter, column: SharedParameter) -> None:
        axes.scatter(prior[column.pattern], prior[row.pattern], color=OTHER, s=6, linewidths=0,
                     gid="prior")
        axes.scatter(last[column.pattern], last[row.pattern], color=POSTERIOR, s=sizes,
                     alpha=0.5, linewidths=0, gid="posterior")

    figure, _ = pair_grid(result.parameters, lambda axes, p: _diagonal(
        axes, prior, last, p.pattern, p.low, p.high), off_diagonal)
    figure.legend(handles=[
        Line2D([], [], marker="o", linestyle="none", color=OTHER, label="prior (generation 0)"),
        Line2D([], [], marker="o", linestyle="none", color=POSTERIOR, alpha=0.5,
               label="posterior particles (area: weight)"),
        Patch(color=NEUTRAL_LIGHT, label="diagonal: posterior, weighted"),
        Line2D([], [], color=NEUTRAL, label="diagonal: prior")],
        loc="outside lower center", ncols=2, fontsize=8)
    figure.suptitle(_headline(result))
    return figure


def _diagonal(axes: Axes, prior: pd.DataFrame, last: pd.DataFrame, pattern: str, low: float,
              high: float) -> None:
    axes.hist(last[pattern], bins=BINS, range=(low, high), weights=last["weight"], density=True,
              color=NEUTRAL_LIGHT, edgecolor="white", gid="posterior-values")
    axes.hist(prior[pattern], bins=BINS, range=(low, high), density=True, histtype="step",
              color=NEUTRAL, gid="prior-values")
    axes.set_yticks([])


def _episodes(count: int) -> str:
    return f"{count} episode" + ("" if count == 1 else "s")


def _headline(result: Posterior) -> str:
    steps = result.steps()
    final = steps.iloc[-1]
    return (f"ABC-SMC over {_episodes(len(result.episodes))}: {int(final['particles'])} particles\n"
            f"generation {int(final['generation'])}, tolerance {final['epsilon']:.3g}, "
            f"{int(steps['proposed'].sum())} candidates run")


__all__ = ["POSTERIOR_FIGURES", "posterior_pairs", "tolerance_by_generation"]
