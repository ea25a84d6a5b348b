"""How crises unfold over time: rung paths and bands, tension rebuilt from events, rung
transitions, Kaplan–Meier curves, and their figures.

- Rung paths and bands of a hand-made batch whose paths are known; bands equal the inverted-CDF
  percentiles of the paths for any batch (hypothesis).
- Transition counts of hand-made rows, rungs passed on the same day skipped.
- Kaplan–Meier against the 6-MP arm of Freireich's leukaemia trial, computed by hand; with no
  censoring it is the empirical survival share; the times to outcomes and first passages equal
  the plain cumulative shares of runs.
- Tension rebuilt from the kept events equals the tension recorded at each event, decays with
  the run's own half-life between events, stays put after the end, and equals the rebuild from
  replayed runs.
- The figures draw those numbers and write to PNG; a real batch of the seed scenario goes
  through every function.
"""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

import escalation
from escalation.analysis.ladder import (
    BAND_COLUMNS,
    PERCENTILES,
    default_days,
    half_life_hours,
    rung_bands,
    rung_paths,
    tension_bands,
    tension_paths,
    transition_matrix,
)
from escalation.analysis.survival import first_passage, kaplan_meier, time_to_outcome
from escalation.montecarlo.results import Results
from escalation.montecarlo.stats import Z95, wilson
from escalation.plotting.dynamics import (
    first_passage_chart,
    rung_fan_chart,
    survival_chart,
    tension_fan_chart,
    transition_heatmap,
)

ROOT = Path(__file__).resolve().parents[1]
US_IRAN = ROOT / "scenarios" / "us_iran_2020.yaml"
MINIMAL = ROOT / "benchmarks" / "minimal.yaml"
RUNS = 300
NAN = float("nan")


def hand_results(rung_day: list[list[float]], durations: list[float], outcomes: list[str]
                 ) -> Results:
    """A batch built by hand: rung_day.1.. columns, durations and outcomes."""
    runs = pd.DataFrame({"run": range(len(durations)),
                         "outcome": pd.Categorical(outcomes, categories=["war", "peace"]),
                         "duration_days": durations})
    for k, column in enumerate(np.array(rung_day, dtype=float).T, start=1):
        runs[f"rung_day.{k}"] = column
    return Results("hand", 0, ("war", "peace"), runs)


# Four runs on a ladder of rungs 0..3, and their top rung on days 0..7 (ended runs keep theirs).
HAND = hand_results(
    rung_day=[[1, 1, NAN], [2, 4, 4], [NAN, NAN, NAN], [0.5, 3, 6]],
    durations=[5, 4, 3, 6], outcomes=["peace", "war", "peace", "war"])
DAYS = np.arange(8.0)
HAND_PATHS = [[0, 2, 2, 2, 2, 2, 2, 2],
              [0, 0, 1, 1, 3, 3, 3, 3],
              [0, 0, 0, 0, 0, 0, 0, 0],
              [0, 1, 1, 2, 2, 2, 3, 3]]


@pytest.fixture(scope="module")
def scenario() -> escalation.Scenario:
    return escalation.load_scenario(US_IRAN)


@pytest.fixture(scope="module")
def results(scenario: escalation.Scenario) -> Results:
    """A real batch of the seed scenario, with its events."""
    return escalation.run_batch(scenario, RUNS, seed=1, backend="serial", progress=False,
                                keep_events=True)


# -- rung paths and bands --------------------------------------------------------------------
def test_rung_paths_of_a_hand_made_batch() -> None:
    assert rung_paths(HAND, DAYS).tolist() == HAND_PATHS


def test_rung_bands_of_a_hand_made_batch() -> None:
    bands = rung_bands(HAND, DAYS)
    assert tuple(bands.columns) == BAND_COLUMNS
    # Of four runs, p05 and p25 are the lowest, the median the second, p75 the third and p95
    # the highest (the inverted CDF: the lowest value at least p% of runs are at or below).
    expected = {"p05": [0] * 8, "p25": [0] * 8,
                "median": [0, 0, 1, 1, 2, 2, 2, 2],
                "p75": [0, 1, 1, 2, 2, 2, 3, 3],
                "p95": [0, 2, 2, 2, 3, 3, 3, 3],
                "mean": [0, 0.75, 1, 1.25, 1.75, 1.75, 2, 2],
                "running": [1, 1, 1, 0.75, 0.5, 0.25, 0, 0]}
    for column, values in expected.items():
        assert bands[column].tolist() == values, column
    assert bands["day"].tolist() == DAYS.tolist()
    low, high = wilson(3, 4)
    assert (bands.loc[3, "running_low"], bands.loc[3, "running_high"]) == (low, high)


