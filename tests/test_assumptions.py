"""Changing assumptions: settings and variant files, comparisons with common random numbers,
sweeps and sensitivity, checked on a toy crisis whose answers can be computed by hand.

Toy: A criticises B; B answers with sanctions with probability p (per run); A answers those
with probability q, which ends the run (terminal). So P(both) = p q, P(b_only) = p (1 - q),
P(none) = 1 - p. Actor C never acts; its uncertain resolve is compiled before B's p, so it
tests that pinning one parameter leaves the others' draws alone.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import escalation
from escalation.analysis.compare import compare, comparison_of, paired_differences, paired_interval
from escalation.analysis.sensitivity import sensitivity, swing_table
from escalation.analysis.sweep import parse_axis, sweep
from escalation.montecarlo.batch import run_batch, scenario_as_run
from escalation.montecarlo.stats import wilson
from escalation.plotting.assumptions import comparison_chart, sweep_chart, swing_chart, tornado_chart
from escalation.scenario.overrides import split_path
from tests.toys import COIN_FLIPS, quick

SILENT_C = "actors:\n  c:\n    resolve: {dist: uniform, low: 0, high: 1}\n    QUICK\n"
TOY = quick(COIN_FLIPS.replace("actors:\n", SILENT_C, 1).replace("name: coin_flips", "name: toy"))
B_ANSWERS = "actors.b.policies.answer.probability"
A_ANSWERS = "actors.a.policies.answer.probability"
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def toy_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("toy") / "toy.yaml"
    path.write_text(TOY)
    return path


def outcomes(scenario: escalation.Scenario, runs: int = 400, seed: int = 5) -> pd.Series:
    results = run_batch(scenario, runs, seed, backend="serial", progress=False)
    return results.runs.set_index("run")["outcome"].astype(str)


# -- settings and variants ------------------------------------------------------------------
def test_a_setting_replaces_the_field_and_leaves_the_file_alone(toy_file: Path) -> None:
    changed = escalation.load_scenario(toy_file, [f"{A_ANSWERS}=0.25", "title=changed"])
    assert changed.spec.actors["a"].policies[0].probability == 0.25
    assert changed.spec.title == "changed"
    assert escalation.load_scenario(toy_file).spec.actors["a"].policies[0].probability == 0.6


@given(st.floats(0, 1))
@settings(max_examples=25, deadline=None)
def test_any_valid_probability_round_trips_through_a_setting(value: float) -> None:
    scenario = escalation.load_scenario_text(TOY, "toy.yaml", [f"{A_ANSWERS}={value!r}"])
    assert scenario.spec.actors["a"].policies[0].probability == value


@pytest.mark.parametrize(("setting", "expected"), [
    (f"{A_ANSWERS}=2", "toy.yaml' with --set"),  # out of range: the format's own check
    ("actors.d.resolve=0.5", "'actors' has no field 'd'"),
    ("actors.a.policies.answr.probability=0.5", "did you mean 'answer'"),
    ("actors.a.policies[3].probability=0.5", "[3] is out of range"),
    ("actors.a.policies.answer.probability", "expected PATH=VALUE"),
    ("actors.a.policies.answer.probability=[1, 2", "not valid YAML"),
    ("actors.a.deliberation_hours.x=1", "is a value, not a section"),
])
def test_a_bad_setting_is_reported_at_the_setting(toy_file: Path, setting: str, expected: str) -> None:
    with pytest.raises(escalation.ScenarioError) as caught:
        escalation.load_scenario(toy_file, [setting])
    text = str(caught.value)
    assert f"--set '{setting}'" in text
    if expected != "toy.yaml' with --set":
        assert expected in text


def test_a_unique_end_of_a_path_is_enough(toy_file: Path) -> None:
    short = escalation.load_scenario(toy_file, ["a.policies.answer.probability=0.25"])
    assert short.spec.actors["a"].policies[0].probability == 0.25
    with pytest.raises(escalation.ScenarioError, match=r"ends 2 paths .*give more of it"):
        escalation.load_scenario(toy_file, ["answer.probability=0.25"])
    with pytest.raises(escalation.ScenarioError, match=r"--set 'nothing.here=1':1:14: nothing: unknown"):
        escalation.load_scenario(toy_file, ["nothing.here=1"])


def test_field_paths_split_into_names_and_indices() -> None:
    assert split_path("actors.iran.policies[2].k") == ["actors", "iran", "policies", 2, "k"]
    assert split_path("accidents[0].rate_per_day") == ["accidents", 0, "rate_per_day"]
    with pytest.raises(ValueError):
        split_path("actors..iran")


def test_a_variant_file_is_its_base_with_the_changes(toy_file: Path) -> None:
    variant = toy_file.with_name("toy_slow.yaml")
    variant.write_text(f"extends: toy.yaml\nname: toy_slow\nset:\n  {A_ANSWERS}: 0.1\n")
    loaded = escalation.load_scenario(variant)
    expected = escalation.load_scenario(toy_file, ["name=toy_slow", f"{A_ANSWERS}=0.1"])
    assert loaded.spec == expected.spec
    dumped = escalation.load_scenario_text(scenario_as_run(loaded).decode(), "as_run.yaml")
    assert dumped.spec == loaded.spec  # the batch folder's copy stands alone


def test_variant_faults_name_the_variant_file_and_line(toy_file: Path) -> None:
    bad = toy_file.with_name("bad_variant.yaml")
    bad.write_text(f"extends: toy.yaml\nset:\n  {A_ANSWERS}: 0.1\n  actors.a.policies.nope.k: 1\n")
    with pytest.raises(escalation.ScenarioError) as caught:
        escalation.load_scenario(bad)
    assert f"{bad}:4:" in str(caught.value)
    loop = toy_file.with_name("loop.yaml")
    loop.write_text("extends: loop.yaml\n")
    with pytest.raises(escalation.ScenarioError, match="loop"):
        escalation.load_scenario(loop)
    missing = toy_file.with_name("missing.yaml")
    missing.write_text("extends: nowhere.yaml\n")
    with pytest.raises(escalation.ScenarioError, match=r"missing.yaml:1:.*no file"):
        escalation.load_scenario(missing)


# -- common random numbers -----------------------------------------------------------------
def test_pinning_one_parameter_leaves_every_other_draw_alone(toy_file: Path) -> None:
    base = escalation.load_scenario(toy_file)
    pinned = escalation.load_scenario(toy_file, ["actors.c.resolve=0.5"])
    first = run_batch(base, 300, 9, backend="serial", progress=False).runs
    second = run_batch(pinned, 300, 9, backend="serial", progress=False).runs
    column = f"param.{B_ANSWERS}"
    assert np.array_equal(first[column].to_numpy(), second[column].to_numpy())
    assert first["outcome"].astype(str).equals(second["outcome"].astype(str))


def test_comparing_a_scenario_with_itself_gives_zero_inside_a_finite_interval(toy_file: Path) -> None:
    """No run changes, so the difference is exactly zero; its interval is not: 500 pairs
    cannot prove a difference of exactly zero (Newcombe's interval, never Wald's point)."""
    scenario = escalation.load_scenario(toy_file)
    comparison = compare(scenario, scenario, 500, seed=3, backend="serial", progress=False)
    table = comparison.differences
    assert (table["difference"] == 0).all() and comparison.changed_runs == 0
    assert (table["ci_low"] < 0).all() and (table["ci_high"] > 0).all()
    assert (table["ci_high"] < table["independent_half_width"]).all()
    assert (table["independent_half_width"] > 0).all()
    assert "exact" not in comparison.format() and "no run moved" in comparison.format()
    assert comparison.pairing_warning() is None
    figure = comparison_chart(comparison)
    assert len(figure.axes[0].containers) == 2  # paired and independent error bars


def test_a_change_that_cannot_matter_changes_no_run(toy_file: Path) -> None:
    base = escalation.load_scenario(toy_file)
    variant = escalation.load_scenario(toy_file, ["actors.c.resolve=0.9", "title=irrelevant"])
    comparison = compare(base, variant, 500, seed=3, backend="serial", progress=False)
    assert comparison.changed_runs == 0
    assert (comparison.differences["discordant"] == 0).all()


def test_a_change_moves_only_the_runs_it_can_reach(toy_file: Path) -> None:
    """q from 0.6 to 0.2: B's decisions are the same streams, so no run leaves or enters
    'none'; some 'both' runs become 'b_only'; the difference is -0.4 p on average."""
    base = escalation.load_scenario(toy_file)
    variant = escalation.load_scenario(toy_file, [f"{A_ANSWERS}=0.2"])
    comparison = compare(base, variant, 3000, seed=8, backend="serial", progress=False)
    moves = comparison.transitions
    assert moves.loc["none", "none"] == moves.loc["none"].sum() == moves["none"].sum()
    assert moves.loc["b_only", "both"] == 0 and moves.loc["both", "b_only"] > 0
    row = comparison.differences.loc["both"]
    assert row["ci_low"] <= -0.4 * 0.3 <= row["ci_high"]
    assert row["half_width"] < row["independent_half_width"]


def test_paired_differences_by_hand() -> None:
    """Four pairs: x loses one run to y. For x: both 1, variant only 0, base only 1, neither 2."""
    base = pd.Series(["x", "x", "y", "y"])
    variant = pd.Series(["x", "y", "y", "y"])
    table = paired_differences(base, variant, ["x", "y"])
    assert table.loc["x", "difference"] == pytest.approx(-0.25)
    assert table.loc["y", "difference"] == pytest.approx(0.25)
    low, high = paired_interval(1, 0, 1, 2)
    assert (table.loc["x", "ci_low"], table.loc["x", "ci_high"]) == pytest.approx((low, high))
    assert low < -0.25 < high
    assert table.loc["x", "discordant"] == 1


def test_batches_with_other_seeds_are_not_paired(toy_file: Path) -> None:
    scenario = escalation.load_scenario(toy_file)
    a = run_batch(scenario, 50, 1, backend="serial", progress=False)
    b = run_batch(scenario, 50, 2, backend="serial", progress=False)
    with pytest.raises(ValueError, match="same seed"):
        comparison_of(a, b)


# -- sweeps ---------------------------------------------------------------------------------
def test_a_sweep_matches_the_hand_computed_probabilities(toy_file: Path) -> None:
    axis = parse_axis(f"{B_ANSWERS}=0:1:3")
    assert axis.values == (0.0, 0.5, 1.0)
    table = sweep(lambda s: escalation.load_scenario(toy_file, s), [axis], 1500, 4,
                  backend="serial", progress=False)
    for p in axis.values:
        rows = table[table[B_ANSWERS] == p].set_index("outcome")
        assert rows["probability"].sum() == pytest.approx(1.0)
        for outcome, truth in {"both": p * 0.6, "b_only": p * 0.4, "none": 1 - p}.items():
            assert rows.loc[outcome, "ci_low"] <= truth <= rows.loc[outcome, "ci_high"]
    assert len(sweep_chart(table, [B_ANSWERS]).axes[0].lines) == 3


def test_a_two_field_sweep_is_a_grid_and_a_heat_map(toy_file: Path) -> None:
    axes = [parse_axis(f"{B_ANSWERS}=0,1"), parse_axis(f"{A_ANSWERS}=0:1:2")]
    table = sweep(lambda s: escalation.load_scenario(toy_file, s), axes, 200, 4,
                  backend="serial", progress=False, outcomes=["both"])
    assert len(table) == 4 and set(table["outcome"]) == {"both"}
    corner = table[(table[B_ANSWERS] == 1) & (table[A_ANSWERS] == 1)]
    assert corner["probability"].iloc[0] == 1.0
    figure = sweep_chart(table, [B_ANSWERS, A_ANSWERS], "both")
    assert figure.axes[0].images[0].get_array().shape == (2, 2)


@pytest.mark.parametrize("text", ["x", "x=", "x=0:1", "x=0:1:1", "x=a:1:3", "x=0:inf:3"])
def test_bad_sweep_axes_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="--param"):
        parse_axis(text)


# -- sensitivity -----------------------------------------------------------------------------
def test_sobol_ranks_the_parameter_that_matters_and_zeroes_the_one_that_cannot(toy_file: Path) -> None:
    scenario = escalation.load_scenario(toy_file, [f"{B_ANSWERS}={{dist: uniform, low: 0, high: 1}}"])
    result = sensitivity(scenario, "none", samples=128, seed=2)
    table = result.indices
    assert table.index[0] == B_ANSWERS
    assert table.loc["actors.c.resolve", "ST"] == 0 and table.loc["actors.c.resolve", "S1"] == 0
    assert table.loc[B_ANSWERS, "ST"] > 0.5  # P(none) = 1 - p: p explains most of it
    assert result.runs == 128 * 4
    assert len(tornado_chart(result).axes[0].patches) == 2 * len(table)


# With p ~ uniform(0, 1), 'none' happens iff B's decision uniform u (shared by every point of
# a base sample) is at least p: Y = 1[u >= p]. So V = 1/4 and, chance held fixed, both of p's
# indices are (E[Y] - E[P(Y | u)^2]) / V = (1/2 - 1/3) / (1/4) = 2/3; C's resolve changes no
# run, so its indices are exactly 0.
TRUE_INDEX = 2 / 3


def test_sobol_intervals_cover_the_known_indices_and_flag_the_zero(toy_file: Path) -> None:
    scenario = escalation.load_scenario(toy_file, [f"{B_ANSWERS}={{dist: uniform, low: 0, high: 1}}"])
    for seed in (1, 2, 3):
        result = sensitivity(scenario, "none", samples=512, seed=seed)
        row = result.indices.loc[B_ANSWERS]
        for index in ("S1", "ST"):  # within two half-widths: a miss would be a 1-in-10^4 draw
            assert abs(row[index] - TRUE_INDEX) <= 2 * row[f"{index}_conf"] + 1e-9, (seed, index)
            assert not row[f"{index}_zero"]
        assert result.indistinguishable() == ["actors.c.resolve"]
        assert result.indices.loc["actors.c.resolve", ["S1_zero", "ST_zero"]].all()
    text = result.format()
    (line,) = [x for x in text.splitlines() if x.strip().startswith("actors.c.resolve")]
    assert "≈ 0" in line and "+0.000 [+0.000, +0.000]" in line
    assert "1 of 2 parameters cannot be told from zero" in text
    assert "first order S1" in text and "against the swing chart" in text


def test_adaptive_sampling_stops_when_precise_and_reuses_its_runs(
    toy_file: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    scenario = escalation.load_scenario(toy_file, [f"{B_ANSWERS}={{dist: uniform, low: 0, high: 1}}"])
    loose = sensitivity(scenario, "none", seed=4, precision=0.5)
    assert loose.stopped_by == "precision" and loose.samples == 512
    assert loose.indices["ST_conf"].max() <= 0.5
    monkeypatch.setattr(sys.modules["escalation.analysis.sensitivity"], "START_SAMPLES", 32)
    doubled = sensitivity(scenario, "none", seed=4, precision=1e-9, max_samples=128)
    assert doubled.stopped_by == "budget" and doubled.samples == 128
    fixed = sensitivity(scenario, "none", seed=4, samples=128)
    pd.testing.assert_frame_equal(doubled.indices, fixed.indices)  # the same design and runs


def test_morris_agrees_and_workers_do_not_change_it(toy_file: Path) -> None:
    scenario = escalation.load_scenario(toy_file, [f"{B_ANSWERS}={{dist: uniform, low: 0, high: 1}}"])
    one = sensitivity(scenario, "none", method="morris", samples=20, seed=1)
    two = sensitivity(scenario, "none", method="morris", samples=20, seed=1, workers=2)
    pd.testing.assert_frame_equal(one.indices, two.indices)
    assert one.indices.index[0] == B_ANSWERS and one.indices.loc["actors.c.resolve", "mu_star"] == 0


def test_sensitivity_refuses_what_it_cannot_rank(toy_file: Path) -> None:
    scenario = escalation.load_scenario(toy_file)
    with pytest.raises(ValueError, match="not an outcome"):
        sensitivity(scenario, "victory")
    with pytest.raises(ValueError, match="method"):
        sensitivity(scenario, method="fast")


def test_swing_table_finds_the_parameter_that_matters(toy_file: Path) -> None:
    scenario = escalation.load_scenario(toy_file, [f"{B_ANSWERS}={{dist: uniform, low: 0, high: 1}}"])
    results = run_batch(scenario, 2000, 6, backend="serial", progress=False)
    table = swing_table(results, "both")
    assert table.index[0] == B_ANSWERS
    low = results.runs[results.runs[f"param.{B_ANSWERS}"] <= table.loc[B_ANSWERS, "low_value"]]
    hits = int((low["outcome"] == "both").sum())
    assert table.loc[B_ANSWERS, "p_low"] == pytest.approx(hits / len(low))
    assert table.loc[B_ANSWERS, "p_low_ci_low"] == pytest.approx(wilson(hits, len(low))[0])
    assert abs(table.loc["actors.c.resolve", "swing"]) < table.loc[B_ANSWERS, "swing"]
    assert len(swing_chart(table, "both").axes[0].patches) == 2 * len(table)


# -- the commands ----------------------------------------------------------------------------
def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "escalation.cli", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=300)


def test_compare_sweep_and_sensitivity_commands_write_their_files(toy_file: Path, tmp_path: Path) -> None:
    done = cli("compare", str(toy_file), "--set", f"{A_ANSWERS}=0.2", "--runs", "300",
               "--backend", "serial", "--quiet", "--out", str(tmp_path / "cmp"))
    assert done.returncode == 0, done.stderr
    assert "paired" in done.stdout and (tmp_path / "cmp" / "comparison.svg").stat().st_size > 0
    done = cli("sweep", str(toy_file), "--param", f"{B_ANSWERS}=0:1:3", "--runs", "200",
               "--backend", "serial", "--quiet", "--out", str(tmp_path / "sweep"))
    assert done.returncode == 0, done.stderr
    assert len(pd.read_csv(tmp_path / "sweep" / "sweep.csv")) == 9
    done = cli("sensitivity", str(toy_file), "--samples", "16", "--workers", "1",
               "--out", str(tmp_path / "sens"))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "sens" / "tornado.png").stat().st_size > 0


def test_compare_without_a_change_is_a_clear_error(toy_file: Path) -> None:
    done = cli("compare", str(toy_file), "--runs", "10")
    assert done.returncode == 2 and "say what changes" in done.stderr and "Traceback" not in done.stderr
    done = cli("run", str(toy_file), "--set", "actors.a.policies.answr.k=1", "--runs", "10")
    assert done.returncode == 2 and "did you mean 'answer'" in done.stderr
