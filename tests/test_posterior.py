"""ABC-SMC over episodes (escalation/analysis/posterior.py), on the toy crisis of
tests/toys.py (``ONE_STRIKE``): one strike by ``a`` on ``b``'s base, which kills people at
the rate ``lethality`` per hit, and ``b``'s answer with probability ``probability``. Episodes
are simulated from a known lethality, so the posterior must cover it."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import escalation
from escalation.analysis.calibrate import calibrate, leave_one_out
from escalation.analysis.episodes import WHOLE_CRISIS, load_episodes
from escalation.analysis.posterior import abc_smc, observed_summaries, run_summaries
from escalation.analysis.predictive import predictive_check
from escalation.cli import main
from tests.toys import one_strike

PROBABILITY = "*.answer.probability"
LETHALITY = "assets.b_base.lethality"
TRUE_LETHALITY = 2.0
SERIAL = {"backend": "serial", "progress": False}


def simulated_library(folder: Path, count: int) -> Path:
    """``count`` episodes, each the record of one run at the true lethality: its class and
    b's deaths (data simulated from a known value)."""
    (folder / "model").mkdir(parents=True, exist_ok=True)
    model = one_strike(folder / "model", "model")
    scenario = escalation.load_scenario(model, [*WHOLE_CRISIS, f"{LETHALITY}={TRUE_LETHALITY}"])
    runs = escalation.run_batch(scenario, runs=count, seed=21, **SERIAL).runs
    library = folder / f"library_{count}"
    library.mkdir()
    for k, run in runs.iterrows():
        one_strike(library, f"episode_{k}", str(run["outcome"]), float(run["deaths.b"]))
    return library


def test_the_posterior_covers_the_known_value_and_shrinks_with_more_episodes(
        tmp_path: Path) -> None:
    """Eight episodes pin the lethality down better than one: the posterior's standard
    deviation falls (to about half; 0.38-0.61 over seeds 1-6), and both 95% intervals cover
    the value the episodes were simulated from."""
    options = {"particles": 300, "generations": 5, "seed": 3, **SERIAL}
    few = abc_smc(simulated_library(tmp_path, 1), [LETHALITY], **options).summary().iloc[0]
    many = abc_smc(simulated_library(tmp_path, 8), [LETHALITY], **options).summary().iloc[0]
    for row in (few, many):
        assert row["low"] <= TRUE_LETHALITY <= row["high"]
    assert many["sd"] < 0.75 * few["sd"]
    prior_sd = (5.0 - 0.1) / math.sqrt(12)
    assert few["sd"] < prior_sd  # even one episode says something


@pytest.mark.parametrize("backend", ["processes", "dask"])
def test_results_are_the_same_on_every_backend(tmp_path: Path, backend: str) -> None:
    if backend == "dask":
        pytest.importorskip("distributed")
    one_strike(tmp_path, "answered_once", deaths=20)
    options = {"particles": 20, "generations": 3, "seed": 5}
    serial = abc_smc(tmp_path, [PROBABILITY, LETHALITY], **options, **SERIAL)
    other = abc_smc(tmp_path, [PROBABILITY, LETHALITY], **options, backend=backend, workers=2,
                    progress=False)
    pd.testing.assert_frame_equal(serial.particles, other.particles)


def test_an_interrupted_calibration_continues_where_it_stopped(tmp_path: Path) -> None:
    library = tmp_path / "library"
    library.mkdir()
    one_strike(library, "answered_once", deaths=20)
    options = {"particles": 20, "seed": 6, **SERIAL}
    whole = abc_smc(library, [LETHALITY], generations=3, **options)
    told: list[int] = []
    abc_smc(library, [LETHALITY], generations=2, folder=tmp_path / "kept", **options)
    assert sorted(p.name for p in (tmp_path / "kept" / "generations").glob("*.parquet")) == \
        ["generation_000.parquet", "generation_001.parquet"]
    resumed = abc_smc(library, [LETHALITY], generations=3, folder=tmp_path / "kept", resume=True,
                      on_generation=lambda number, _: told.append(number), **options)
    assert told == [2]  # the two kept generations are read back, not run again
    pd.testing.assert_frame_equal(whole.particles, resumed.particles)
    with pytest.raises(ValueError, match="already holds a calibration"):
        abc_smc(library, [LETHALITY], generations=3, folder=tmp_path / "kept", **options)
    with pytest.raises(ValueError, match="particles"):
        abc_smc(library, [LETHALITY], generations=3, folder=tmp_path / "kept", resume=True,
                **{**options, "particles": 30})


def test_summaries_are_the_class_step_and_log_numbers(tmp_path: Path) -> None:
    [episode] = load_episodes(one_strike(tmp_path, "quiet_one", real="quiet", deaths=20))
    assert observed_summaries(episode).tolist() == [1.0, math.log1p(20)]  # quiet: the 2nd of 2
    results = escalation.run_batch(episode.scenario, runs=30, seed=1, **SERIAL)
    summaries = run_summaries(episode, results)
    runs = results.runs
    assert summaries.shape == (30, 2)
    assert summaries[:, 0].tolist() == (runs["outcome"] == "quiet").astype(float).tolist()
    np.testing.assert_allclose(summaries[:, 1], np.log1p(runs["deaths.b"]))