def test_rung_bands_default_to_the_longest_run_and_leave_out_failed_runs() -> None:
    runs = HAND.runs.copy()
    runs["outcome"] = runs["outcome"].cat.add_categories(["failed"])
    runs.loc[3, "outcome"] = "failed"
    runs.loc[3, "duration_days"] = NAN
    failing = replace(HAND, runs=runs)
    days = default_days(failing)
    assert days[0] == 0 and days[-1] == 5 and len(days) == 201
    bands = rung_bands(failing, DAYS)
    assert bands["mean"].tolist()[-1] == pytest.approx(5 / 3)
    assert bands.loc[0, "running"] == 1 and bands.loc[4, "running"] == pytest.approx(1 / 3)


@st.composite
def monotone_batches(draw: st.DrawFn) -> tuple[Results, np.ndarray]:
    """Batches whose top rung climbs as real runs' do: rung k reached no earlier than k-1."""
    top = draw(st.integers(1, 5))
    count = draw(st.integers(1, 40))
    rows, durations = [], []
    for _ in range(count):
        reached = draw(st.integers(0, top))
        days = sorted(draw(st.lists(st.integers(0, 20), min_size=reached, max_size=reached)))
        rows.append([d / 2 for d in days] + [NAN] * (top - reached))
        durations.append(max([10.0, *rows[-1][:reached]]))
    grid = np.array(sorted(draw(st.lists(st.integers(0, 24), min_size=1, max_size=10)))) / 2
    return hand_results(rows, durations, ["peace"] * count), grid


@settings(max_examples=60, deadline=None)
@given(monotone_batches())
def test_rung_bands_are_the_percentiles_of_the_rung_paths(batch: tuple[Results, np.ndarray]
                                                          ) -> None:
    results, days = batch
    paths = rung_paths(results, days)
    bands = rung_bands(results, days)
    for column, percent in PERCENTILES.items():
        expected = np.percentile(paths, percent, axis=0, method="inverted_cdf")
        assert bands[column].tolist() == expected.tolist(), column
    np.testing.assert_allclose(bands["mean"], paths.mean(axis=0))
    assert np.all(np.diff(paths, axis=1) >= 0)  # the top rung never goes down


# -- transitions -----------------------------------------------------------------------------
def test_transition_counts_of_hand_made_rows() -> None:
    counts = transition_matrix(HAND)
    assert list(counts.index) == [0, 1, 2, 3] and list(counts.columns) == [1, 2, 3, "end"]
    # run 0: 0 > 2 (rungs 1 and 2 the same day) > end; run 1: 0 > 1 > 3 > end;
    # run 2: 0 > end; run 3: 0 > 1 > 2 > 3 > end.
    assert counts.to_numpy().tolist() == [[2, 1, 0, 1],
                                          [0, 1, 1, 0],
                                          [0, 0, 1, 1],
                                          [0, 0, 0, 2]]
    shares = transition_matrix(HAND, normalize=True)
    assert shares.to_numpy().tolist()[0] == [0.5, 0.25, 0, 0.25]
    assert shares["end"].tolist()[3] == 1
    empty = transition_matrix(hand_results([[1, 1, NAN]], [2], ["peace"]), normalize=True)
    assert np.isnan(empty.to_numpy()[1]).all() and empty["end"].tolist()[2] == 1


# -- Kaplan–Meier ----------------------------------------------------------------------------
# The 6-MP arm of the Freireich et al. (1963) leukaemia trial: weeks in remission until a
# relapse, or until the patient left the study (censored).
RELAPSED = [6, 6, 6, 7, 10, 13, 16, 22, 23]
CENSORED = [6, 9, 10, 11, 17, 19, 20, 25, 32, 32, 34, 35]


