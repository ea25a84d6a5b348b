"""A pair plot over shared parameters' ranges, which both calibration methods draw."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from escalation.analysis.calibration import SharedParameter


def pair_grid(parameters: Sequence[SharedParameter],
              diagonal: Callable[[Axes, SharedParameter], None],
              off_diagonal: Callable[[Axes, SharedParameter, SharedParameter], None],
              ) -> tuple[Figure, Any]:
    """A pair plot over the parameters' ranges: ``diagonal(axes, parameter)`` draws each
    diagonal panel, ``off_diagonal(axes, row, column)`` the others (column on x); labels
    on the outer axes only."""
    count = len(parameters)
    figure = Figure(figsize=(2.6 * count + 1.0, 2.6 * count + 1.2), layout="constrained")
    grid = figure.subplots(count, count, squeeze=False)
    for i, row in enumerate(parameters):
        for j, column in enumerate(parameters):
            axes = grid[i, j]
            axes.set_xlim(column.low, column.high)
            if i == j:
                diagonal(axes, column)
            else:
                axes.set_ylim(row.low, row.high)
                off_diagonal(axes, row, column)
            pair_labels(axes, i, j, count, row.pattern, column.pattern)
    return figure, grid


def pair_labels(axes: Axes, i: int, j: int, count: int, row: str, column: str) -> None:
    """Parameter names and ticks on the outer axes only; the first row, whose left axes is a
    histogram, has its values on the right of the last column."""
    if i == count - 1:
        axes.set_xlabel(column, fontsize=8)
    else:
        axes.tick_params(labelbottom=False)
    if i == j:
        return
    if j == 0:
        axes.set_ylabel(row, fontsize=8)
    elif i == 0 and j == count - 1:
        axes.yaxis.tick_right()
        axes.yaxis.set_label_position("right")
        axes.set_ylabel(row, fontsize=8)
    else:
        axes.tick_params(labelleft=False)
