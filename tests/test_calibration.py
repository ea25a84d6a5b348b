"""History matching of shared parameters (escalation/analysis/calibration.py), on a toy crisis
whose parameters are known (tests/toys.py, ``ONE_STRIKE``): one strike by ``a`` on ``b``'s
base, which kills people at the rate ``lethality`` per hit, and ``b``'s answer with
probability ``probability``."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import escalation
from escalation.analysis.calibrate import leave_one_out
from escalation.analysis.calibration import (
    history_match,
    implausibility,
    shared_parameters,
)
from escalation.analysis.episodes import WHOLE_CRISIS, load_episodes
from escalation.cli import main
from tests.toys import one_strike

PROBABILITY = "*.answer.probability"
LETHALITY = "assets.b_base.lethality"
TRUE_LETHALITY = 2.0
SERIAL = {"backend": "serial", "progress": False}


def episode(folder: Path, name: str, real: str = "answered", deaths: float | None = None) -> Path:
    return one_strike(folder, name, real, deaths)


def test_a_value_that_cannot_reproduce_the_record_is_ruled_out(tmp_path: Path) -> None:
    """With ``b`` answering in the record, a probability near 0 cannot reproduce it (at 0 the
    model never answers): every such point is ruled out; the record's class is likely above
    it, where points stay."""
    episode(tmp_path, "answered_once")
    result = history_match(tmp_path, [PROBABILITY], waves=1, points=40, runs=60, seed=2,
                           **SERIAL)
    points = result.points
    low = points[points[PROBABILITY] < 0.03]
    assert len(low) >= 1 and not low["plausible"].any()
    assert points[points[PROBABILITY] > 0.5]["plausible"].all()
    assert result.summary().loc[0, "plausible_low"] > 0.03


def observed_deaths(tmp_path: Path) -> list[float]:
    """The 10th, 50th and 90th percentiles of ``b``'s deaths at the true lethality: data
    simulated from a known value."""
    (tmp_path / "model").mkdir()
    path = episode(tmp_path / "model", "model")
    scenario = escalation.load_scenario(path, [f"{LETHALITY}={TRUE_LETHALITY}"])
    runs = escalation.run_batch(scenario, runs=400, seed=11, **SERIAL).runs
    return [float(np.percentile(runs["deaths.b"], q)) for q in (10, 50, 90)]


def test_the_known_value_stays_and_more_episodes_rule_out_more(tmp_path: Path) -> None:
    low, middle, high = observed_deaths(tmp_path)
    one, three = tmp_path / "one", tmp_path / "three"
    one.mkdir()
    three.mkdir()
    episode(one, "middle", deaths=middle)
    for name, deaths in (("low", low), ("middle", middle), ("high", high)):
        episode(three, name, deaths=deaths)
    options = {"waves": 1, "points": 40, "runs": 80, "seed": 4, **SERIAL}
    alone = history_match(one, [LETHALITY], **options).points
    together = history_match(three, [LETHALITY], **options).points
    assert alone[LETHALITY].tolist() == together[LETHALITY].tolist()  # the same design
    kept_alone = alone[alone["plausible"]][LETHALITY]
    kept_together = together[together["plausible"]][LETHALITY]
    assert set(kept_together) <= set(kept_alone)  # an episode more can only rule out more
    assert kept_together.max() - kept_together.min() < kept_alone.max() - kept_alone.min()
    for kept in (kept_alone, kept_together):
        assert kept.min() <= TRUE_LETHALITY <= kept.max()
    assert not alone[alone[LETHALITY] < 0.3]["plausible"].any()  # far too few deaths


def test_later_waves_search_where_earlier_ones_kept(tmp_path: Path) -> None:
    episode(tmp_path, "answered_once", deaths=20)
    result = history_match(tmp_path, [PROBABILITY, LETHALITY], waves=3, points=20, runs=40,
                           seed=1, **SERIAL)
    waves = result.waves()
    assert waves["wave"].tolist() == [0, 1, 2]
    assert waves["share"].iloc[-1] > waves["share"].iloc[0]  # the search closes in
    points = result.points
    assert points[PROBABILITY].between(0, 1).all() and points[LETHALITY].between(0.1, 5).all()


@pytest.mark.parametrize("backend", ["processes", "dask"])
def test_results_are_the_same_on_every_backend(tmp_path: Path, backend: str) -> None:
    if backend == "dask":
        pytest.importorskip("distributed")
    episode(tmp_path, "answered_once", deaths=20)
    options = {"waves": 2, "points": 6, "runs": 30, "seed": 5}
    serial = history_match(tmp_path, [PROBABILITY, LETHALITY], **options, **SERIAL)
    other = history_match(tmp_path, [PROBABILITY, LETHALITY], **options, backend=backend,
                          workers=2, progress=False)
    pd.testing.assert_frame_equal(serial.points, other.points)


def test_patterns_ranges_and_their_mistakes(tmp_path: Path) -> None:
    episode(tmp_path, "answered_once")
    episodes = load_episodes(tmp_path)
    [shared] = shared_parameters(episodes, ["assets.*.lethality"])
    # a constant (a_base's 1) is set too; the range is the union of the two
    assert shared.names["answered_once"] == ("assets.a_base.lethality", LETHALITY)
    assert (shared.low, shared.high) == (0.1, 5.0)
    [narrow] = shared_parameters(episodes, [PROBABILITY], {PROBABILITY: (0.2, 0.4)})
    assert (narrow.low, narrow.high) == (0.2, 0.4)
    with pytest.raises(ValueError, match="matches no per-run parameter"):
        shared_parameters(episodes, ["*.nothing"])
    with pytest.raises(ValueError, match="not among --params"):
        shared_parameters(episodes, [PROBABILITY], {"*.k": (0.0, 1.0)})
    with pytest.raises(ValueError, match="cannot be searched"):
        shared_parameters(episodes, [PROBABILITY], {PROBABILITY: (1.0, math.inf)})


def test_the_command_writes_points_summary_and_provenance(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    folder = tmp_path / "episodes"
    folder.mkdir()
    episode(folder, "answered_once", deaths=20)
    out = tmp_path / "hm"
    code = main(["calibrate", str(folder), "--params", PROBABILITY, "--waves", "2",
                 "--points", "6", "--runs", "20", "--check-runs", "60", "--backend", "serial",
                 "--quiet", "--out", str(out)])
    assert code == 0
    printed = capsys.readouterr()
    assert "wave 2 of 2" in printed.err and PROBABILITY in printed.out
    points = pd.read_parquet(out / "points.parquet")
    assert len(points) == 12 and "I.answered_once" in points
    provenance = json.loads((out / "calibration.json").read_text())
    assert provenance["method"] == "history_matching" and provenance["seed"] == 0
    assert len(provenance["library_sha256"]) == 64
    assert pd.read_csv(out / "summary.csv").loc[0, "parameter"] == PROBABILITY
    assert (out / "plausible_pairs.png").stat().st_size > 0
    assert (out / "implausibility_by_episode.svg").stat().st_size > 0
    check = pd.read_csv(out / "predictive.csv")  # the record beside the runs at the values kept
    assert check["output"].tolist() == ["outcome", "deaths.b"]
    assert (out / "predictive.png").stat().st_size > 0
    # the calibrated set: the median of the last wave's points kept, usable by a scenario
    kept = points[(points["wave"] == 1) & points["plausible"]][PROBABILITY]
    calibrated = escalation.load_scenario(one_strike(tmp_path, "user",
                                                     calibration="hm/calibrated.yaml"))
    [probability] = [p for p in calibrated.parameters.all if p.name.endswith("answer.probability")]
    assert probability.value == pytest.approx(float(np.median(kept)))
    assert calibrated.calibration is not None
    assert calibrated.calibration["provenance"]["library_sha256"] == provenance["library_sha256"]
    assert main(["calibrate", str(folder), "--params", "*.nothing", "--quiet"]) != 0
    assert "matches no per-run parameter" in capsys.readouterr().err
    again = ["calibrate", str(folder), "--params", PROBABILITY, "--waves", "3", "--points", "6",
             "--runs", "20", "--backend", "serial", "--quiet", "--out", str(out)]
    assert main(again) != 0 and "already holds a calibration" in capsys.readouterr().err
    assert main([*again, "--resume"]) == 0  # two waves read back, a third searched
    assert "wave 3 of 3" in capsys.readouterr().err
    assert len(pd.read_parquet(out / "points.parquet")) == 18


def costly(folder: Path, name: str, deaths: float) -> Path:
    """The toy with classes by b's deaths ('costly' from 15 on, else 'light'); the record
    says the strike was costly and killed ``deaths``."""
    path = episode(folder, name, deaths=deaths)
    text = path.read_text().replace('{id: answered, when: "responses.b >= 1"}',
                                    '{id: costly, when: "deaths.b >= 15"}')
    path.write_text(text.replace("{id: quiet,", "{id: light,").replace("value: answered",
                                                                       "value: costly"))
    return path


def test_values_fitted_on_the_others_forecast_a_held_out_episode_better(tmp_path: Path) -> None:
    """Each episode's deaths say lethality is near 2 (the scenario's own: uniform 0.1 to 5).
    Fitted on the others, each held-out episode's real class ('costly') gets more than the
    scenario's own values give it: the fitted values have skill against the defaults."""
    for name, deaths in (("one", 18), ("two", 22), ("three", 20), ("four", 24)):
        costly(tmp_path, name, deaths)
    check = leave_one_out(tmp_path, [LETHALITY], score_runs=400, waves=2, points=16, runs=60,
                          seed=3, **SERIAL)
    table = check.table
    assert table["fitted"].all() and (table["parameters_set"] == 1).all()
    assert table[f"value.{LETHALITY}"].between(1.0, 4.0).all()  # near 2, as HM finds it
    assert (table["p_real.fitted"] > table["p_real.default"]).all()
    skill = check.skill().set_index("score")
    assert skill.loc["log", "skill"] > 0 and skill.loc["rps", "skill"] > 0