def test_kaplan_meier_on_the_6mp_textbook_example() -> None:
    times = np.array(RELAPSED + CENSORED, dtype=float)
    observed = np.arange(times.size) < len(RELAPSED)
    table = kaplan_meier(times, observed)
    assert table["time"].tolist() == [6, 7, 10, 13, 16, 22, 23]
    assert table["at_risk"].tolist() == [21, 17, 15, 12, 11, 7, 6]  # 6+ is at risk at 6
    assert table["events"].tolist() == [3, 1, 1, 1, 1, 1, 1]
    survival = np.cumprod([18 / 21, 16 / 17, 14 / 15, 11 / 12, 10 / 11, 6 / 7, 5 / 6])
    np.testing.assert_allclose(table["survival"], survival, rtol=1e-12)
    np.testing.assert_allclose(table["survival"], [0.857, 0.807, 0.753, 0.690, 0.627, 0.538,
                                                   0.448], atol=5e-4)
    # Greenwood's standard errors, as the textbooks print them.
    greenwood = np.cumsum([3 / (21 * 18), 1 / (17 * 16), 1 / (15 * 14), 1 / (12 * 11),
                           1 / (11 * 10), 1 / (7 * 6), 1 / (6 * 5)])
    np.testing.assert_allclose(survival * np.sqrt(greenwood),
                               [0.0764, 0.0869, 0.0963, 0.1068, 0.1141, 0.1282, 0.1346], atol=5e-5)
    # log(-log) interval by hand at week 6, then the whole table as printed (3 decimals).
    s, spread = 18 / 21, Z95 * math.sqrt(3 / (21 * 18)) / abs(math.log(18 / 21))
    assert table.loc[0, "ci_low"] == pytest.approx(s ** math.exp(spread), rel=1e-12)
    assert table.loc[0, "ci_high"] == pytest.approx(s ** math.exp(-spread), rel=1e-12)
    np.testing.assert_allclose(table["ci_low"], [0.620, 0.563, 0.503, 0.432, 0.368, 0.268, 0.188],
                               atol=5e-4)
    np.testing.assert_allclose(table["ci_high"], [0.952, 0.923, 0.889, 0.849, 0.805, 0.747,
                                                  0.680], atol=5e-4)


def test_kaplan_meier_edge_cases() -> None:
    table = kaplan_meier(np.array([1.0, 2, 2, 3]), np.ones(4, dtype=bool))
    assert table["survival"].tolist() == [0.75, 0.25, 0.0]
    assert np.isnan(table[["ci_low", "ci_high"]].to_numpy()[2]).all()
    assert kaplan_meier(np.array([4.0, 5.0]), np.zeros(2, dtype=bool)).empty
    with pytest.raises(ValueError, match="NaN"):
        kaplan_meier(np.array([1.0, NAN]), np.ones(2, dtype=bool))
    with pytest.raises(ValueError, match="same length"):
        kaplan_meier(np.array([1.0, 2.0]), np.ones(3, dtype=bool))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 30), min_size=1, max_size=60))
def test_kaplan_meier_without_censoring_is_the_empirical_survival(values: list[int]) -> None:
    times = np.array(values, dtype=float)
    table = kaplan_meier(times, np.ones(times.size, dtype=bool))
    assert table["time"].tolist() == sorted(set(values))
    expected = [(times > t).mean() for t in table["time"]]
    np.testing.assert_allclose(table["survival"], expected, atol=1e-12)
    inside = table["survival"] > 0
    assert (table.loc[inside, "ci_low"] <= table.loc[inside, "survival"] + 1e-12).all()
    assert (table.loc[inside, "ci_high"] >= table.loc[inside, "survival"] - 1e-12).all()


def test_time_to_outcome_is_the_cumulative_share_of_runs(results: Results) -> None:
    done = results.completed
    summary = results.summary()
    assert (summary["runs"] > 0).sum() >= 2, "the batch should end in several outcomes"
    for name, row in summary.iterrows():
        table = time_to_outcome(results, str(name))
        if row["runs"] == 0:
            assert table.empty
            continue
        durations = done["duration_days"][done["outcome"] == name].to_numpy()
        shares = [(durations <= t).sum() / len(done) for t in table["time"]]
        np.testing.assert_allclose(1 - table["survival"], shares, atol=1e-12)
        assert 1 - table["survival"].iloc[-1] == pytest.approx(row["probability"], abs=1e-12)
        assert table["at_risk"].iloc[0] == len(done)  # other outcomes stay at risk


def test_time_to_outcome_on_hand_made_rows_with_a_horizon() -> None:
    table = time_to_outcome(HAND, "war")
    assert table["time"].tolist() == [4, 6] and table["at_risk"].tolist() == [4, 3]
    assert (1 - table["survival"]).tolist() == [0.25, 0.5]
    cut = time_to_outcome(HAND, "war", horizon_days=5)  # the war on day 6 is after it
    assert cut["time"].tolist() == [4] and 1 - cut["survival"].iloc[-1] == 0.25
    with pytest.raises(ValueError, match="unknown outcome 'truce'"):
        time_to_outcome(HAND, "truce")


