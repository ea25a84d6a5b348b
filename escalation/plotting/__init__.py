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

FIGURES: dict[str, Callable[[Results], Figure]] = {
    "outcomes": outcome_chart,
    "duration": duration_chart,
    "deaths": deaths_chart,
    "convergence": convergence_chart,
}
FORMATS = ("png", "svg")
DPI = 150


def write_figures(results: Results, folder: str | os.PathLike[str]) -> list[Path]:
    """Every figure as ``NAME.png`` and ``NAME.svg`` in ``folder``; returns the paths written."""
    root = Path(folder)
    root.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, make in FIGURES.items():
        figure = make(results)
        for fmt in FORMATS:
            path = root / f"{name}.{fmt}"
            temporary = path.with_name(f".{path.name}.tmp")
            figure.savefig(temporary, format=fmt, dpi=DPI,
                           metadata={"Date": None} if fmt == "svg" else None)
            os.replace(temporary, path)  # never a half-written figure under the real name
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
    "write_figures",
]