def test_a_held_out_episode_keeps_its_values_when_the_fit_rules_out_every_value(
    tmp_path: Path,
) -> None:
    for name in ("one", "two", "three"):
        episode(tmp_path, name, real="quiet")
    check = leave_one_out(tmp_path, [PROBABILITY], ranges={PROBABILITY: (0.97, 1.0)},
                          score_runs=200, waves=1, points=6, runs=40, seed=1, **SERIAL)
    assert not check.table["fitted"].any()
    assert (check.table["p_real.fitted"] == check.table["p_real.default"]).all()
    with pytest.raises(ValueError, match="at least two episodes"):
        leave_one_out(load_episodes(tmp_path)[:1], [PROBABILITY], **SERIAL)


class Interrupted(Exception):
    """Stands for Ctrl-C or a lost machine in the middle of a calibration."""


def test_an_interrupted_calibration_continues_where_it_stopped(tmp_path: Path) -> None:
    folder = tmp_path / "episodes"
    folder.mkdir()
    episode(folder, "answered_once", deaths=20)
    options = {"waves": 3, "points": 6, "runs": 20, "seed": 6, **SERIAL}
    whole = history_match(folder, [PROBABILITY, LETHALITY], **options).points

    def stop_after_first(wave: int, _: object) -> None:
        if wave == 0:
            raise Interrupted

    kept = tmp_path / "hm"
    with pytest.raises(Interrupted):
        history_match(folder, [PROBABILITY, LETHALITY], folder=kept, on_wave=stop_after_first,
                      **options)
    told: list[int] = []
    resumed = history_match(folder, [PROBABILITY, LETHALITY], folder=kept, resume=True,
                            on_wave=lambda wave, _: told.append(wave), **options)
    assert told == [1, 2]  # the first wave was read back, not run again
    pd.testing.assert_frame_equal(resumed.points, whole)
    further = history_match(folder, [PROBABILITY, LETHALITY], folder=kept, resume=True,
                            **{**options, "waves": 4})
    pd.testing.assert_frame_equal(further.points[further.points["wave"] < 3], whole)
    assert (further.points["wave"] == 3).sum() == 6


