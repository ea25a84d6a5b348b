"""Figures of a history match: where the values not ruled out lie, and which episodes rule
values out (``escalation.analysis.calibration``); ``write_calibration_figures`` writes those
of either method (ABC-SMC's: ``escalation.plotting.posterior``)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from escalation.analysis.calibration import Calibration, SharedParameter
from escalation.analysis.posterior import Posterior
from escalation.plotting import save_figure
from escalation.plotting.pairs import pair_grid
from escalation.plotting.palette import NEUTRAL, NEUTRAL_LIGHT, OTHER, rung_colours
from escalation.plotting.posterior import POSTERIOR_FIGURES

SHOWN_MAX = 1000.0  # a thousand standard deviations off is as ruled out as further off
SHOWN_MIN = 1e-3  # the floor of the log axis: below it, nothing is near being ruled out
KEPT = "0.1"  # the last wave's points not ruled out: the darkest grey, drawn on top
CLIPPED = "^"  # the marker of a value drawn at the top of its axis


def plausible_pairs(result: Calibration) -> Figure:
    """Where the values not ruled out lie. One shared parameter: every point's value against
    its implausibility, by wave (later waves darker), so the cutoff line shows the values the
    record rules out. Two or more: each pair of parameters for every point, the last wave's
    points not ruled out on top of the faint ruled-out ones, and on the diagonal a histogram
    of the values kept; the axes span the ranges searched."""
    if len(result.parameters) == 1:
        return _strip(result)
    return _pairs(result)


def implausibility_by_episode(result: Calibration) -> Figure:
    """For the last wave, each episode's implausibility at every point (a box and the points
    themselves), episodes that rule out most first: the episodes whose points all lie above
    the cutoff are those no value of the shared parameters reproduces."""
    points = _last_wave(result)
    columns = [f"I.{name}" for name in result.episodes]
    values = points[columns].to_numpy(dtype=float)
    shown, clipped, note = _clip(values, result.cutoff)
    ruled_out = (values > result.cutoff).sum(axis=0)
    order = sorted(range(len(columns)), key=lambda k: (-ruled_out[k], -np.median(shown[:, k])))
    figure = Figure(figsize=(max(6.0, 0.6 * len(columns) + 2.5), 5.0), layout="constrained")
    axes = figure.add_subplot()
    x = np.arange(len(order))
    axes.boxplot([shown[:, k] for k in order], positions=x, widths=0.6, whis=(0, 100),
                 showfliers=False, patch_artist=True,
                 boxprops={"facecolor": OTHER, "edgecolor": NEUTRAL},
                 medianprops={"color": NEUTRAL}, whiskerprops={"color": NEUTRAL},
                 capprops={"color": NEUTRAL})
    jitter = np.linspace(-0.18, 0.18, len(points)) if len(points) > 1 else np.zeros(1)
    for position, k in zip(x, order, strict=True):
        _scatter(axes, position + jitter, shown[:, k], clipped[:, k], NEUTRAL, s=12, zorder=3)
    _cutoff_line(axes, result.cutoff)
    _log_axis(axes, shown, result.cutoff)
    axes.set_xticks(x, [f"{result.episodes[k]}\nrules out {ruled_out[k]} of {len(points)}"
                        for k in order], rotation=45, ha="right", fontsize=8)
    axes.set_ylabel("implausibility (log scale)" + note)
    axes.set_title(f"{_headline(result)}\nimplausibility in each episode, "
                   f"{len(points)} points of wave {_wave(result)}")
    _legend(axes, clipped)
    return figure


CALIBRATION_FIGURES = {"plausible_pairs": plausible_pairs,
                       "implausibility_by_episode": implausibility_by_episode}


def write_calibration_figures(result: Calibration | Posterior, folder: str | os.PathLike[str]
                              ) -> list[Path]:
    """Every figure of the calibration's method as PNG and SVG in ``folder``; returns the
    paths written."""
    figures: dict[str, Any] = POSTERIOR_FIGURES if isinstance(result, Posterior) \
        else CALIBRATION_FIGURES
    return [path for name, make in figures.items()
            for path in save_figure(make(result), folder, name)]


def _strip(result: Calibration) -> Figure:
    """One parameter: value against implausibility, a colour per wave."""
    [parameter] = result.parameters
    points = result.points
    shown, clipped, note = _clip(points["implausibility"].to_numpy(dtype=float), result.cutoff)
    figure = Figure(figsize=(7.0, 4.8), layout="constrained")
    axes = figure.add_subplot()
    waves = sorted(points["wave"].unique())
    wave = points["wave"].to_numpy()
    x = points[parameter.pattern].to_numpy(dtype=float)
    colours = rung_colours(len(waves) + 1)[1:]  # later waves darker, the last black
    for colour, number in zip(colours, waves, strict=True):
        inside = wave == number
        _scatter(axes, x[inside], shown[inside], clipped[inside], colour, s=22,
                 label=f"wave {number}", gid=f"wave-{number}")
    _cutoff_line(axes, result.cutoff)
    _log_axis(axes, shown, result.cutoff)
    axes.set(xlim=(parameter.low, parameter.high),
             xlabel=parameter.pattern,
             ylabel="implausibility, largest over episodes (log scale)" + note,
             title=f"{_headline(result)}\n{_options(result)}")
    _legend(axes, clipped)
    return figure


def _pairs(result: Calibration) -> Figure:
    """Two or more parameters: a pair plot of every point, the last wave's kept ones on top."""
    parameters = result.parameters
    points = result.points
    last = (points["wave"] == points["wave"].max()).to_numpy()
    plausible = points["plausible"].to_numpy(dtype=bool)
    groups: list[tuple[str, np.ndarray, dict[str, Any]]] = [
              ("ruled out", ~plausible, {"color": OTHER, "s": 10}),
              ("not ruled out by an earlier wave", plausible & ~last,
               {"facecolors": "none", "edgecolors": NEUTRAL, "s": 14, "linewidths": 0.8}),
              (f"not ruled out (wave {_wave(result)})", plausible & last,
               {"color": KEPT, "s": 18, "linewidths": 0})]
    groups = [group for group in groups if group[1].any()]
    def off_diagonal(axes: Axes, row: SharedParameter, column: SharedParameter) -> None:
        for label, inside, style in groups:
            axes.scatter(points.loc[inside, column.pattern], points.loc[inside, row.pattern],
                         label=label, clip_on=False, **style)

    figure, grid = pair_grid(parameters, lambda axes, p: _histogram(
        axes, result.plausible[p.pattern].to_numpy(dtype=float), p.low, p.high), off_diagonal)
    handles = grid[1, 0].get_legend_handles_labels()[0]
    handles.append(Line2D([], [], marker="s", linestyle="none", color=NEUTRAL_LIGHT,
                          label="diagonal: values not ruled out in the last wave"))
    figure.legend(handles=handles, loc="outside lower center", ncols=2, fontsize=8)
    figure.suptitle(f"{_headline(result)}\n{_options(result)}")
    return figure


