"""Figures of a batch (matplotlib, no pyplot state): ``write_figures`` saves them all.

Each figure function takes a ``Results`` and returns a ``matplotlib.figure.Figure``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path

from matplotlib.figure import Figure

from escalation.analysis.discovery import prim
from escalation.analysis.sensitivity import default_outcome, swing_table
from escalation.montecarlo.results import Results
from escalation.plotting.assumptions import swing_chart
from escalation.plotting.discovery import prim_chart
from escalation.plotting.distributions import deaths_chart, duration_chart, ecdf, exchanges_chart
from escalation.plotting.dynamics import (
    first_passage_chart,
    rung_fan_chart,
    survival_chart,
    tension_fan_chart,
    transition_heatmap,
)
from escalation.plotting.outcomes import (
    convergence_chart,
    outcome_chart,
    running_estimates,
    running_wilson,
)
from escalation.plotting.paths import path_icicle_chart
from escalation.scenario.compiled import Scenario

FIGURES: dict[str, Callable[[Results], Figure]] = {  # need only the batch's runs
    "outcomes": outcome_chart,
    "duration": duration_chart,
    "deaths": deaths_chart,
    "exchanges": exchanges_chart,
    "convergence": convergence_chart,
    "paths": path_icicle_chart,
    "survival": survival_chart,
}
LADDER_FIGURES: dict[str, Callable[[Results, Scenario | None], Figure]] = {  # name rungs if given
    "rungs": rung_fan_chart,
    "first_passage": first_passage_chart,
    "transitions": transition_heatmap,
}
OPTIONAL_FIGURES: dict[str, Callable[[Results], Figure]] = {  # not every batch supports them
    "swing": lambda results: swing_chart(swing_table(results), default_outcome(results.outcome_ids)),
    "discovery": lambda results: prim_chart(prim(_sample(results))),
}
FORMATS = ("png", "svg")
DPI = 150
DISCOVERY_RUNS = 50_000  # PRIM on the first 50,000 runs: more adds time, not insight


def write_figures(results: Results, folder: str | os.PathLike[str], scenario: Scenario | None = None
                  ) -> list[Path]:
    """Every figure as ``NAME.png`` and ``NAME.svg`` in ``folder``; returns the paths written.

    With the scenario, rungs are named and the tension fan chart is drawn too (it replays up
    to 500 runs when events were not kept). Figures a batch cannot support (no uncertain
    parameters, the outcome never occurs) are left out."""
    makers: dict[str, Callable[[], Figure]] = {name: partial(make, results) for name, make in FIGURES.items()}
    makers.update({name: partial(make, results, scenario) for name, make in LADDER_FIGURES.items()})
    if scenario is not None:
        makers["tension"] = partial(tension_fan_chart, scenario, results)
    paths = []
    for name, make in makers.items():
        paths += save_figure(make(), folder, name)
    for name, optional in OPTIONAL_FIGURES.items():
        try:
            figure = optional(results)
        except ValueError:  # e.g. no sampled parameters, or the outcome never happened
            continue
        paths += save_figure(figure, folder, name)
    return paths


def _sample(results: Results) -> Results:
    if len(results.runs) <= DISCOVERY_RUNS:
        return results
    return replace(results, runs=results.runs.iloc[:DISCOVERY_RUNS])


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
    "exchanges_chart",
    "outcome_chart",
    "running_estimates",
    "running_wilson",
    "save_figure",
    "write_figures",
]
