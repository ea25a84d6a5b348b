"""Posterior predictive checks of a history match (escalation/analysis/predictive.py and
escalation/plotting/predictive.py), on the calibration toy of tests/toys.py (``ONE_STRIKE``):
a strikes b's base, which loses ``lethality`` people per hit (uniform 0.1 to 5 in the file),
and b answers or not. The calibration is fitted on an episode whose observed deaths are the
model's median at a lethality of 2; the check runs it and an episode that claims 5,000 dead."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure

import escalation
from escalation.analysis.calibration import Calibration, history_match
from escalation.analysis.predictive import PredictiveCheck, predictive_check
from escalation.plotting.predictive import COLUMNS, predictive_figure, write_predictive_figures
from tests.toys import one_strike

LETHALITY = "assets.b_base.lethality"
PROBABILITY = "*.answer.probability"
TRUE_LETHALITY = 2.0
ABSURD = 5000.0
SERIAL = {"backend": "serial", "progress": False}
# the toy's observed block ends with b's deaths: the other numbers it can observe
MORE_FACTS = """\
    a: {value: 0, source: "test"}
  first_answer_days:
    a: {value: null, source: "test"}
    b: {value: 0.2, source: "test"}
  hostile_acts: {value: 2, source: "test"}
  crisis_days: {value: 0.3, source: "test"}
"""


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``typical``: b answered and lost what the model's median gives at lethality 2;
    ``absurd``: b answered and lost 5,000."""
    root = tmp_path_factory.mktemp("predictive")
    model = escalation.load_scenario(one_strike(root, "model"), [f"{LETHALITY}={TRUE_LETHALITY}"])
    deaths = escalation.run_batch(model, runs=400, seed=11, **SERIAL).runs["deaths.b"]
    (root / "model.yaml").unlink()
    one_strike(root, "typical", deaths=float(np.median(deaths)))
    one_strike(root, "absurd", deaths=ABSURD)
    return root


@pytest.fixture(scope="module")
def calibration(folder: Path) -> Calibration:
    return history_match([folder / "typical.yaml"], [LETHALITY], waves=1, points=12, runs=40,
                         seed=1, **SERIAL)


@pytest.fixture(scope="module")
def check(folder: Path, calibration: Calibration) -> PredictiveCheck:
    return predictive_check(calibration, [folder / "typical.yaml", folder / "absurd.yaml"],
                            runs=300, draws=5, seed=3, **SERIAL)


def rows(check: PredictiveCheck) -> pd.DataFrame:
    return check.table().set_index(["episode", "output"])


