"""Sweeps: the same batch over a grid of values of one or two fields of a scenario.

Each point is the scenario with ``path=value`` settings applied, run with the same seed, so
all points share their random numbers (common random numbers across the sweep): the curves
are smooth and their differences sharper than the width of each point's interval suggests.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from escalation.montecarlo.batch import run_alike
from escalation.montecarlo.results import Results
from escalation.scenario.compiled import Scenario
from escalation.scenario.overrides import Setting, parse_setting

MAX_POINTS = 400


@dataclass(frozen=True)
class Axis:
    """One swept field and its values."""

    path: str
    values: tuple[float | str, ...]


def parse_axis(text: str) -> Axis:
    """``'path=low:high:n'`` (n evenly spaced values) or ``'path=a,b,c'`` (listed values)."""
    path, equals, spec = text.partition("=")
    if not equals or not path.strip() or not spec.strip():
        raise ValueError(f"--param '{text}': expected PATH=LOW:HIGH:N or PATH=A,B,C, e.g. "
                         "actors.iran.policies.avenges.probability=0:1:11")
    if ":" in spec:
        parts = spec.split(":")
        try:
            low, high, count = float(parts[0]), float(parts[1]), int(parts[2])
        except (ValueError, IndexError):
            raise ValueError(f"--param '{text}': LOW:HIGH:N takes two numbers and a whole "
                             "number of points, e.g. 0:1:11") from None
        if len(parts) != 3 or count < 2 or not (math.isfinite(low) and math.isfinite(high)):
            raise ValueError(f"--param '{text}': LOW:HIGH:N needs finite bounds and N >= 2")
        values: tuple[float | str, ...] = tuple(float(v) for v in np.linspace(low, high, count))
    else:
        values = tuple(_number_or_text(v.strip()) for v in spec.split(",") if v.strip())
    return Axis(path.strip(), values)


def sweep(
    load: Callable[[Sequence[Setting]], Scenario], axes: Sequence[Axis], runs: int, seed: int = 0,
    outcomes: Sequence[str] | None = None, **batch: Any,
) -> pd.DataFrame:
    """One batch per grid point; a row per point and outcome class: the axis values, runs,
    probability and its 95% Wilson interval.

    ``load`` turns settings into a scenario (e.g. ``lambda s: load_scenario(path, s)``), so
    any field can be swept, not only uncertain parameters. Every point is loaded (and so
    validated) before any runs, so a bad value fails fast. All points run through one pool
    (``run_alike``): no worker waits at the end of one point while another has runs left."""
    if not 1 <= len(axes) <= 2:
        raise ValueError("sweep one or two fields (a line, or a heat map)")
    grid = list(itertools.product(*(axis.values for axis in axes)))
    if len(grid) > MAX_POINTS:
        raise ValueError(f"{len(grid)} points is more than {MAX_POINTS}; use fewer values")
    scenarios = [load([_setting(axis.path, value) for axis, value in zip(axes, point, strict=True)])
                 for point in grid]
    batches = run_alike(scenarios, runs, seed, **batch)
    frames = [_point_rows(results, axes, point, outcomes)
              for point, results in zip(grid, batches, strict=True)]
    return pd.concat(frames, ignore_index=True)


def _point_rows(results: Results, axes: Sequence[Axis], point: tuple[Any, ...],
                outcomes: Sequence[str] | None) -> pd.DataFrame:
    table = results.summary().reset_index()
    if outcomes is not None:
        table = table[table["outcome"].isin(outcomes)]
    for axis, value in reversed(list(zip(axes, point, strict=True))):
        table.insert(0, axis.path, value)
    table["total"] = len(results.completed)
    return table


def _setting(path: str, value: float | str) -> Setting:
    return parse_setting(f"{path}={value}", origin="--param")


def _number_or_text(text: str) -> float | str:
    try:
        return float(text)
    except ValueError:
        return text