def test_a_kept_calibration_is_neither_overwritten_nor_resumed_differently(tmp_path: Path) -> None:
    folder = tmp_path / "episodes"
    folder.mkdir()
    episode(folder, "answered_once")
    kept = tmp_path / "hm"
    options = {"waves": 1, "points": 4, "runs": 10, **SERIAL}
    history_match(folder, [PROBABILITY], folder=kept, **options)
    with pytest.raises(ValueError, match="already holds a calibration"):
        history_match(folder, [PROBABILITY], folder=kept, **options)
    with pytest.raises(ValueError, match="runs differ"):
        history_match(folder, [PROBABILITY], folder=kept, resume=True, **{**options, "runs": 11})
    with pytest.raises(ValueError, match="holds no calibration to resume"):
        history_match(folder, [PROBABILITY], folder=tmp_path / "empty", resume=True, **options)
    (folder / "answered_once.yaml").write_text(
        (folder / "answered_once.yaml").read_text().replace("salvo: 10", "salvo: 11"))
    with pytest.raises(ValueError, match="episodes differ"):
        history_match(folder, [PROBABILITY], folder=kept, resume=True, **options)


def test_a_points_runs_are_those_of_the_episode_loaded_with_its_values(tmp_path: Path) -> None:
    """A wave pins a point's values in each episode's runs instead of loading the episode
    again with them set: every other draw is the same, so the implausibilities are too."""
    episode(tmp_path, "answered_once", deaths=20)
    result = history_match(tmp_path, [PROBABILITY, "assets.*.lethality"], waves=1, points=3,
                           runs=30, seed=9, **SERIAL)
    [held] = load_episodes(tmp_path)
    for row in result.points.itertuples(index=False):
        values = dict(zip(result.points.columns, row, strict=True))
        settings = [f"actors.b.policies.answer.probability={values[PROBABILITY]!r}",
                    f"assets.a_base.lethality={values['assets.*.lethality']!r}",
                    f"{LETHALITY}={values['assets.*.lethality']!r}"]
        loaded = escalation.load_scenario(held.path, [*WHOLE_CRISIS, *settings])
        runs = escalation.run_batch(loaded, runs=30, seed=9, **SERIAL)
        assert implausibility(held, runs) == values["I.answered_once"]