def test_one_row_per_observed_output_with_the_values_of_the_files(
    check: PredictiveCheck, folder: Path,
) -> None:
    table = check.table()
    assert list(zip(table["episode"], table["output"], strict=True)) == [
        ("typical", "outcome"), ("typical", "deaths.b"), ("absurd", "outcome"),
        ("absurd", "deaths.b")]
    assert table["kind"].tolist() == ["outcome", "count"] * 2
    table = rows(check)
    typical = escalation.load_scenario(folder / "typical.yaml").observed
    assert typical is not None
    assert table.loc[("typical", "deaths.b"), "observed"] == typical.facts[0].value
    assert table.loc[("absurd", "deaths.b"), "observed"] == ABSURD
    assert (table.xs("outcome", level="output")["observed_class"] == "answered").all()
    # the outcome rows carry the model's probability of the real class, the numbers a range
    outcome = table.loc[("typical", "outcome")]
    assert 0.05 < outcome["p_real"] < 0.95 and outcome["p_real"] <= outcome["tail"] <= 1
    deaths = table.loc[("typical", "deaths.b")]
    assert deaths["low90"] <= deaths["median"] <= deaths["high90"]
    assert (table["runs"] == 5 * (300 // 5)).all() and (table["points"] == 5).all()


def test_the_observed_deaths_lie_inside_the_range_at_the_values_kept_and_absurd_ones_outside(
    check: PredictiveCheck,
) -> None:
    table = rows(check)
    typical, absurd = table.loc[("typical", "deaths.b")], table.loc[("absurd", "deaths.b")]
    assert typical["low90"] <= typical["observed"] <= typical["high90"]
    assert typical["in90"] and typical["tail"] > 0.1 and 0.05 < typical["pit"] < 0.95
    assert absurd["observed"] > absurd["high90"]
    assert not absurd["in90"] and absurd["tail"] == 0.0 and absurd["pit"] == 1.0
    # both episodes ran the same points and runs: only their records differ
    assert typical[["median", "low90", "high90"]].tolist() == \
        absurd[["median", "low90", "high90"]].tolist()


def test_the_points_are_evenly_spaced_rows_of_those_kept_and_each_runs_its_own_runs(
    check: PredictiveCheck, calibration: Calibration, folder: Path,
) -> None:
    kept = calibration.plausible[LETHALITY].to_numpy()
    assert len(kept) > 5  # so that the check chose among them
    chosen = check.points[LETHALITY].to_numpy()
    assert len(chosen) == 5 and chosen[0] == kept[0] and chosen[-1] == kept[-1]
    assert set(chosen) <= set(kept)
    per = check.runs_per_point
    assert per == 300 // 5
    for episode in check.episodes:
        assert episode.runs["point"].tolist() == [k for k in range(5) for _ in range(per)]
        assert episode.runs["run"].tolist() == list(range(5 * per))  # no run reused
    everything = predictive_check(calibration, folder / "typical.yaml", runs=30, draws=100,
                                  **SERIAL)
    assert everything.points[LETHALITY].tolist() == kept.tolist()
    assert everything.runs_per_point == max(1, 30 // len(kept))


def test_the_runs_are_at_the_points_values(folder: Path, calibration: Calibration) -> None:
    """Two hand-made calibrations, each keeping one lethality: the deaths follow it."""
    def at(lethality: float) -> float:
        points = calibration.points.assign(**{LETHALITY: lethality, "plausible": True})
        one = dataclasses.replace(calibration, points=points.iloc[:1])
        result = predictive_check(one, [folder / "typical.yaml"], runs=80, **SERIAL)
        return float(rows(result).loc[("typical", "deaths.b"), "median"])

    assert at(0.2) * 5 < at(4.5)


def test_nothing_plausible_is_a_clear_error(folder: Path, tmp_path: Path) -> None:
    one_strike(tmp_path, "quiet_one", real="quiet")
    # b answers almost always at these probabilities, but the record says it did not
    none = history_match(tmp_path, [PROBABILITY], ranges={PROBABILITY: (0.97, 1.0)}, waves=1,
                         points=4, runs=30, seed=1, **SERIAL)
    assert not len(none.plausible)
    with pytest.raises(ValueError, match=r"every value tried .* was ruled out.*nothing to check"):
        predictive_check(none, tmp_path, runs=20, **SERIAL)


def test_an_actor_that_never_acted_is_compared_at_the_horizon(
    tmp_path: Path, calibration: Calibration,
) -> None:
    rich = one_strike(tmp_path, "rich", deaths=20)
    rich.write_text(rich.read_text() + MORE_FACTS)
    result = predictive_check(calibration, rich, runs=40, draws=2, **SERIAL)
    table = rows(result).loc["rich"]
    assert sorted(table.index) == sorted(["outcome", "deaths.b", "deaths.a", "first_answer_days.a",
                                          "first_answer_days.b", "hostile_acts", "crisis_days"])
    assert table.index[0] == "outcome"
    never = table.loc["first_answer_days.a"]
    # a only struck in the scripted opening: it never acts, at the horizon in every run
    assert never["never"] and np.isnan(never["observed"]) and never["p_never"] == 1.0
    assert never["median"] == 10.0 and never["in90"]
    assert table.loc["first_answer_days.b", "observed"] == 0.2
    figure = predictive_figure(result)
    assert len(figure.axes) == 7
    [axes] = panels(figure, "rich: first_answer_days.a")
    assert observed_lines(axes) == [10.0]  # the horizon
    # seven panels: a row of COLUMNS, the rest on the next row
    specs = [a.get_subplotspec() for a in figure.axes]
    assert [(s.rowspan.start, s.colspan.start) for s in specs if s is not None] == \
        [(k // COLUMNS, k % COLUMNS) for k in range(7)]


def panels(figure: Figure, title: str) -> list[Axes]:
    return [a for a in figure.axes if a.get_title().replace("\n", " ") == title]


def observed_lines(axes: Axes) -> list[float]:
    return [float(line.get_xdata()[0]) for line in axes.get_lines() if line.get_gid() == "observed"]


def test_the_figure_marks_each_observed_value_and_the_real_class(
    check: PredictiveCheck, tmp_path: Path,
) -> None:
    figure = predictive_figure(check)
    titles = sorted(a.get_title() for a in figure.axes)
    assert titles == ["absurd: deaths.b", "absurd: outcome", "typical: deaths.b",
                      "typical: outcome"]
    table = rows(check)
    for episode in ("typical", "absurd"):
        [numbers] = panels(figure, f"{episode}: deaths.b")
        assert observed_lines(numbers) == [table.loc[(episode, "deaths.b"), "observed"]]
        low, high = numbers.get_xlim()
        assert low <= table.loc[(episode, "deaths.b"), "observed"] <= high
        outside = [t for t in numbers.texts if t.get_gid() == "outside"]
        assert len(outside) == (episode == "absurd")
        [classes] = panels(figure, f"{episode}: outcome")
        [real] = [p for p in classes.patches if p.get_gid() == "real"]
        assert real.get_height() == pytest.approx(table.loc[(episode, "outcome"), "p_real"])
        labels = [t.get_text() for t in classes.get_xticklabels()]
        assert labels == ["answered\n(observed)", "quiet"]
    paths = write_predictive_figures(check, tmp_path / "figures")
    assert [p.name for p in paths] == ["predictive.png", "predictive.svg"]
    assert all(p.stat().st_size > 0 for p in paths)


def test_the_check_is_the_same_on_another_backend(folder: Path, calibration: Calibration) -> None:
    options = {"runs": 40, "draws": 3, "seed": 2}
    serial = predictive_check(calibration, folder / "typical.yaml", **options, **SERIAL)
    other = predictive_check(calibration, folder / "typical.yaml", **options,
                             backend="processes", workers=2, progress=False)
    pd.testing.assert_frame_equal(serial.table(), other.table())
    pd.testing.assert_frame_equal(serial.episodes[0].runs, other.episodes[0].runs)
