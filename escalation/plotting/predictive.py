"""The figure of a posterior predictive check (``escalation.analysis.predictive``): each
episode's outcome-class probabilities with the real class highlighted, and the model's
distribution of each observed number with the observed value marked."""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FixedLocator, FuncFormatter

from escalation.analysis.predictive import LEVEL, EpisodeCheck, PredictiveCheck
from escalation.plotting import save_figure
from escalation.plotting.palette import NEUTRAL, NEUTRAL_LIGHT, OTHER, colours_for, tint
from escalation.scenario.observed import ObservedFact

COLUMNS = 5  # panels per row at most: an episode with more outputs goes on to the next row
PANEL = (2.9, 2.3)  # inches per panel
MIN_WIDTH = 8.0  # inches: room for the title and the legend above two panels
BINS = 25
OBSERVED = "black"
NAME = "predictive"
TICKS = 6  # tick labels an axis has room for
TITLE = 34  # characters of a panel's title on one line


def predictive_figure(check: PredictiveCheck) -> Figure:
    """One row per episode (continued on the next when it has more than ``COLUMNS`` outputs):
    first its outcome classes, least to most severe, with the model's probability of each
    and the real class in full colour and outlined; then, for each observed number, the
    histogram of the model's values pooled over the points (on a log1p axis, which reads
    counts and delays from 0 to thousands), its central 90% range shaded and the observed
    value as a vertical line. Panels are titled "episode: output"; a number outside the
    range says so in its panel."""
    layout = [_panels(checked) for checked in check.episodes]
    rows = sum(math.ceil(len(panels) / COLUMNS) for panels in layout)
    columns = min(COLUMNS, max(len(panels) for panels in layout))
    width = max(PANEL[0] * columns + 0.4, MIN_WIDTH)
    figure = Figure(figsize=(width, PANEL[1] * rows + 1.5), layout="constrained")
    grid = figure.add_gridspec(rows, columns)
    row = 0
    for checked, panels in zip(check.episodes, layout, strict=True):
        for index, fact in enumerate(panels):
            axes = figure.add_subplot(grid[row + index // COLUMNS, index % COLUMNS])
            if fact is None:
                _outcome_panel(axes, checked)
            else:
                _number_panel(axes, checked, fact)
        row += math.ceil(len(panels) / COLUMNS)
    figure.legend(handles=_legend(), loc="outside lower center", ncols=2 if columns < 4 else 4,
                  fontsize=8)
    figure.suptitle(_headline(check), fontsize=10)
    return figure


def write_predictive_figures(check: PredictiveCheck, folder: str | os.PathLike[str]) -> list[Path]:
    """The predictive-check figure as ``predictive.png`` and ``predictive.svg`` in ``folder``;
    returns the paths written."""
    return save_figure(predictive_figure(check), folder, NAME)


def _panels(checked: EpisodeCheck) -> list[ObservedFact | None]:
    """An episode's panels: None for its outcome, then its observed numbers."""
    observed = checked.episode.scenario.observed
    assert observed is not None
    return [None, *observed.facts]


def _outcome_panel(axes: Axes, checked: EpisodeCheck) -> None:
    """The model's probability of each class; the real one in full colour, outlined."""
    probabilities = checked.probabilities()
    classes = list(probabilities)
    colours = colours_for(classes, [o.id for o in checked.episode.scenario.outcomes])
    real = checked.score.real
    x = np.arange(len(classes))
    bars = axes.bar(x, list(probabilities.values()), width=0.7,
                    color=[colours[c] if c == real else tint(colours[c]) for c in classes],
                    edgecolor=[OBSERVED if c == real else "none" for c in classes],
                    linewidth=1.5)
    for bar, name in zip(bars, classes, strict=True):
        bar.set_gid("real" if name == real else f"class-{name}")
    axes.set_xticks(x, [f"{c}\n(observed)" if c == real else c for c in classes], fontsize=7,
                    rotation=30 if len(classes) > 3 else 0, ha="right" if len(classes) > 3 else "center")
    axes.set_ylim(0, 1)
    axes.set_ylabel("probability", fontsize=8)
    axes.tick_params(axis="y", labelsize=7)
    axes.set_title(_title(checked.episode.name, "outcome"), fontsize=8)


def _number_panel(axes: Axes, checked: EpisodeCheck, fact: ObservedFact) -> None:
    """The model's values of one observed number, its 90% range, and the observed value."""
    values = checked.values(fact)
    observed = checked.observed(fact)
    score = next(s for s in checked.score.facts if s.name == fact.name)
    low, high = _limits(np.append(values, observed))
    axes.set_xscale("function", functions=(_forward, _inverse))
    edges = _inverse(np.linspace(_forward(np.array(low)), _forward(np.array(high)), BINS + 1))
    axes.hist(values, bins=edges.tolist(), weights=np.full(len(values), 1.0 / max(len(values), 1)),
              color=NEUTRAL_LIGHT, edgecolor="white", linewidth=0.4, gid="model")
    axes.axvspan(*score.range90, color=OTHER, zorder=0, gid="range90")
    axes.axvline(observed, color=OBSERVED, linewidth=1.6, gid="observed")
    axes.set_xlim(low, high)
    ticks = _ticks(low, high)
    axes.xaxis.set_major_locator(FixedLocator(ticks))
    axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    axes.xaxis.set_minor_locator(FixedLocator([]))
    axes.tick_params(labelsize=7)
    unit = "days" if fact.kind in ("lag", "days") else fact.name.split(".")[0].replace("_", " ")
    never = " (never acted: at the horizon)" if fact.value is None else ""
    axes.set_xlabel(f"{unit}{never}", fontsize=7)
    axes.set_ylabel("share of runs", fontsize=7)
    axes.set_title(_title(checked.episode.name, fact.name), fontsize=8)
    if not score.in90:
        axes.text(0.97, 0.95, f"outside the {LEVEL:.0%} range", transform=axes.transAxes,
                  ha="right", va="top", fontsize=7, fontweight="bold", gid="outside",
                  bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none", "pad": 1})


def _forward(x: np.ndarray) -> np.ndarray:
    """The log1p axis, odd so that it is defined everywhere."""
    x = np.asarray(x, dtype=float)
    return np.sign(x) * np.log1p(np.abs(x))


def _inverse(y: np.ndarray) -> np.ndarray:
    y = np.asarray(y, dtype=float)
    return np.sign(y) * np.expm1(np.abs(y))


def _limits(values: np.ndarray) -> tuple[float, float]:
    """The values' span on the log1p axis, a twentieth wider each way (half a unit of it
    when every value is the same)."""
    low, high = float(_forward(values.min())), float(_forward(values.max()))
    pad = 0.05 * (high - low) if high > low else 0.5
    return float(_inverse(np.array(low - pad))), float(_inverse(np.array(high + pad)))


def _ticks(low: float, high: float) -> list[float]:
    """Round values within the axis, far enough apart on it to be read: 0 and powers of ten,
    or 0 and 1, 2, 5 in each decade when the axis spans too few powers of ten."""
    gap = (_forward(np.array(high)) - _forward(np.array(low))) / TICKS
    decades = [10.0**e for e in range(-3, 10)]
    for candidates in ([0.0, *decades], [0.0, *(m * d for d in decades for m in (1, 2, 5))]):
        ticks: list[float] = []
        for tick in (t for t in candidates if low <= t <= high):
            if not ticks or _forward(np.array(tick)) - _forward(np.array(ticks[-1])) >= gap:
                ticks.append(tick)
        if len(ticks) >= 3:
            break
    return ticks


def _title(episode: str, output: str) -> str:
    """"episode: output", on two lines when too long for a panel."""
    return f"{episode}: {output}" if len(episode) + len(output) <= TITLE else f"{episode}:\n{output}"


def _legend() -> list[Patch | Line2D]:
    return [Patch(color=NEUTRAL_LIGHT, label="model: runs pooled over the points not ruled out"),
            Patch(color=OTHER, label=f"central {LEVEL:.0%} of the model's values"),
            Line2D([], [], color=OBSERVED, linewidth=1.6, label="observed"),
            Patch(facecolor=NEUTRAL, edgecolor=OBSERVED, linewidth=1.5,
                  label="real class (others paler)")]


def _headline(check: PredictiveCheck) -> str:
    table = check.table()
    numbers = table[table["kind"] != "outcome"]
    outside = int((~numbers["in90"]).sum())
    return (f"Posterior predictive check: {len(check.episodes)} episodes, each run at "
            f"{len(check.points)} points not ruled out ({check.runs_per_point} runs each)\n"
            f"{outside} of {len(numbers)} observed numbers outside the model's central "
            f"{LEVEL:.0%} range")
