"""Figures of a history match (escalation/plotting/calibration.py), on the calibration toy of
tests/toys.py (``ONE_STRIKE``): a strikes b's base, which loses ``lethality`` people per hit,
and b answers with probability ``probability``; two episodes in which b answered and lost 14
and 18 people."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure

from escalation.analysis.calibration import Calibration, history_match
from escalation.plotting.calibration import (
    SHOWN_MAX,
    implausibility_by_episode,
    plausible_pairs,
    write_calibration_figures,
)
from tests.toys import ANSWER_PROBABILITY, B_LETHALITY, two_strikes

PROBABILITY, LETHALITY = ANSWER_PROBABILITY, B_LETHALITY
SERIAL = {"backend": "serial", "progress": False}


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return two_strikes(tmp_path_factory.mktemp("toys"))


@pytest.fixture(scope="module")
def one(library: Path) -> Calibration:
    return history_match(library, [PROBABILITY], waves=2, points=8, runs=20, seed=1, **SERIAL)


@pytest.fixture(scope="module")
def two(library: Path) -> Calibration:
    return history_match(library, [PROBABILITY, LETHALITY], waves=2, points=8, runs=20, seed=1,
                         **SERIAL)


def cutoff_lines(axes: Axes) -> list[float]:
    return [float(line.get_ydata()[0]) for line in axes.get_lines()
            if line.get_gid() == "cutoff"]


def scattered(axes: Axes) -> int:
    return sum(len(c.get_offsets()) for c in axes.collections if isinstance(c, PathCollection))


def test_one_parameter_is_a_strip_of_every_point_with_the_cutoff(one: Calibration) -> None:
    figure = plausible_pairs(one)
    [axes] = figure.axes
    assert cutoff_lines(axes) == [one.cutoff]
    assert axes.get_yscale() == "log"
    assert axes.get_xlim() == (0.0, 1.0)  # the range searched
    assert scattered(axes) == len(one.points)
    waves = sorted({gid for c in axes.collections if (gid := c.get_gid()) and "wave" in gid})
    assert waves == [f"wave-{w}" for w in sorted(one.points["wave"].unique())]
    assert "not ruled out" in str(figure.axes[0].get_title())


def test_two_parameters_are_a_pair_grid_over_the_ranges_searched(two: Calibration) -> None:
    figure = plausible_pairs(two)
    assert len(figure.axes) == 4
    grid = np.array(figure.axes).reshape(2, 2)
    for i, row in enumerate(two.parameters):
        for j, column in enumerate(two.parameters):
            assert grid[i, j].get_xlim() == (column.low, column.high)
            if i == j:  # the last wave's values not ruled out
                heights = [p.get_height() for p in grid[i, j].patches]
                assert sum(heights) == len(two.plausible)
            else:
                assert grid[i, j].get_ylim() == (row.low, row.high)
                assert scattered(grid[i, j]) == len(two.points)
                groups = dict(zip(*grid[i, j].get_legend_handles_labels()[::-1], strict=True))
                assert len(groups["ruled out"].get_offsets()) == (~two.points["plausible"]).sum()
    assert 0 < len(two.plausible) < len(two.points), "the toy should keep some points, not all"


def test_each_episode_has_its_implausibilities_and_the_cutoff(two: Calibration) -> None:
    figure = implausibility_by_episode(two)
    [axes] = figure.axes
    assert cutoff_lines(axes) == [two.cutoff]
    last = two.points[two.points["wave"] == two.points["wave"].max()]
    labels = [t.get_text() for t in axes.get_xticklabels()]
    assert len(labels) == len(two.episodes)
    for name in two.episodes:
        ruled_out = int((last[f"I.{name}"] > two.cutoff).sum())
        assert f"{name}\nrules out {ruled_out} of {len(last)}" in labels
    assert scattered(axes) == len(last) * len(two.episodes)


def test_the_figures_are_written_as_png_and_svg(one: Calibration, tmp_path: Path) -> None:
    paths = write_calibration_figures(one, tmp_path / "figures")
    assert sorted(p.name for p in paths) == [
        "implausibility_by_episode.png", "implausibility_by_episode.svg",
        "plausible_pairs.png", "plausible_pairs.svg"]
    assert all(p.stat().st_size > 1000 for p in paths)
    assert paths[0].read_bytes().startswith(b"\x89PNG")


def test_nothing_plausible_is_still_drawn_and_said(library: Path, tmp_path: Path) -> None:
    """A cutoff nothing meets rules out every point; the search stops after one wave."""
    result = history_match(library, [PROBABILITY, LETHALITY], waves=2, points=4, runs=10,
                           seed=2, cutoff=0.01, **SERIAL)
    assert result.plausible.empty and result.points["wave"].max() == 0
    pairs = plausible_pairs(result)
    assert pairs.get_suptitle().startswith("Nothing plausible")
    diagonal = pairs.axes[0]
    assert not diagonal.patches or all(p.get_height() == 0 for p in diagonal.patches)
    assert any(t.get_text() == "none left" for t in diagonal.texts)
    assert implausibility_by_episode(result).axes[0].get_title().startswith("Nothing plausible")
    assert len(write_calibration_figures(result, tmp_path)) == 4


def first_wave_with_infinite(result: Calibration) -> Calibration:
    """The first wave of ``result``, its first point's implausibility in the first episode
    infinite (as when every run of an episode fails)."""
    points = result.points[result.points["wave"] == 0].copy()
    points.loc[0, [f"I.{result.episodes[0]}", "implausibility"]] = math.inf
    points.loc[0, "plausible"] = False
    return dataclasses.replace(result, points=points)


@pytest.mark.parametrize("draw", [plausible_pairs, implausibility_by_episode])
def test_infinite_implausibilities_are_drawn_at_a_finite_ceiling(
    one: Calibration, draw: Callable[[Calibration], Figure],
) -> None:
    [axes] = draw(first_wave_with_infinite(one)).axes
    ys = np.concatenate([c.get_offsets()[:, 1] for c in axes.collections
                         if isinstance(c, PathCollection)])
    assert np.isfinite(ys).all()
    top = axes.get_ylim()[1]
    assert ys.max() < top <= 1.5 * SHOWN_MAX
    [clipped] = [c for c in axes.collections if c.get_gid() == "clipped"]
    assert len(clipped.get_offsets()) == 1
    assert "1 of them infinite" in axes.get_ylabel()