def test_first_passage_is_the_share_of_runs_that_reached_the_rung(results: Results) -> None:
    done = results.completed
    for rung in (1, 7, 8):
        days = done[f"rung_day.{rung}"].to_numpy()
        table = first_passage(results, rung)
        shares = [(days <= t).sum() / len(done) for t in table["time"]]
        np.testing.assert_allclose(1 - table["survival"], shares, atol=1e-12)
    hand = first_passage(HAND, 2)
    assert hand["time"].tolist() == [1, 3, 4] and (1 - hand["survival"]).tolist() == [
        0.25, 0.5, 0.75]
    with pytest.raises(ValueError, match=r"rungs 1\.\.3"):
        first_passage(HAND, 4)


# -- tension ---------------------------------------------------------------------------------
def last_at_each_time(times: np.ndarray) -> np.ndarray:
    """Which events are the last of those at the same moment (the level right after them)."""
    return np.r_[times[1:] != times[:-1], True]


def test_tension_rebuilt_from_events_equals_the_recorded_tension_and_decays_between(
    scenario: escalation.Scenario, results: Results,
) -> None:
    assert results.events is not None
    half_life = 7.0 * 24  # us_iran_2020.yaml: tension.half_life_days: 7
    for run in (0, 1, 2):
        trace = results.events[results.events["run"] == run]
        times, levels = trace["time"].to_numpy(), trace["tension"].to_numpy()
        duration = float(results.runs.loc[results.runs["run"] == run, "duration_days"].iloc[0])
        single = replace(results, runs=results.runs[results.runs["run"] == run])
        # Right after each event (days and hours differ by a rounding error at the event).
        at_events = tension_paths(scenario, single, times / 24 + 1e-9, runs=1)[0]
        last = last_at_each_time(times)
        np.testing.assert_allclose(at_events[last], levels[last], rtol=1e-9)
        gap = times[1:] > times[:-1]  # event i is the last at its moment, i + 1 comes later
        between = ((times[:-1] + times[1:]) / 2)[gap]
        expected = levels[:-1][gap] * 0.5 ** ((between - times[:-1][gap]) / half_life)
        np.testing.assert_allclose(tension_paths(scenario, single, between / 24, runs=1)[0],
                                   expected, rtol=1e-12)
        after = tension_paths(scenario, single, np.array([duration, duration + 5, 0.0]), runs=1)[0]
        assert after[0] == after[1] > 0 and after[2] == 0  # held after the end; 0 before any event


def test_tension_of_a_hand_made_trace(scenario: escalation.Scenario) -> None:
    # Events at hour 24 (level 1) and two at hour 48 (1.8, then 2); the run ends on day 5.
    runs = pd.DataFrame({"run": [0], "outcome": ["war"], "duration_days": [5.0]})
    events = pd.DataFrame({"run": [0, 0, 0], "time": [24.0, 48.0, 48.0],
                           "tension": [1.0, 1.8, 2.0]})
    trace = Results("hand", 0, ("war",), runs, events=events)
    days = np.array([0, 0.5, 1, 1.5, 2, 3, 5, 10])
    decay = 0.5 ** (np.array([12, 24, 72]) / (7 * 24))  # half-life 7 days (us_iran_2020.yaml)
    expected = [0, 0, 1, decay[0], 2, 2 * decay[1], 2 * decay[2], 2 * decay[2]]
    np.testing.assert_allclose(tension_paths(scenario, trace, days)[0], expected, rtol=1e-12)
    bands = tension_bands(scenario, trace, days)
    np.testing.assert_allclose(bands["median"], expected, rtol=1e-12)
    assert bands["running"].tolist() == [1, 1, 1, 1, 1, 1, 0, 0]


