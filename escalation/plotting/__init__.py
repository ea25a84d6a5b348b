"""Figures of a batch (matplotlib, no pyplot state): ``write_figures`` saves them all.

Each figure function takes a ``Results`` and returns a ``matplotlib.figure.Figure``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from matplotlib.figure import Figure

from escalation.montecarlo.results import Results
from escalation.plotting.distributions import deaths_chart, duration_chart, ecdf
from escalation.plotting.outcomes import (
    convergence_chart,
    outcome_chart,
    running_estimates,
    running_wilson,
)
from escalation.plotting.paths import path_icicle_chart

FIGURES: dict[str, Callable[[Results], Figure]] = {
    "outcomes": outcome_chart,
    "duration": duration_chart,
    "deaths": deaths_chart,
    "convergence": convergence_chart,
    "paths": path_icicle_chart,
}
FORMATS = ("png", "svg")
DPI = 150


def write_figures(results: Results, folder: str | os.PathLike[str]) -> list[Path]:
    """Every figure as ``NAME.png`` and ``NAME.svg`` in ``folder``; returns the paths written."""
    paths = []
    for name, make in FIGURES.items():
        paths += save_figure(make(results), folder, name)
    return paths


def save_figure(figure: Figure, folder: str | os.PathLike[str], name: str) -> list[Path]:
    """``figure`` as ``NAME.png`` and ``NAME.svg`` in ``folder`` (created if need be), each
    written under a temporary name first, so a reader never sees half a file."""
    root = Path(folder)
    root.mkdir(parents=True, exist_ok=True)
    paths = []
    for fmt in FORMATS:
        path = root / f"{name}.{fmt}"
        temporary = path.with_name(f".{path.name}.tmp")
        figure.savefig(temporary, format=fmt, dpi=DPI, metadata={"Date": None} if fmt == "svg" else None)
        os.replace(temporary, path)
        paths.append(path)
    return paths


__all__ = [
    "FIGURES",
    "convergence_chart",
    "deaths_chart",
    "duration_chart",
    "ecdf",
    "outcome_chart",
    "running_estimates",
    "running_wilson",
    "save_figure",
    "write_figures",
]
