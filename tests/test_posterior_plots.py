"""Figures of an ABC-SMC calibration (escalation/plotting/posterior.py), on the calibration
toy of tests/toys.py (``ONE_STRIKE``) with two episodes in which b answered and lost 14 and
18 people."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from matplotlib.collections import PathCollection

from escalation.analysis.posterior import Posterior, abc_smc
from escalation.plotting.calibration import write_calibration_figures
from escalation.plotting.posterior import posterior_pairs, tolerance_by_generation
from tests.toys import ANSWER_PROBABILITY, B_LETHALITY, two_strikes

PROBABILITY, LETHALITY = ANSWER_PROBABILITY, B_LETHALITY
SERIAL = {"backend": "serial", "progress": False}


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return two_strikes(tmp_path_factory.mktemp("toys"))


@pytest.fixture(scope="module")
def one(library: Path) -> Posterior:
    return abc_smc(library, [LETHALITY], particles=40, generations=3, seed=1, **SERIAL)


@pytest.fixture(scope="module")
def two(library: Path) -> Posterior:
    return abc_smc(library, [PROBABILITY, LETHALITY], particles=40, generations=3, seed=1,
                   **SERIAL)


def test_one_parameter_is_the_posterior_over_the_prior_with_its_interval(one: Posterior) -> None:
    [axes] = posterior_pairs(one).axes
    gids = {patch.get_gid() for patch in axes.patches}
    assert {"prior", "posterior"} <= gids
    assert axes.get_xlim() == (0.1, 5.0)  # the prior's range
    row = one.summary().iloc[0]
    lines = sorted(float(line.get_xdata()[0]) for line in axes.get_lines() if len(line.get_xdata()))
    assert lines == pytest.approx(sorted([row["low"], row["median"], row["high"]]))
    heights = [p.get_height() for p in axes.patches if p.get_gid() == "posterior"]
    widths = [p.get_width() for p in axes.patches if p.get_gid() == "posterior"]
    assert float(np.dot(heights, widths)) == pytest.approx(1.0)  # a weighted density


def test_two_parameters_are_a_pair_grid_of_particles_by_weight(two: Posterior) -> None:
    figure = posterior_pairs(two)
    grid = np.array(figure.axes[:4]).reshape(2, 2)
    off = grid[1, 0]
    [prior] = [c for c in off.collections if c.get_gid() == "prior"]
    [posterior] = [c for c in off.collections if c.get_gid() == "posterior"]
    assert isinstance(posterior, PathCollection)
    assert len(prior.get_offsets()) == len(posterior.get_offsets()) == 40
    sizes = posterior.get_sizes()
    weights = two.last["weight"].to_numpy()
    assert np.argmax(sizes) == np.argmax(weights)  # area follows weight
    assert off.get_xlim() == (0.0, 1.0) and off.get_ylim() == (0.1, 5.0)
    assert {p.get_gid() for p in grid[0, 0].patches} >= {"posterior-values", "prior-values"}


def test_the_tolerance_falls_and_each_generation_shows_its_cost(one: Posterior) -> None:
    left, right = tolerance_by_generation(one).axes
    [line] = [line for line in left.get_lines() if line.get_gid() == "epsilon"]
    steps = one.steps()
    assert list(line.get_ydata()) == steps["epsilon"].iloc[1:].tolist()  # not the prior's inf
    bars = [p.get_height() for p in right.patches if p.get_gid() == "acceptance"]
    assert bars == pytest.approx(steps["acceptance"].tolist())


def test_the_figures_are_written_as_png_and_svg(one: Posterior, tmp_path: Path) -> None:
    written = write_calibration_figures(one, tmp_path)
    assert sorted(path.name for path in written) == [
        "posterior_pairs.png", "posterior_pairs.svg", "tolerance_by_generation.png",
        "tolerance_by_generation.svg"]
    assert all(path.stat().st_size > 1000 for path in written)