def test_tension_uses_each_runs_own_half_life(tmp_path: Path) -> None:
    text = MINIMAL.read_text() + "\ntension:\n  half_life_days: {dist: uniform, low: 0.2, high: 3}\n"
    scenario = escalation.load_scenario_text(text, "minimal_with_half_life")
    batch = escalation.run_batch(scenario, 6, seed=3, backend="serial", progress=False,
                                 keep_events=True)
    column = "param.tension.half_life_days"
    assert batch.runs[column].nunique() == 6
    assert batch.events is not None
    for _, row in batch.runs.iterrows():
        assert half_life_hours(scenario, row) == row[column] * 24
        first = batch.events.loc[batch.events["run"] == row["run"], "time"].iloc[0]
        single = replace(batch, runs=batch.runs[batch.runs["run"] == row["run"]])
        hours = first + np.array([0.2, 0.4])  # the opening strike, before any answer
        values = tension_paths(scenario, single, hours / 24, runs=1)[0]
        assert values[1] / values[0] == pytest.approx(0.5 ** (0.2 / (row[column] * 24)), rel=1e-9)


def test_tension_from_replayed_runs_equals_tension_from_kept_events(
    scenario: escalation.Scenario, results: Results,
) -> None:
    days = np.linspace(0, 30, 61)
    kept = tension_bands(scenario, results, days, runs=15)
    replayed = tension_bands(scenario, replace(results, events=None), days, runs=15)
    pd.testing.assert_frame_equal(kept, replayed)
    paths = tension_paths(scenario, results, days, runs=15)
    assert paths.shape == (15, 61)
    np.testing.assert_allclose(kept["median"], np.median(paths, axis=0))
    assert kept.loc[0, "median"] == 0 and (kept["p95"] >= kept["p05"]).all()


# -- figures ---------------------------------------------------------------------------------
def gids(figure: Figure) -> dict[str, Any]:
    return {str(a.get_gid()): a for axes in figure.axes for a in
            [*axes.get_lines(), *axes.collections, *axes.texts, *axes.images] if a.get_gid()}


def line_data(artist: Any) -> tuple[np.ndarray, np.ndarray]:
    assert isinstance(artist, Line2D)
    x, y = artist.get_data()
    return np.asarray(x, dtype=float), np.asarray(y, dtype=float)


def assert_png(figure: Figure, path: Path) -> None:
    figure.savefig(path, format="png", dpi=60)
    assert path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n") and path.stat().st_size > 5_000


def test_rung_fan_chart_draws_the_bands_and_names_the_rungs(
    scenario: escalation.Scenario, results: Results, tmp_path: Path,
) -> None:
    figure = rung_fan_chart(results, scenario)
    fan, running = figure.axes
    drawn = gids(figure)
    assert {"band-50", "band-90", "median", "mean", "running", "running-interval"} <= set(drawn)
    assert isinstance(drawn["band-90"], PolyCollection)
    bands = rung_bands(results)
    x, y = line_data(drawn["median"])
    assert x.tolist() == bands["day"].tolist() and y.tolist() == bands["median"].tolist()
    assert line_data(drawn["running"])[1].tolist() == bands["running"].tolist()
    assert [t.get_text() for t in fan.get_yticklabels()] == \
        [f"{k} {name}" for k, name in enumerate(scenario.ladder.rungs)]
    assert f"{RUNS} runs" in fan.get_title() and running.get_xlabel() and fan.get_ylabel()
    assert [t.get_text() for t in rung_fan_chart(HAND).axes[0].get_yticklabels()] == \
        ["0", "1", "2", "3"]
    assert_png(figure, tmp_path / "rungs.png")


def test_tension_fan_chart_draws_the_tension_bands(
    scenario: escalation.Scenario, results: Results, tmp_path: Path,
) -> None:
    figure = tension_fan_chart(scenario, results, runs=40)
    bands = tension_bands(scenario, results, runs=40)
    np.testing.assert_allclose(line_data(gids(figure)["median"])[1], bands["median"])
    assert "first 40 runs" in figure.axes[0].get_title()
    assert_png(figure, tmp_path / "tension.png")


def test_survival_chart_ends_each_outcome_at_its_probability(results: Results, tmp_path: Path
                                                             ) -> None:
    figure = survival_chart(results)
    drawn = gids(figure)
    summary = results.summary()
    present = [str(n) for n, row in summary.iterrows() if row["runs"] > 0]
    assert sorted(k for k in drawn if k.startswith("outcome-")) == sorted(f"outcome-{n}"
                                                                          for n in present)
    for name in present:
        x, y = line_data(drawn[f"outcome-{name}"])
        assert x[0] == 0 and y[0] == 0 and y[-1] == pytest.approx(summary.loc[name, "probability"])
        assert isinstance(drawn[f"interval-outcome-{name}"], PolyCollection)
        assert np.all(np.diff(y) >= 0)
    only = gids(survival_chart(results, outcomes=[present[0]]))
    assert [k for k in only if k.startswith("outcome-")] == [f"outcome-{present[0]}"]
    assert_png(figure, tmp_path / "survival.png")