def _histogram(axes: Axes, values: np.ndarray, low: float, high: float) -> None:
    """The diagonal of the pair plot: the last wave's values not ruled out."""
    axes.hist(values, bins=10, range=(low, high), color=NEUTRAL_LIGHT, edgecolor="white",
              gid="kept-values")
    if not len(values):
        axes.text(0.5, 0.5, "none left", transform=axes.transAxes, ha="center", va="center",
                  color="0.4")
    axes.set_yticks([])


def _last_wave(result: Calibration) -> pd.DataFrame:
    return result.points[result.points["wave"] == result.points["wave"].max()]


def _wave(result: Calibration) -> int:
    return int(result.points["wave"].max())


def _headline(result: Calibration) -> str:
    """How many points of the last wave are left, or that none is."""
    kept, tried, wave = len(result.plausible), len(_last_wave(result)), _wave(result)
    if not kept:
        return f"Nothing plausible: every point of wave {wave} is ruled out"
    return f"{kept} of {tried} points of wave {wave} not ruled out"


def _options(result: Calibration) -> str:
    return (f"{len(result.episodes)} episodes, {result.runs} runs per point, "
            f"cutoff {result.cutoff:g}, discrepancy {result.discrepancy:g}")


def _clip(values: np.ndarray, cutoff: float) -> tuple[np.ndarray, np.ndarray, str]:
    """Values a log axis can show: infinite or huge ones drawn at a ceiling (twice the largest
    finite value or the cutoff, at most ``SHOWN_MAX``), which the note appended to the axis
    label states; ``clipped`` marks them."""
    finite = values[np.isfinite(values)]
    top = max(float(finite.max()) if finite.size else 0.0, cutoff)
    ceiling = min(2.0 * top, SHOWN_MAX)
    clipped = values > ceiling
    shown = np.clip(values, SHOWN_MIN, ceiling)
    if not clipped.any():
        return shown, clipped, ""
    infinite = int(np.isinf(values).sum())
    among = f" ({infinite} of them infinite)" if infinite else ""
    return shown, clipped, f"\n▲: {int(clipped.sum())} values above {ceiling:.4g}{among}, drawn at it"


def _log_axis(axes: Axes, shown: np.ndarray, cutoff: float) -> None:
    """A log y axis over the values shown and the cutoff, its labels plain numbers."""
    low = min(float(np.nanmin(shown)) if shown.size else cutoff, cutoff)
    high = max(float(np.nanmax(shown)) if shown.size else cutoff, cutoff)
    axes.set_yscale("log")
    axes.set_ylim(low / 1.5, high * 1.5)
    # 1, 2, 5 in each decade: powers of ten alone are too few to read a value by, unless
    # the axis spans many decades
    wide = np.log10(high / low) > 4
    axes.yaxis.set_major_locator(LogLocator(subs=(1.0,) if wide else (1.0, 2.0, 5.0)))
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    axes.yaxis.set_minor_formatter(NullFormatter())


def _scatter(axes: Axes, x: np.ndarray, y: np.ndarray, clipped: np.ndarray, colour: str,
             **options: Any) -> None:
    """Points, those drawn at the ceiling as triangles."""
    axes.scatter(x[~clipped], y[~clipped], color=colour, linewidths=0, clip_on=False, **options)
    options.pop("label", None)
    options.pop("gid", None)
    if clipped.any():
        axes.scatter(x[clipped], y[clipped], color=colour, marker=CLIPPED, linewidths=0,
                     clip_on=False, gid="clipped", **options)


def _cutoff_line(axes: Axes, cutoff: float) -> None:
    """The cutoff: points above it are ruled out."""
    axes.axhline(cutoff, color="black", linestyle="--", linewidth=1, gid="cutoff",
                 label=f"cutoff {cutoff:g} (above: ruled out)")


def _legend(axes: Axes, clipped: np.ndarray) -> None:
    """The labelled artists, and the triangles' meaning when any value is clipped."""
    handles = axes.get_legend_handles_labels()[0]
    if clipped.any():
        handles.append(Line2D([], [], marker=CLIPPED, linestyle="none", color=NEUTRAL,
                              label="beyond the axis (drawn at its top)"))
    axes.legend(handles=handles, loc="best", fontsize=8)
