"""Figures that do not mislead, checked on the Figure objects of a real batch of the seed.

- One palette for outcomes and one for actors, far apart: an outcome has the same colour in
  every batch figure, and no actor (deaths, icicle nodes, a run's timeline) wears an outcome's.
- Nothing lies on a frame: 100% curves, the tallest exchange bar and an outcome that happens
  only on the horizon stay inside their axes.
- The discovery legend covers neither the chosen box nor the peeling steps, and its y axis
  follows the densities; the swing chart's two bars of a row never overlap, each with its
  own error bar; the icicle has a legend of its actor colours.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex, to_rgb
from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

import escalation
from escalation.analysis.discovery import prim
from escalation.analysis.sensitivity import Sensitivity, swing_table
from escalation.montecarlo.results import Results
from escalation.plotting import (
    convergence_chart,
    deaths_chart,
    duration_chart,
    exchanges_chart,
    outcome_chart,
)
from escalation.plotting.assumptions import swing_chart, tornado_chart
from escalation.plotting.discovery import prim_chart
from escalation.plotting.dynamics import first_passage_chart, survival_chart
from escalation.plotting.palette import ACTORS, OUTCOMES, actor_colours, outcome_colours, tint
from escalation.plotting.paths import path_icicle_chart
from escalation.plotting.timeline import timeline_chart

ROOT = Path(__file__).resolve().parents[1]
US_IRAN = ROOT / "scenarios" / "us_iran_2020.yaml"
RUNS = 600
FAR = 30.0  # CIE76 ΔE: well beyond a just-noticeable difference (about 2.3)


@pytest.fixture(scope="module")
def scenario() -> escalation.Scenario:
    return escalation.load_scenario(US_IRAN)


@pytest.fixture(scope="module")
def results(scenario: escalation.Scenario) -> Results:
    return escalation.run_batch(scenario, RUNS, seed=1, backend="serial", progress=False)


def lab(colour: object) -> np.ndarray:
    """CIELAB (D65) of an sRGB colour, to measure how different two colours look."""
    rgb = np.array(to_rgb(colour))  # type: ignore[arg-type]
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722],
                    [0.0193, 0.1192, 0.9505]]) @ linear / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def distance(a: object, b: object) -> float:
    return float(np.linalg.norm(lab(a) - lab(b)))


def by_gid(figure: Figure, prefix: str) -> dict[str, str]:
    """The colour (hex) of every line or patch whose gid starts with ``prefix``, by the rest
    of its gid."""
    found: dict[str, str] = {}
    for axes in figure.axes:
        for artist in [*axes.get_lines(), *axes.patches]:
            gid = str(artist.get_gid())
            if gid.startswith(prefix):
                colour = artist.get_color() if hasattr(artist, "get_color") and not isinstance(
                    artist, Rectangle) else artist.get_facecolor()
                found[gid[len(prefix):]] = to_hex(colour)
    return found


def highest_line(axes: Axes) -> float:
    return max(float(np.nanmax(np.asarray(line.get_ydata(), dtype=float), initial=0.0))
               for line in axes.get_lines())


# -- palettes --------------------------------------------------------------------------------
def test_actor_colours_are_far_from_every_outcome_colour() -> None:
    assert set(OUTCOMES).isdisjoint(ACTORS)
    assert min(distance(a, o) for a in ACTORS for o in OUTCOMES) > FAR
    for palette in (OUTCOMES, ACTORS):
        assert len(set(palette)) == len(palette)
        assert min(distance(a, b) for a, b in itertools.combinations(palette, 2)) > 20


def test_an_outcome_has_one_colour_in_every_figure(results: Results) -> None:
    expected = outcome_colours(results)
    assert len(expected) == 4
    seen = {
        "outcomes": by_gid(outcome_chart(results), "bar-"),
        "convergence": by_gid(convergence_chart(results), "estimate-"),
        "duration": by_gid(duration_chart(results), "duration-"),
        "exchanges": by_gid(exchanges_chart(results), "exchanges-"),
        "survival": by_gid(survival_chart(results), "outcome-"),
    }
    for figure, colours in seen.items():
        assert colours, figure
        for name, colour in colours.items():
            assert colour == expected[name], (figure, name)
    ends = by_gid(path_icicle_chart(results), "end-")
    assert ends and all(colour == expected[gid.rpartition("-")[2]] for gid, colour in ends.items())
    chosen = prim_chart(prim(results, "war"))
    (star,) = [line for line in chosen.axes[0].get_lines() if line.get_gid() == "chosen"]
    assert to_hex(star.get_color()) == expected["war"]


def test_actors_never_wear_an_outcome_colour(results: Results, scenario: escalation.Scenario) -> None:
    actors = actor_colours(results)
    deaths = by_gid(deaths_chart(results), "deaths-")
    assert deaths and all(colour == actors[side] for side, colour in deaths.items())
    nodes = [to_hex(p.get_facecolor()) for p in path_icicle_chart(results).axes[0].patches
             if str(p.get_gid()).startswith("node-")]
    tints = {to_hex(tint(c)) for c in ACTORS} | {to_hex("0.85")}
    assert nodes and set(nodes) <= tints
    record = escalation.simulate(scenario, seed=1, run=3, keep_events=True)
    top = timeline_chart(scenario, record).axes[0]
    marks = {to_hex(c) for collection in top.collections for c in collection.get_facecolors()}
    assert marks and marks <= {to_hex(c) for c in ACTORS}


def test_the_icicle_explains_its_actor_colours(results: Results) -> None:
    figure = path_icicle_chart(results)
    titles = {legend.get_title().get_text(): legend for legend in figure.legends}
    assert "actor" in titles
    shown = {text.get_text() for text in titles["actor"].get_texts()}
    assert {"united_states", "iran"} <= shown


# -- frames ----------------------------------------------------------------------------------
@pytest.mark.parametrize("chart", [survival_chart, first_passage_chart, duration_chart])
def test_curves_at_100_percent_stay_off_the_top_frame(results: Results, chart: object) -> None:
    axes = chart(results).axes[0]  # type: ignore[operator]
    top = axes.get_ylim()[1]
    assert highest_line(axes) <= 1.0 and top >= 1.04


def test_an_outcome_only_on_the_horizon_is_drawn_inside_the_frame(results: Results) -> None:
    done = results.completed
    late = done[done["outcome"].astype(str) == "protracted_conflict"]["duration_days"]
    horizon = float(done["duration_days"].max())
    assert len(late) and (late == horizon).all()  # the seed's protracted runs end on the horizon
    axes = survival_chart(results).axes[0]
    assert axes.get_xlim()[1] > horizon * 1.01
    (dot,) = [line for line in axes.get_lines() if line.get_gid() == "end-outcome-protracted_conflict"]
    assert float(dot.get_xdata()[0]) == horizon and float(dot.get_ydata()[0]) > 0
    assert any(t.get_gid() == "horizon-outcome-protracted_conflict" for t in axes.texts)


def test_first_passage_curves_are_ordered_greys_each_drawn_its_own_way(results: Results) -> None:
    axes = first_passage_chart(results).axes[0]
    curves = [line for line in axes.get_lines() if str(line.get_gid()).startswith("rung-")]
    assert len(curves) >= 2
    greys = [to_rgb(line.get_color()) for line in curves]
    assert all(r == g == b for r, g, b in greys)
    assert [r for r, _, _ in greys] == sorted((r for r, _, _ in greys), reverse=True)  # higher: darker
    assert len({(line.get_color(), line.get_linestyle()) for line in curves}) == len(curves)


def test_the_tallest_exchange_bar_ends_below_the_frame(results: Results) -> None:
    figure = exchanges_chart(results)
    axes = figure.axes[0]
    stacks: dict[float, float] = {}
    for patch in axes.patches:
        x = round(patch.get_x(), 6)
        stacks[x] = max(stacks.get(x, 0.0), patch.get_y() + patch.get_height())
    assert axes.get_ylim()[1] >= 1.05 * max(stacks.values())
    assert "kinetic acts" in axes.get_title() and "kinetic acts" in axes.get_xlabel()


# -- discovery and swing ---------------------------------------------------------------------
def test_the_discovery_legend_covers_neither_the_box_nor_the_steps(results: Results) -> None:
    result = prim(results, "war")
    figure = prim_chart(result)
    FigureCanvasAgg(figure).draw()
    curve = figure.axes[0]
    (legend,) = [curve.get_legend()]
    box = legend.get_window_extent()
    points = [curve.transData.transform((x, y)) for line in curve.get_lines()
              for x, y in zip(line.get_xdata(), line.get_ydata(), strict=True)
              if line.get_gid() in ("chosen", "trajectory")]
    assert points and not any(box.contains(x, y) for x, y in points)
    top = float(result.trajectory["density_high"].max())
    assert top < curve.get_ylim()[1] <= max(top * 1.3 + 0.05, 0.2)  # the densities, not 0-100%


def test_each_swing_row_has_two_bars_apart_each_with_its_error_bar(results: Results) -> None:
    table = swing_table(results, "war")
    axes = swing_chart(table, "war").axes[0]
    bars = {str(p.get_gid()): p for p in axes.patches if str(p.get_gid()).startswith("bar-")}
    rows = len(table.head(15))
    for row in range(rows):
        low, high = bars[f"bar-p_low-{row}"], bars[f"bar-p_high-{row}"]
        assert low.get_y() + low.get_height() <= high.get_y() or \
            high.get_y() + high.get_height() <= low.get_y()
    heights = set()
    for collection in axes.collections:
        for segment in collection.get_segments():  # type: ignore[attr-defined]
            if segment[0][1] == segment[-1][1] and segment[0][0] != segment[-1][0]:
                heights.add(round(float(segment[0][1]), 6))  # a horizontal error bar
    assert len(heights) == 2 * rows


def test_every_interval_says_which_it_is(results: Results) -> None:
    """The same probability has a Kaplan–Meier interval in the survival legend and a Wilson
    one elsewhere; they may differ in the last digit, so each is named."""
    survival = survival_chart(results).legends[0].get_title().get_text()
    assert "Kaplan–Meier" in survival and "Wilson" in survival
    assert "Wilson" in convergence_chart(results).axes[0].get_legend().get_title().get_text()
    assert "Wilson" in outcome_chart(results).axes[0].get_ylabel()
    icicle = {legend.get_title().get_text() for legend in path_icicle_chart(results).legends}
    assert any("Wilson" in title for title in icicle)


def test_the_tornado_shows_s1_with_its_interval_and_marks_indices_inside_their_noise() -> None:
    indices = pd.DataFrame({"S1": [0.30, 0.01], "S1_conf": [0.05, 0.03], "ST": [0.50, 0.02],
                            "ST_conf": [0.06, 0.04], "S1_zero": [False, True],
                            "ST_zero": [False, True]}, index=pd.Index(["p", "q"], name="parameter"))
    figure = tornado_chart(Sensitivity("war", "sobol", 1000, indices, 0.1))
    axes = figure.axes[0]
    widths = sorted(round(p.get_width(), 6) for p in axes.patches)
    assert widths == [0.01, 0.02, 0.3, 0.5]  # S1 and ST, each its own bar
    bars = [c for c in axes.containers if isinstance(c, BarContainer)]
    assert len(bars) == 2 and all(c.errorbar is not None for c in bars)  # S1's interval too
    assert [t.get_text() for t in axes.get_yticklabels()] == ["p", "q (≈ 0)"]