def test_an_interrupted_out_of_sample_check_scores_only_the_episodes_left(
        tmp_path: Path) -> None:
    library = tmp_path / "library"
    library.mkdir()
    for name, deaths in (("one", 18), ("two", 22), ("three", 30)):
        costly(library, name, deaths)
    options = {"score_runs": 60, "waves": 1, "points": 6, "runs": 20, "seed": 2, **SERIAL}
    whole = leave_one_out(library, [LETHALITY], **options).table

    def stop_at_third(name: str) -> None:
        if name == "two":  # episodes in name order: one, three, two
            raise Interrupted

    kept = tmp_path / "oos"
    with pytest.raises(Interrupted):
        leave_one_out(library, [LETHALITY], folder=kept, on_episode=stop_at_third, **options)
    assert sorted(p.name for p in (kept / "folds").glob("*.parquet")) == \
        ["fold_000.parquet", "fold_001.parquet"]
    scored: list[str] = []
    resumed = leave_one_out(library, [LETHALITY], folder=kept, resume=True,
                            on_episode=scored.append, **options).table
    assert scored == ["two"]  # the two episodes scored before are read back
    pd.testing.assert_frame_equal(resumed, whole, check_dtype=False)
    with pytest.raises(ValueError, match="score_runs"):
        leave_one_out(library, [LETHALITY], folder=kept, resume=True,
                      **{**options, "score_runs": 80})