def test_both_methods_answer_through_one_interface(tmp_path: Path) -> None:
    one_strike(tmp_path, "answered_once", deaths=20)
    history = calibrate(tmp_path, [LETHALITY], "history", waves=1, points=8, runs=20, **SERIAL)
    posterior = calibrate(tmp_path, [LETHALITY], "abc", particles=20, generations=2, **SERIAL)
    for result in (history, posterior):
        assert set(result.values()) == {LETHALITY}
        assert len(result.samples) and len(result.steps()) and len(result.summary()) == 1
        assert len(result.predictive_points(5)) == 5 or result is history
        assert len(result.library_sha256()) == 64
    with pytest.raises(ValueError, match="unknown calibration method 'mcmc'"):
        calibrate(tmp_path, [LETHALITY], "mcmc")


def test_the_predictive_check_draws_particles_by_weight(tmp_path: Path) -> None:
    one_strike(tmp_path, "answered_once", deaths=20)
    posterior = abc_smc(tmp_path, [LETHALITY], particles=30, generations=3, seed=2, **SERIAL)
    points = posterior.predictive_points(200)[LETHALITY].to_numpy()
    last = posterior.last
    assert set(points) <= set(last[LETHALITY])
    drawn_mean = float(points.mean())
    weighted_mean = float(last["weight"] @ last[LETHALITY])
    assert drawn_mean == pytest.approx(weighted_mean, rel=0.05)
    check = predictive_check(posterior, tmp_path, runs=60, draws=6, **SERIAL)
    assert check.table()["runs"].iloc[0] == 60 and check.meta["method"] == "abc_smc"


def test_leaving_one_out_with_abc(tmp_path: Path) -> None:
    for name, deaths in (("low", 5.0), ("high", 40.0)):
        one_strike(tmp_path, name, deaths=deaths)
    check = leave_one_out(tmp_path, [LETHALITY], method="abc", particles=20, generations=2,
                          score_runs=40, seed=1, **SERIAL)
    assert check.table["episode"].tolist() == ["high", "low"]
    assert check.table["fitted"].all()
    assert set(check.skill()["score"]) == {"log", "rps"}


def test_the_command_writes_the_posterior_and_its_provenance(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    library = tmp_path / "library"
    library.mkdir()
    one_strike(library, "answered_once", deaths=20)
    out = tmp_path / "out"
    code = main(["calibrate", str(library), "--params", LETHALITY, "--method", "abc",
                 "--particles", "20", "--generations", "3", "--backend", "serial", "--quiet",
                 "--check-runs", "40", "--out", str(out)])
    assert code == 0
    shown = capsys.readouterr()
    assert "ABC-SMC posterior over 1 episode(s)" in shown.out
    assert "generation 2 of 2: tolerance" in shown.err
    particles = pd.read_parquet(out / "posterior.parquet")
    assert sorted(particles["generation"].unique()) == [0, 1, 2]
    provenance = json.loads((out / "calibration.json").read_text())
    assert provenance["method"] == "abc_smc" and provenance["particles"] == 20
    assert "waves" not in provenance and "cutoff" not in provenance
    calibrated = (out / "calibrated.yaml").read_text()
    assert "weighted posterior median" in calibrated and "method: abc_smc" in calibrated
    for name in ("summary.csv", "generations.csv", "posterior_pairs.png",
                 "tolerance_by_generation.svg", "predictive.csv"):
        assert (out / name).exists(), name


def test_an_option_of_the_other_method_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    one_strike(tmp_path, "answered_once", deaths=20)
    code = main(["calibrate", str(tmp_path), "--params", LETHALITY, "--method", "abc",
                 "--waves", "2", "--backend", "serial", "--quiet"])
    assert code != 0
    assert "--waves: an option of --method history" in capsys.readouterr().err
    code = main(["calibrate", str(tmp_path), "--params", LETHALITY, "--particles", "20",
                 "--backend", "serial", "--quiet"])
    assert code != 0
    assert "--particles: an option of --method abc" in capsys.readouterr().err
    code = main(["calibrate", str(tmp_path), "--params", LETHALITY, "--method", "abc",
                 "--sample", "lhs", "--backend", "serial", "--quiet"])
    assert code != 0
    assert "leave --sample out" in capsys.readouterr().err


def test_the_command_defaults_are_the_library_defaults() -> None:
    """The command names each method's defaults without importing the analysis (it starts
    faster); they must stay the functions' own."""
    from escalation.analysis import abc, calibration, posterior
    from escalation.cli.calibrate import METHOD_OPTIONS

    assert METHOD_OPTIONS["history"] == {
        "waves": calibration.DEFAULT_WAVES, "points": calibration.DEFAULT_POINTS,
        "cutoff": calibration.CUTOFF, "discrepancy": 0.0, "runs": calibration.DEFAULT_RUNS}
    assert METHOD_OPTIONS["abc"] == {
        "generations": posterior.DEFAULT_GENERATIONS, "particles": posterior.DEFAULT_PARTICLES,
        "quantile": abc.QUANTILE, "min_acceptance": abc.MIN_ACCEPTANCE}