def test_first_passage_chart_has_a_line_per_group_of_rungs(
    scenario: escalation.Scenario, results: Results, tmp_path: Path,
) -> None:
    figure = first_passage_chart(results, scenario)
    lines = {k: v for k, v in gids(figure).items() if k.startswith("rung-")}
    done = results.completed
    reached = [k for k in range(1, 9) if done[f"rung_day.{k}"].notna().any()]
    assert lines and set(lines) <= {f"rung-{k}" for k in reached}
    for key, line in lines.items():
        rung = int(key.split("-")[1])
        assert line_data(line)[1][-1] == pytest.approx(done[f"rung_day.{rung}"].notna().mean())
    # Every run of the seed scenario opens by killing nationals: rungs 1-6 share a line.
    assert "rung-6" in lines and "rung-5" not in lines
    assert "rungs 1–6 the same day" in str(lines["rung-6"].get_label())
    hand = {k for k in gids(first_passage_chart(HAND)) if k.startswith("rung-")}
    assert hand == {"rung-1", "rung-2", "rung-3"}
    assert_png(figure, tmp_path / "passage.png")


def test_transition_heatmap_annotates_shares_and_counts(
    scenario: escalation.Scenario, results: Results, tmp_path: Path,
) -> None:
    figure = transition_heatmap(results, scenario)
    counts = transition_matrix(results)
    cells = {k: v for k, v in gids(figure).items() if k.startswith("cell-")}
    matrix = counts.to_numpy()
    sources, targets = [str(i) for i in counts.index], [str(j) for j in counts.columns]
    expected = {f"cell-{i}-{j}" for i in sources for j in targets
                if matrix[sources.index(i)][targets.index(j)] > 0}
    assert set(cells) == expected
    for key, text in cells.items():
        _, source, target = key.split("-")
        row = sources.index(source)
        count = int(matrix[row][targets.index(target)])
        total = int(matrix[row].sum())
        low, high = wilson(count, total)
        assert text.get_text() == (
            f"{count / total:.0%}\n[{low:.0%}, {high:.0%}]\n{count:,} runs")
    image = gids(figure)["shares"]
    assert image.get_array().shape == (int((counts.sum(axis=1) > 0).sum()),
                                       int((counts.sum(axis=0) > 0).sum()))
    assert_png(figure, tmp_path / "transitions.png")


def test_figures_cope_with_a_batch_whose_runs_all_failed(
    scenario: escalation.Scenario, results: Results,
) -> None:
    runs = results.runs.copy()
    runs["outcome"] = runs["outcome"].cat.add_categories(["failed"])
    runs["outcome"] = "failed"
    runs["duration_days"] = NAN
    failed = replace(results, runs=runs)
    for figure in (rung_fan_chart(failed, scenario), survival_chart(failed),
                   first_passage_chart(failed), transition_heatmap(failed),
                   tension_fan_chart(scenario, failed)):
        assert any("no completed runs" in t.get_text() for t in figure.axes[0].texts)


# -- a real batch through everything ---------------------------------------------------------
def test_every_function_on_a_real_batch(scenario: escalation.Scenario, results: Results) -> None:
    days = default_days(results)
    top = len(scenario.ladder.rungs) - 1
    assert rung_paths(results, days).shape == (RUNS, days.size)
    bands = rung_bands(results)
    assert len(bands) == days.size and bands["p95"].max() <= top
    assert (bands["p05"] <= bands["median"]).all() and (bands["median"] <= bands["p95"]).all()
    assert bands["running"].iloc[0] == 1 and bands["running"].iloc[-1] == 0
    counts = transition_matrix(results)
    assert counts.shape == (top + 1, top + 1)
    assert counts["end"].sum() == RUNS and counts.loc[0].sum() == RUNS
    shares = transition_matrix(results, normalize=True)
    np.testing.assert_allclose(shares.dropna().sum(axis=1), 1)
    tension = tension_bands(scenario, results, runs=50)
    assert len(tension) == days.size and (tension["mean"] >= 0).all()
    for name in results.outcome_ids:
        assert set(time_to_outcome(results, name).columns) >= {"time", "survival"}
    assert first_passage(results, top)["time"].is_monotonic_increasing
