"""Figures of a backtest: reliability of the class probabilities, the PIT histogram, and the
probability each forecaster gave the real class of each episode."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from escalation.analysis.backtest import FORECASTERS, Backtest
from escalation.plotting import save_figure
from escalation.plotting.palette import outcome_colour

RELIABILITY_BINS = 5
PIT_BINS = 10
LABELS = {"model": "model", "uniform": "uniform", "base_rate": "base rate (leave one out)"}


def reliability_chart(result: Backtest, bins: int = RELIABILITY_BINS) -> Figure:
    """Every (episode, class) forecast binned by probability: the share of them that came true
    against their mean probability. On the diagonal, the probabilities mean what they say;
    each point is labelled with how many forecasts it holds."""
    forecast = [p for e in result.episodes for p in e.forecasts["model"]]
    happened = [float(cls == e.real) for e in result.episodes for cls in e.classes]
    p, hit = np.array(forecast), np.array(happened)
    which = np.minimum((p * bins).astype(int), bins - 1)
    figure = Figure(figsize=(5.5, 5))
    ax = figure.add_subplot()
    ax.plot([0, 1], [0, 1], ls="--", color="grey", lw=1, label="perfect reliability")
    xs, ys, ns = [], [], []
    for b in range(bins):
        inside = which == b
        if inside.any():
            xs.append(p[inside].mean())
            ys.append(hit[inside].mean())
            ns.append(int(inside.sum()))
    ax.plot(xs, ys, marker="o", color=outcome_colour(0), label="model")
    for x, y, n in zip(xs, ys, ns, strict=True):
        ax.annotate(str(n), (x, y), textcoords="offset points", xytext=(5, -10), fontsize=8)
    ax.set(xlim=(0, 1), ylim=(0, 1), xlabel="forecast probability of a class (bin mean)",
           ylabel="share of those classes that happened",
           title="Reliability of the class probabilities")
    ax.legend(loc="upper left")
    return figure


def pit_histogram(result: Backtest, bins: int = PIT_BINS) -> Figure:
    """PIT values of every observed quantity: flat when the model's ranges are calibrated,
    piled at the ends when they are too narrow, in the middle when too wide."""
    pits = [f.pit for e in result.episodes for f in e.facts]
    figure = Figure(figsize=(6, 4))
    ax = figure.add_subplot()
    ax.hist(pits, bins=bins, range=(0, 1), color=outcome_colour(1), edgecolor="white")
    if pits:
        ax.axhline(len(pits) / bins, ls="--", color="grey", lw=1, label="uniform (calibrated)")
        ax.legend()
    ax.set(xlim=(0, 1), xlabel="PIT of the observed value in the model's distribution",
           ylabel="observed quantities", title=f"PIT histogram ({len(pits)} observed quantities)")
    return figure


def real_class_chart(result: Backtest) -> Figure:
    """For each episode, the probability each forecaster gave the class that happened."""
    names = [e.name for e in result.episodes]
    figure = Figure(figsize=(7, 0.45 * len(names) + 1.5))
    ax = figure.add_subplot()
    height = 0.8 / len(FORECASTERS)
    for k, forecaster in enumerate(FORECASTERS):
        ys = np.arange(len(names)) + (k - 1) * height
        ax.barh(ys, [e.probability(forecaster) for e in result.episodes], height=height,
                color=outcome_colour(k), label=LABELS[forecaster])
    ax.set_yticks(np.arange(len(names)), [f"{e.name} ({e.real})" for e in result.episodes])
    ax.invert_yaxis()
    ax.set(xlim=(0, 1), xlabel="probability of the real class",
           title="Probability of what really happened")
    ax.legend(loc="lower right", fontsize=8)
    figure.tight_layout()
    return figure


BACKTEST_FIGURES = {"reliability": reliability_chart, "pit": pit_histogram,
                    "real_class": real_class_chart}


def write_backtest_figures(result: Backtest, folder: str | os.PathLike[str]) -> list[Path]:
    """Every backtest figure as PNG and SVG in ``folder``."""
    paths = []
    for name, make in BACKTEST_FIGURES.items():
        paths += save_figure(make(result), folder, name)
    return paths
