"""Scenario discovery: PRIM and a small CART tree find which assumptions lead to an outcome.

- On synthetic runs where 'war' happens iff a > 0.7 and b < 0.4 (with 3% of labels flipped),
  PRIM's chosen box is close to that box, dense, and leaves the irrelevant c alone; the tree's
  purest leaf is the same region.
- Coverage, density and support are checked by hand on a ten-run table, where PRIM's whole
  peeling trajectory and its chosen box are known; trajectories are nested (hypothesis).
- The tree's rules, shares, Wilson intervals and coverage on tiny tables; the default outcome.
- The PRIM figure draws the trajectory, the chosen box and its ranges, and writes to PNG; a real
  batch of the seed scenario goes through both methods.
- A box is weak (lift under 1.3, or a density interval reaching the base rate) on runs where
  the outcome does not depend on the parameters, for several draws; a real box is not.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.container import BarContainer, ErrorbarContainer
from matplotlib.lines import Line2D

import escalation
from escalation.analysis.discovery import (
    BOX_COLUMNS,
    MIN_LIFT,
    RULE_COLUMNS,
    decision_tree,
    prim,
    target_outcome,
)
from escalation.montecarlo.results import Results
from escalation.montecarlo.stats import wilson
from escalation.plotting.discovery import prim_chart

ROOT = Path(__file__).resolve().parents[1]
US_IRAN = ROOT / "scenarios" / "us_iran_2020.yaml"


def table_results(params: dict[str, np.ndarray], war: np.ndarray,
                  outcome_ids: tuple[str, ...] = ("peace", "war")) -> Results:
    runs = pd.DataFrame({"run": np.arange(len(war)),
                         "outcome": pd.Categorical(np.where(war, "war", "peace")),
                         "duration_days": 1.0, **{f"param.{k}": v for k, v in params.items()}})
    return Results("synthetic", 0, outcome_ids, runs)


@pytest.fixture(scope="module")
def synthetic() -> Results:
    rng = np.random.default_rng(2024)
    a, b, c = rng.random(4000), rng.random(4000), rng.random(4000)
    war = ((a > 0.7) & (b < 0.4)) ^ (rng.random(4000) < 0.03)
    return table_results({"a": a, "b": b, "c": c}, war)


# -- PRIM ------------------------------------------------------------------------------------
def test_prim_finds_the_box_that_leads_to_war(synthetic: Results) -> None:
    result = prim(synthetic)
    assert result.outcome == "war"
    assert list(result.box.columns) == list(BOX_COLUMNS)
    box = result.box.set_index("parameter").to_dict("index")
    assert set(box) == {"param.a", "param.b"}  # c does not matter, and stays whole
    a, b = box["param.a"], box["param.b"]
    assert a["low"] == pytest.approx(0.7, abs=0.02) and a["high"] == a["original_high"]
    assert b["high"] == pytest.approx(0.4, abs=0.02)
    assert b["low"] < 0.05  # restricted from above only, or barely below
    assert result.density > 0.9 and result.coverage > 0.7
    # The box's numbers are its runs' numbers.
    runs = synthetic.runs
    inside = runs["param.a"].between(a["low"], a["high"]) & runs["param.b"].between(b["low"],
                                                                                   b["high"])
    war = runs["outcome"] == "war"
    assert result.density == pytest.approx((inside & war).sum() / inside.sum())
    assert result.coverage == pytest.approx((inside & war).sum() / war.sum())


def test_prim_trajectory_on_a_ten_run_table_by_hand() -> None:
    # x = 1..10, war at 2, 8, 9, 10. Peeling 10% takes one run a step: the lowest (1), then
    # the lowest again (2 and 10 tie at 3/8, the low side goes first), then 3, 4, ... 7.
    x = np.arange(1.0, 11.0)
    result = prim(table_results({"x": x, "fixed": np.full(10, 5.0)}, np.isin(x, [2, 8, 9, 10])),
                  peel_alpha=0.1, min_support=0.0)
    steps = result.trajectory
    assert steps["runs"].tolist() == [10, 9, 8, 7, 6, 5, 4, 3]
    assert steps["support"].tolist() == pytest.approx([1, .9, .8, .7, .6, .5, .4, .3])
    wars_inside = [4, 4, 3, 3, 3, 3, 3, 3]
    assert steps["coverage"].tolist() == pytest.approx([w / 4 for w in wars_inside])
    assert steps["density"].tolist() == pytest.approx(
        [w / n for w, n in zip(wars_inside, steps["runs"], strict=True)])
    assert [wilson(w, n) for w, n in zip(wars_inside, steps["runs"], strict=True)] == \
        list(zip(steps["density_low"], steps["density_high"], strict=True))
    assert steps["dimensions"].tolist() == [""] + ["param.x"] * 7  # 'fixed' never varies
    # The densest box covering half the wars is the last (8..10, density 1), but on ten runs
    # its interval, [0.44, 1], overlaps even that of all runs, [0.17, 0.69]: all runs it is.
    assert result.step == 0 and result.coverage == 1.0 and result.density == 0.4
    assert result.box.empty
    assert result.box_at(7).to_dict("records") == [{"parameter": "param.x", "low": 8.0,
                                                    "high": 10.0, "original_low": 1.0,
                                                    "original_high": 10.0}]
    assert result.box_at(2)["low"].tolist() == [3.0]


def test_prim_prefers_a_wider_box_whose_density_is_not_clearly_lower() -> None:
    # 200 runs, war iff x > 0.5 except at x = 0.603: peeling past that run makes a pure box,
    # but wider boxes from about x = 0.5 on are not clearly less dense, and the widest is kept.
    x = np.linspace(0, 1, 200)
    war = (x > 0.5) & (np.arange(200) != 120)
    result = prim(table_results({"x": x}, war))
    steps = result.trajectory
    wide = steps[steps["coverage"] >= 0.5]
    densest = wide.iloc[int(np.argmax(wide["density"].to_numpy()))]
    assert densest["density"] == 1.0 and 0.5 <= densest["coverage"] < 1
    assert result.density < 1.0 and result.coverage == 1.0
    assert steps.loc[result.step, "density_high"] >= densest["density_low"]
    assert steps.loc[result.step - 1, "density_high"] < densest["density_low"]
    assert result.box["low"].iloc[0] == pytest.approx(0.5, abs=0.03)


@st.composite
def tables(draw: st.DrawFn) -> Results:
    count = draw(st.integers(5, 60))
    columns = draw(st.integers(1, 3))
    values = draw(st.lists(st.lists(st.integers(0, 9), min_size=count, max_size=count),
                           min_size=columns, max_size=columns))
    war = np.array(draw(st.lists(st.booleans(), min_size=count, max_size=count)))
    params = {f"p{i}": np.array(v, dtype=float) for i, v in enumerate(values)}
    params["p0"] = np.r_[0.0, 9.0, params["p0"][2:]]  # at least one parameter varies
    war[0] = True  # at least one war
    return table_results(params, war)


@settings(max_examples=60, deadline=None)
@given(tables(), st.sampled_from([0.05, 0.1, 0.3]), st.sampled_from([0.0, 0.2]))
def test_prim_boxes_are_nested_and_the_chosen_one_covers_enough(
    results: Results, alpha: float, min_support: float,
) -> None:
    result = prim(results, peel_alpha=alpha, min_support=min_support)
    steps = result.trajectory
    assert steps["runs"].is_monotonic_decreasing and steps["coverage"].is_monotonic_decreasing
    assert (np.diff(steps["runs"]) < 0).all()  # every step peels something
    assert (steps["support"].iloc[1:] >= min_support).all()
    lows, highs = result.bounds[:, :, 0], result.bounds[:, :, 1]
    assert (np.diff(lows, axis=0) >= 0).all() and (np.diff(highs, axis=0) <= 0).all()
    assert result.coverage >= 0.5
    assert result.density == steps["density"].iloc[result.step]


def test_prim_refuses_unknown_outcomes_and_constant_parameters(synthetic: Results) -> None:
    with pytest.raises(ValueError, match="unknown outcome 'truce'"):
        prim(synthetic, outcome="truce")
    constant = table_results({"k": np.ones(10)}, np.arange(10) < 3)
    with pytest.raises(ValueError, match="no parameter varies"):
        prim(constant)
    with pytest.raises(ValueError, match="peel_alpha"):
        prim(synthetic, peel_alpha=1.5)


def test_the_default_outcome_is_war_else_the_last_class(synthetic: Results) -> None:
    assert target_outcome(synthetic) == "war"
    no_war = Results("s", 0, ("calm", "crisis"), synthetic.runs)
    assert target_outcome(no_war) == "crisis" and target_outcome(no_war, "calm") == "calm"
    peace = prim(synthetic, outcome="peace")
    assert peace.outcome == "peace" and peace.hits == (synthetic.runs["outcome"] == "peace").sum()


# -- decision tree ---------------------------------------------------------------------------
def test_the_trees_purest_leaf_is_the_war_box(synthetic: Results) -> None:
    rules = decision_tree(synthetic)
    assert list(rules.columns) == list(RULE_COLUMNS)
    assert rules["runs"].sum() == 4000  # the leaves split the runs
    assert rules["share"].is_monotonic_decreasing
    purest = rules.iloc[0]
    bounds = {(name, op): float(value) for name, op, value in
              re.findall(r"(param\.\w+) (<=|>) ([-\d.e+]+)", purest["rule"])}
    assert set(bounds) == {("param.a", ">"), ("param.b", "<=")}
    assert bounds[("param.a", ">")] == pytest.approx(0.7, abs=0.02)
    assert bounds[("param.b", "<=")] == pytest.approx(0.4, abs=0.02)
    assert purest["share"] > 0.9 and purest["coverage"] > 0.7
    runs = synthetic.runs
    inside = (runs["param.a"] > bounds[("param.a", ">")]) & \
        (runs["param.b"] <= bounds[("param.b", "<=")])
    war = runs["outcome"] == "war"
    assert purest["runs"] == pytest.approx(inside.sum(), abs=2)  # thresholds print to 4 digits
    assert purest["coverage"] == pytest.approx(purest["hits"] / war.sum())
    assert (purest["ci_low"], purest["ci_high"]) == wilson(int(purest["hits"]), int(purest["runs"]))


def test_tree_rules_on_tiny_tables() -> None:
    x = np.arange(1.0, 9.0)
    results = table_results({"x": x}, x > 5)
    rules = decision_tree(results, max_depth=1, min_leaf=1)
    assert rules[["rule", "runs", "hits", "share", "coverage"]].to_dict("records") == [
        {"rule": "param.x > 5.5", "runs": 3, "hits": 3, "share": 1.0, "coverage": 1.0},
        {"rule": "param.x <= 5.5", "runs": 5, "hits": 0, "share": 0.0, "coverage": 0.0}]
    assert tuple(rules.loc[0, ["ci_low", "ci_high"]]) == wilson(3, 3)
    # min_leaf forbids the cut at 5.5 (3 runs on one side): the best allowed cut is at 4.5.
    assert decision_tree(results, max_depth=1, min_leaf=4)["rule"].tolist() == \
        ["param.x > 4.5", "param.x <= 4.5"]
    # Nested cuts on one parameter keep the tightest bound on each side.
    y = np.arange(1.0, 13.0)
    nested = decision_tree(table_results({"y": y}, np.isin(y, [5, 6, 7, 8])), max_depth=2,
                           min_leaf=1, min_gain=0)
    assert nested["rule"].iloc[0] == "param.y > 4.5 and param.y <= 8.5"
    # Two cuts on the same side (y > 4.5, then y > 8.5): the rule keeps only the second.
    steps = np.array([0, 0, 0, 0, 1, 0, 1, 0, 1, 1, 1, 1], dtype=bool)
    climbing = decision_tree(table_results({"y": y}, steps), max_depth=2, min_leaf=1, min_gain=0)
    assert climbing["rule"].tolist() == ["param.y > 8.5", "param.y > 4.5 and param.y <= 8.5",
                                         "param.y <= 4.5"]
    assert climbing["runs"].tolist() == [4, 4, 4] and climbing["hits"].tolist() == [4, 2, 0]
    assert decision_tree(table_results({"y": y}, y > 0), min_leaf=1)["rule"].tolist() == \
        ["all runs"]  # pure: nothing to split


def test_min_gain_stops_splits_that_only_fit_noise(synthetic: Results) -> None:
    rough = decision_tree(synthetic, min_gain=0.0)
    pruned = decision_tree(synthetic)
    assert len(rough) > len(pruned)
    assert rough["runs"].sum() == pruned["runs"].sum() == 4000


# -- figure and a real batch -----------------------------------------------------------------
def test_prim_chart_draws_the_trade_off_and_the_box(synthetic: Results, tmp_path: Path) -> None:
    result = prim(synthetic)
    figure = prim_chart(result)
    curve, ranges = figure.axes
    (errorbars,) = [c for c in curve.containers if isinstance(c, ErrorbarContainer)]
    data = errorbars.lines[0]
    assert isinstance(data, Line2D)
    np.testing.assert_allclose(np.asarray(data.get_xdata(), dtype=float),
                               result.trajectory["coverage"])
    (chosen,) = [line for line in curve.get_lines() if line.get_gid() == "chosen"]
    assert (np.asarray(chosen.get_xdata())[0], np.asarray(chosen.get_ydata())[0]) == \
        (result.coverage, result.density)
    bars = {c.get_label(): c for c in ranges.containers if isinstance(c, BarContainer)}
    box = result.box
    assert len(bars["chosen box"]) == len(bars["full range"]) == len(box) == 2
    assert [bar.get_width() for bar in bars["full range"]] == [1.0, 1.0]
    scale = (box["original_high"] - box["original_low"]).to_numpy()
    starts = [bar.get_x() for bar in bars["chosen box"]]
    np.testing.assert_allclose(starts, (box["low"] - box["original_low"]).to_numpy() / scale)
    labels = [t.get_text() for t in ranges.get_yticklabels()]
    assert labels[0].startswith("a\n") and labels[1].startswith("b\n")
    assert "'war'" in str(figure.get_suptitle()) and curve.get_xlabel() and curve.get_ylabel()
    path = tmp_path / "prim.png"
    figure.savefig(path, dpi=60)
    assert path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_discovery_on_a_real_batch() -> None:
    scenario = escalation.load_scenario(US_IRAN)
    results = escalation.run_batch(scenario, 300, seed=1, backend="serial", progress=False)
    result = prim(results)
    assert result.outcome == "war" and result.runs == 300
    assert len(result.trajectory) >= 2 and result.coverage >= 0.5
    assert set(result.box["parameter"]) <= {c for c in results.runs.columns
                                            if c.startswith("param.")}
    rules = decision_tree(results)
    assert rules["runs"].sum() == 300 and len(rules) <= 8
    assert rules["hits"].sum() == (results.runs["outcome"] == "war").sum()
    prim_chart(result)


# -- weak boxes ------------------------------------------------------------------------------
@pytest.mark.parametrize("parameters", [2, 19])
def test_a_box_found_in_noise_is_weak_and_says_so(parameters: int) -> None:
    """War at 9% whatever the parameters (as many as the seed has): any box PRIM picks is
    noise, whatever the draw."""
    for seed in range(5):
        rng = np.random.default_rng(seed)
        results = table_results({f"x{i}": rng.random(3000) for i in range(parameters)},
                                rng.random(3000) < 0.09)
        result = prim(results)
        assert result.weak, (seed, result.lift)
        assert "weak box" in result.headline()
        assert "a weak box" in prim_chart(result)._suptitle.get_text()  # type: ignore[union-attr]


def test_a_real_box_is_not_weak_and_its_lift_is_density_over_base_rate(synthetic: Results) -> None:
    result = prim(synthetic)
    base = float((synthetic.runs["outcome"] == "war").mean())
    assert result.base_rate == pytest.approx(base)
    assert result.lift == pytest.approx(result.density / base)
    assert not result.weak and result.lift > 2
    assert "weak" not in result.headline() and f"lift {result.lift:.2f}" in result.headline()


def test_weak_means_lift_under_the_threshold_or_an_interval_reaching_the_base_rate() -> None:
    # War at 10%; a > 0.5 raises it to 11.5% (lift 1.15 < 1.3): weak, however many runs show it.
    rng = np.random.default_rng(7)
    a = rng.random(20000)
    war = rng.random(20000) < np.where(a > 0.5, 0.115, 0.085)
    result = prim(table_results({"a": a, "b": rng.random(20000)}, war))
    assert result.lift < MIN_LIFT and result.weak
