"""Monte Carlo batches through ``run_batch`` and ``Results``, as a user of the library calls them.

- The same batch gives identical tables on every backend (serial, local processes with one or
  two workers, a real Dask local cluster) and with any chunk size, and each row is the run
  ``escalation.simulate`` gives for that (seed, run index).
- A batch folder with chunk files missing (an interruption) is finished by ``resume`` into
  exactly the uninterrupted batch, rerunning only the missing chunks; a folder of another
  batch is refused.
- Runs that raise are recorded as ``failed`` with their error, the batch goes on, summaries
  use only completed runs, ``fail_fast`` raises ``RunFailed`` naming the run, and a failed run
  raises again when replayed.
- Statistics: outcome probabilities of a toy scenario computed by hand fall in the reported
  95% Wilson intervals; ``wilson`` itself against hand-computed values and its properties.
- ``until_ci`` stops at the first prefix of runs whose intervals are narrow enough.
- Latin hypercube sampling puts one run in each of the N strata of every parameter.

Processes and Dask clusters take a second or more to start, so those tests draw few examples.
"""

from __future__ import annotations

import dataclasses
import json
import math
import multiprocessing
import sys
import threading
import tracemalloc
from collections.abc import Generator, Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as scipy_stats

import escalation
import escalation.montecarlo.batch as batch_module
from escalation import Results, Scenario
from escalation.montecarlo.backends import START_METHOD_VARIABLE, Chunk, Job, start_method
from escalation.montecarlo.batch import run_batch
from escalation.montecarlo.chunk import ChunkResult, RunFailed
from escalation.montecarlo.plan import chunk_plan
from escalation.montecarlo.progress import progress_bar
from escalation.montecarlo.sampling import SamplingPlan
from escalation.montecarlo.stats import wilson
from escalation.montecarlo.storage import BatchFolder
from escalation.policies.base import Context, Response
from escalation.policies.rule import RulePolicy
from tests.toys import COIN_FLIPS, TRUE_PROBABILITIES, quick

ROOT = Path(__file__).resolve().parents[1]
US_IRAN = ROOT / "scenarios" / "us_iran_2020.yaml"
Z95 = 1.959963984540054
seeds = st.integers(0, 2**32)

# Two sides that hear at once (no delay, no noise) and decide within the hour.
# Six uncertain parameters, one of each continuous distribution, for Latin hypercubes.
STRATA = """
name: strata
horizon_days: 10
quiet_days: 2
actors:
  a:
    resolve: {dist: beta, a: 2, b: 5}
    credibility: {dist: uniform, low: 0.1, high: 0.9}
    audience_cost: {dist: triangular, low: 0, mode: 0.7, high: 1}
    deliberation_hours: 1
    perception:
      delay_hours: 0
      noise: {dist: lognormal, median: 0.2, sigma: 0.5}
      enemy_loss_bias: {dist: normal, mean: 1, sd: 0.1, low: 0}
  b:
    QUICK
    policies:
      - when: "perceived.actor == 'a' and not perceived.update"
        id: answer
        probability: {dist: uniform, low: 0.2, high: 0.4}
        do: {action: sanctions, target: a}
initial_events:
  - {actor: a, action: criticize, target: b}
outcomes:
  - {id: answered, when: "responses.b >= 1"}
  - {id: ignored, when: "true"}
"""
STRATA_PARAMETERS = {  # the same distributions, as scipy gives them
    "param.actors.a.resolve": scipy_stats.beta(2, 5),
    "param.actors.a.credibility": scipy_stats.uniform(0.1, 0.8),
    "param.actors.a.audience_cost": scipy_stats.triang(0.7, loc=0, scale=1),
    "param.actors.a.perception.noise": scipy_stats.lognorm(0.5, scale=0.2),
    "param.actors.a.perception.enemy_loss_bias": scipy_stats.norm(1, 0.1),
    "param.actors.b.policies.answer.probability": scipy_stats.uniform(0.2, 0.2),
}


def load(text: str) -> Scenario:
    return escalation.load_scenario_text(quick(text))


def batch(scenario: Scenario, runs: int, seed: int = 0, **options: Any) -> Results:
    return run_batch(scenario, runs, seed, progress=False, **options)


@pytest.fixture(scope="module")
def us_iran() -> Scenario:
    return escalation.load_scenario(US_IRAN)


@pytest.fixture(scope="module")
def coin_flips() -> Scenario:
    return load(COIN_FLIPS)


@pytest.fixture(scope="module")
def strata() -> Scenario:
    return load(STRATA)


def half_widths(results: Results) -> pd.Series:
    summary = results.summary()
    return (summary["ci_high"] - summary["ci_low"]) / 2


# -- the same runs whatever runs them --------------------------------------------------------
WORKERS = [("processes", 1), ("processes", 2), ("dask", 2)]


@settings(max_examples=2, deadline=None)
@given(seed=seeds)
def test_every_backend_and_worker_count_gives_identical_runs(us_iran: Scenario, seed: int) -> None:
    reference = batch(us_iran, 400, seed, backend="serial", chunk_size=100, keep_events=True)
    assert reference.runs["run"].tolist() == list(range(400))
    assert reference.runs["outcome"].nunique() > 1, "the batch should vary"
    assert reference.events is not None and len(reference.events) > 400
    for backend, workers in WORKERS:
        other = batch(us_iran, 400, seed, backend=backend, workers=workers, chunk_size=100,
                      keep_events=True)
        assert other.stopped_by == "runs", (backend, workers)
        assert other.runs.equals(reference.runs), (backend, workers)
        assert other.events is not None and other.events.equals(reference.events), (backend, workers)


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_helpers_forked_or_spawned_give_identical_runs(
    us_iran: Scenario, method: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"no '{method}' start method on this platform")
    monkeypatch.setenv(START_METHOD_VARIABLE, method)
    assert start_method() == method
    reference = batch(us_iran, 300, 11, backend="serial", chunk_size=50)
    other = batch(us_iran, 300, 11, backend="processes", workers=2, chunk_size=50)
    assert other.stopped_by == "runs"
    assert other.runs.equals(reference.runs)


def test_helpers_are_not_forked_beside_other_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    """A fork copies only the forking thread: a lock another thread holds stays held forever
    in the helper, so a process with threads spawns its helpers instead."""
    monkeypatch.delenv(START_METHOD_VARIABLE, raising=False)
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert start_method() == "spawn"
    finally:
        release.set()
        other.join()


def test_the_progress_bar_starts_no_thread(capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """tqdm's monitor thread would make every batch with a bar spawn its helpers."""
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)  # drawn as in a terminal
    before = threading.active_count()
    bar = progress_bar(100, 10, enabled=True)
    bar.update(40)
    bar.close()
    assert threading.active_count() == before
    assert "50/100" in capsys.readouterr().err


def test_the_progress_bar_draws_nothing_when_standard_error_is_not_a_terminal(
        capsys: pytest.CaptureFixture[str]) -> None:
    """Into a log file or a pipe, carriage-return frames are noise. A process that imported
    ipykernel without running a kernel (jupyter_client does, to find kernels, in a process
    that runs notebooks) is no notebook either."""
    pytest.importorskip("ipykernel.kernelspec")
    bar = progress_bar(100, 0, enabled=True)
    bar.update(50)
    bar.close()
    assert capsys.readouterr().err == ""


def test_an_unknown_start_method_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(START_METHOD_VARIABLE, "teleport")
    with pytest.raises(ValueError, match="ESCALATION_START_METHOD='teleport'"):
        start_method()


@settings(max_examples=3, deadline=None)
@given(seed=seeds, size=st.integers(1, 149))
def test_chunk_size_does_not_change_the_runs(us_iran: Scenario, seed: int, size: int) -> None:
    whole = batch(us_iran, 150, seed, backend="serial", chunk_size=150)
    chunked = batch(us_iran, 150, seed, backend="serial", chunk_size=size)
    assert chunked.runs.equals(whole.runs)
    assert chunked.summary().equals(whole.summary())


def test_each_row_is_the_run_simulate_gives(us_iran: Scenario) -> None:
    results = batch(us_iran, 120, 9, backend="serial", chunk_size=50)
    for run in (0, 49, 50, 77, 119):
        row = results.runs.iloc[run]
        record = escalation.simulate(us_iran, seed=9, run=run)
        expected = record.summary()
        compared = [name for name in expected if name in results.runs.columns]
        assert len(compared) > 30
        for name in compared:
            same = row[name] == expected[name] or (  # NaN: never happened, in both
                isinstance(expected[name], float) and math.isnan(expected[name])
                and math.isnan(row[name]))
            assert same, (run, name)


# -- resuming an interrupted batch -----------------------------------------------------------
def interrupted(monkeypatch: pytest.MonkeyPatch, scenario: Scenario, runs: int, seed: int,
                missing: set[int], **options: Any) -> None:
    """What an interruption leaves in ``options['out']``: the manifest and every chunk but
    those starting at ``missing`` (lost in flight), no final tables. The serial backend runs
    the chunks for real, skips the missing ones, then Ctrl-C arrives."""
    serial = batch_module.run_serial

    def stopped(job: Job, chunks: Iterable[Chunk]) -> Generator[ChunkResult, None, None]:
        yield from serial(job, [chunk for chunk in chunks if chunk[0] not in missing])
        raise KeyboardInterrupt

    with monkeypatch.context() as patched:
        patched.setattr(batch_module, "run_serial", stopped)
        assert batch(scenario, runs, seed, backend="serial", **options).stopped_by == "interrupted"
    assert not (Path(options["out"]) / "runs.parquet").exists()


def test_resume_finishes_an_interrupted_batch_rerunning_only_missing_chunks(
    us_iran: Scenario, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    full = batch(us_iran, 500, 21, backend="serial", chunk_size=100, keep_events=True,
                 out=tmp_path / "whole")
    expected_summary = json.loads((tmp_path / "whole" / "summary.json").read_text())
    out = tmp_path / "batch"
    options: dict[str, Any] = {"chunk_size": 100, "keep_events": True, "out": out}
    interrupted(monkeypatch, us_iran, 500, 21, {100, 400}, **options)
    chunks = out / "chunks"
    survivors = {p.name: p.stat() for p in chunks.glob("runs-*.parquet")}
    assert len(survivors) == 3
    saved = []
    save = BatchFolder.save

    def spy(folder: BatchFolder, start: int, *tables: Any) -> None:
        saved.append(start)
        save(folder, start, *tables)

    monkeypatch.setattr(BatchFolder, "save", spy)
    resumed = batch(us_iran, 500, 21, backend="serial", resume=True, **options)

    assert resumed.stopped_by == "runs"
    assert sorted(saved) == [100, 400], "only the missing chunks run again"
    assert resumed.runs.equals(full.runs)
    assert resumed.events is not None and full.events is not None
    assert resumed.events.equals(full.events)
    assert pd.read_parquet(out / "runs.parquet").equals(pd.read_parquet(tmp_path / "whole" / "runs.parquet"))
    assert json.loads((out / "summary.json").read_text()) == expected_summary
    assert (out / "scenario.yaml").read_bytes() == US_IRAN.read_bytes()
    assert not chunks.exists(), "a finished batch drops its chunks: its final files hold them"


def test_a_finished_batch_keeps_no_chunks_and_resuming_it_runs_nothing(
    coin_flips: Scenario, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "batch"
    first = batch(coin_flips, 300, 3, backend="serial", chunk_size=100, out=out)
    assert sorted(p.name for p in out.iterdir()) == [
        "batch.json", "runs.parquet", "scenario.yaml", "summary.json"]

    def no_runs(*_: Any) -> None:
        raise AssertionError("a finished batch was run again")

    monkeypatch.setattr(batch_module, "run_serial", no_runs)
    again = batch(coin_flips, 300, 3, backend="serial", chunk_size=100, out=out, resume=True)
    pd.testing.assert_frame_equal(again.runs, first.runs)
    assert not (out / "chunks").exists()


@pytest.mark.parametrize("made", [False, True], ids=["missing", "empty"])
def test_resume_where_no_batch_was_started_is_refused(
    coin_flips: Scenario, tmp_path: Path, made: bool
) -> None:
    out = tmp_path / "typo"
    if made:
        out.mkdir()
    with pytest.raises(ValueError, match="drop --resume to start a new batch"):
        batch(coin_flips, 300, 3, backend="serial", out=out, resume=True)
    assert out.exists() == made, "a refused resume writes nothing"


BASE = {"runs": 200, "seed": 3, "chunk_size": 100, "sample": "independent",
        "keep_events": False, "until_ci": None}


@pytest.mark.parametrize(("change", "field"), [
    ({"seed": 4}, "seed"),
    ({"runs": 300}, "runs"),
    ({"chunk_size": 50}, "chunk_size"),
    ({"sample": "lhs"}, "sample"),
    ({"keep_events": True}, "keep_events"),
    ({"until_ci": 0.1}, "until_ci"),
    ({"scenario": "probability: 0.5"}, "scenario_sha256"),
])
def test_resume_with_other_options_is_refused(
    coin_flips: Scenario, tmp_path: Path, change: dict[str, Any], field: str
) -> None:
    out = tmp_path / "batch"
    options = dict(BASE)
    runs, seed = options.pop("runs"), options.pop("seed")
    batch(coin_flips, runs, seed, backend="serial", out=out, **options)
    before = {p: p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}

    scenario = coin_flips
    changed = {**BASE, **change}
    if "scenario" in changed:
        scenario = load(COIN_FLIPS.replace("probability: 0.6", changed.pop("scenario")))
    runs, seed = changed.pop("runs"), changed.pop("seed")
    with pytest.raises(ValueError, match=rf"holds a different batch \(differs in [^)]*\b{field}\b"):
        batch(scenario, runs, seed, backend="serial", out=out, resume=True, **changed)
    after = {p: p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    assert after == before, "a refused resume must leave the folder alone"


def test_reusing_a_batch_folder_without_resume_is_refused(coin_flips: Scenario, tmp_path: Path) -> None:
    out = tmp_path / "batch"
    first = batch(coin_flips, 200, 3, backend="serial", chunk_size=100, out=out)
    with pytest.raises(ValueError, match="already holds a batch; pass --resume"):
        batch(coin_flips, 200, 3, backend="serial", chunk_size=100, out=out)
    again = batch(coin_flips, 200, 3, backend="serial", chunk_size=100, out=out, resume=True)
    assert again.runs.equals(first.runs)


def test_resume_on_another_backend_without_an_explicit_chunk_size(
    coin_flips: Scenario, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Backend and workers are not batch options, so the default chunk size (pinned in the
    folder's manifest) must not depend on them."""
    first = batch(coin_flips, 4000, 3, backend="serial")
    out = tmp_path / "batch"
    last = chunk_plan(4000)[0][-1][0]
    interrupted(monkeypatch, coin_flips, 4000, 3, {last}, out=out)
    assert len(list((out / "chunks").glob("runs-*.parquet"))) > 1
    resumed = batch(coin_flips, 4000, 3, backend="processes", workers=2, out=out, resume=True)
    assert resumed.runs.equals(first.runs)


# -- runs that fail ----------------------------------------------------------------------------
class FlakyRule(RulePolicy):
    """A rule with a bug: about one deliberation in five raises (defined at module level so
    that worker processes can unpickle scenarios that hold it)."""

    def respond(self, ctx: Context) -> Response | None:
        if ctx.rng.random() < 0.2:
            raise RuntimeError(f"flaky policy {self.label} broke")
        return super().respond(ctx)


def with_flaky_rule(scenario: Scenario, actor_id: str) -> Scenario:
    actor = scenario.actor(actor_id)
    (rule,) = actor.policies
    assert type(rule) is RulePolicy
    flaky = FlakyRule(rule.label, rule.trigger, rule.probability, rule.response.acts,
                      rule.response.stop)
    actors = tuple(dataclasses.replace(a, policies=(flaky,)) if a.id == actor_id else a
                   for a in scenario.actors)
    return dataclasses.replace(scenario, actors=actors)


FLAKY_SEED = 5


@pytest.fixture(scope="module")
def flaky(coin_flips: Scenario) -> Scenario:
    return with_flaky_rule(coin_flips, "b")


@pytest.fixture(scope="module")
def flaky_results(flaky: Scenario) -> Results:
    return batch(flaky, 400, FLAKY_SEED, backend="serial", chunk_size=100)


def failed_runs(results: Results) -> list[int]:
    return results.runs.loc[results.runs["outcome"] == "failed", "run"].tolist()


def test_failed_runs_are_recorded_and_the_batch_goes_on(flaky_results: Results) -> None:
    runs = flaky_results.runs
    assert flaky_results.stopped_by == "runs"
    assert runs["run"].tolist() == list(range(400))
    failed = runs[runs["outcome"] == "failed"]
    done = runs[runs["outcome"] != "failed"]
    assert 40 <= len(failed) <= 160, "about one run in five should fail"
    assert flaky_results.failures == len(failed)
    assert flaky_results.completed.equals(done)
    assert (failed["ended_by"] == "failed").all()
    for error in failed["error"]:
        assert error.startswith("RuntimeError: flaky policy b.answer broke"), error
    assert failed["duration_days"].isna().all() and failed["max_rung"].isna().all()
    assert (done["error"] == "").all()
    assert set(done["outcome"]) == set(TRUE_PROBABILITIES)
    assert done["duration_days"].notna().all()


def test_summary_counts_only_completed_runs(flaky_results: Results) -> None:
    summary = flaky_results.summary()
    completed = 400 - flaky_results.failures
    assert list(summary.index) == ["both", "b_only", "none"]
    assert "failed" not in summary.index
    assert summary["runs"].sum() == completed
    counts = flaky_results.runs["outcome"].value_counts()
    for outcome, row in summary.iterrows():
        assert row["runs"] == counts[outcome]
        assert row["probability"] == pytest.approx(counts[outcome] / completed)
        assert (row["ci_low"], row["ci_high"]) == pytest.approx(wilson(counts[outcome], completed))
    assert summary["probability"].sum() == pytest.approx(1.0)
    report = flaky_results.report()
    assert report["failed"] == flaky_results.failures
    assert report["completed"] == completed and report["runs"] == 400
    assert f"{flaky_results.failures} runs failed" in flaky_results.format_summary()


def test_failed_runs_raise_again_when_replayed(flaky: Scenario, flaky_results: Results) -> None:
    failed = failed_runs(flaky_results)
    for run in failed[:5]:
        with pytest.raises(RuntimeError, match=r"flaky policy b\.answer broke"):
            escalation.simulate(flaky, FLAKY_SEED, run=run)
    done = flaky_results.completed
    for _, row in done.head(5).iterrows():
        assert escalation.simulate(flaky, FLAKY_SEED, run=int(row["run"])).outcome == row["outcome"]


def test_failures_are_the_same_on_worker_processes(flaky: Scenario, flaky_results: Results) -> None:
    other = batch(flaky, 400, FLAKY_SEED, backend="processes", workers=2, chunk_size=100)
    assert other.runs.equals(flaky_results.runs)


def test_fail_fast_raises_naming_the_first_failing_run(
    flaky: Scenario, flaky_results: Results
) -> None:
    first = failed_runs(flaky_results)[0]
    with pytest.raises(RunFailed) as caught:
        batch(flaky, 400, FLAKY_SEED, backend="serial", chunk_size=100, fail_fast=True)
    assert caught.value.run == first and caught.value.seed == FLAKY_SEED
    message = str(caught.value)
    assert f"run {first} of seed {FLAKY_SEED} failed" in message
    assert "flaky policy b.answer broke" in message
    assert f"--seed {FLAKY_SEED} --run {first}" in message


@pytest.mark.parametrize("backend", ["processes", "dask"])
def test_fail_fast_on_workers_raises_naming_a_failing_run(
    flaky: Scenario, flaky_results: Results, backend: str
) -> None:
    """RunFailed crosses the process boundary (it once could not be unpickled, and a process
    pool then looked interrupted); which failing run stops the batch first may vary."""
    with pytest.raises(RunFailed) as caught:
        batch(flaky, 400, FLAKY_SEED, backend=backend, workers=2, chunk_size=100, fail_fast=True)
    assert caught.value.run in failed_runs(flaky_results)
    assert f"run {caught.value.run} of seed {FLAKY_SEED} failed" in str(caught.value)


def test_error_text_locates_the_failure(flaky_results: Results) -> None:
    """'at FILE:LINE' is where the run raised, not inside SimPy (which re-raises a copy)."""
    failed = flaky_results.runs[flaky_results.runs["outcome"] == "failed"]
    for error in failed["error"]:
        assert f"{Path(__file__).name}:" in error, error


# -- statistics against known answers ----------------------------------------------------------
@pytest.mark.parametrize("sample", ["independent", "lhs"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_intervals_hold_the_probabilities_computed_by_hand(
    coin_flips: Scenario, seed: int, sample: str
) -> None:
    results = batch(coin_flips, 2000, seed, backend="serial", chunk_size=500, sample=sample)
    summary = results.summary()
    assert list(summary.index) == list(TRUE_PROBABILITIES)
    for outcome, truth in TRUE_PROBABILITIES.items():
        low, high = summary.loc[outcome, ["ci_low", "ci_high"]]
        assert low <= truth <= high, (outcome, truth, low, high)
        assert high - low < 0.05, "the interval should be informative"


def test_intervals_cover_the_truth_about_95_percent_of_the_time(coin_flips: Scenario) -> None:
    covered = total = 0
    for seed in range(100, 120):
        summary = batch(coin_flips, 500, seed, backend="serial", chunk_size=500).summary()
        for outcome, truth in TRUE_PROBABILITIES.items():
            total += 1
            covered += summary.loc[outcome, "ci_low"] <= truth <= summary.loc[outcome, "ci_high"]
    # 60 intervals at 95%: about 3 misses; 9 or more would be very unlikely (and a 68%
    # interval, z = 1, would miss about 19).
    assert covered >= total - 8, f"{covered} of {total} intervals hold the true value"


@pytest.mark.parametrize(("successes", "trials", "low", "high"), [
    (0, 10, 0.0, 0.2775),     # z^2 / (n + z^2)
    (10, 10, 0.7225, 1.0),
    (5, 10, 0.2366, 0.7634),
    (1, 20, 0.0089, 0.2361),
    (50, 100, 0.4038, 0.5962),
    (81, 263, 0.2553, 0.3662),
])
def test_wilson_hand_computed_values(successes: int, trials: int, low: float, high: float) -> None:
    assert wilson(successes, trials) == pytest.approx((low, high), abs=1e-4)


def test_wilson_without_trials_is_the_whole_range() -> None:
    assert wilson(0, 0) == (0.0, 1.0)


counts = st.integers(1, 10**6).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n)))


@given(counts)
def test_wilson_interval_is_within_0_1_and_holds_the_estimate(count: tuple[int, int]) -> None:
    successes, trials = count
    low, high = wilson(successes, trials)
    estimate = successes / trials
    assert 0.0 <= low <= high <= 1.0
    assert low <= estimate + 1e-12 and estimate - 1e-12 <= high
    mirror = wilson(trials - successes, trials)
    assert (1 - mirror[1], 1 - mirror[0]) == pytest.approx((low, high), abs=1e-12)


@given(counts)
def test_wilson_bounds_solve_the_score_equation(count: tuple[int, int]) -> None:
    """Wilson's bounds are the p with (p_hat - p)^2 = z^2 p (1 - p) / n."""
    successes, trials = count
    estimate = successes / trials
    for bound in wilson(successes, trials):
        if 0 < bound < 1:
            lhs = (estimate - bound) ** 2
            rhs = Z95**2 * bound * (1 - bound) / trials
            assert lhs == pytest.approx(rhs, rel=1e-6, abs=1e-15)


@given(counts, st.integers(2, 10))
def test_wilson_narrows_as_trials_grow(count: tuple[int, int], factor: int) -> None:
    successes, trials = count
    low, high = wilson(successes, trials)
    more_low, more_high = wilson(successes * factor, trials * factor)
    assert more_high - more_low < high - low


def test_wilson_interval_reaches_0_and_1_at_the_extremes() -> None:
    """Rounding must not push the interval off an estimate of exactly 0 or 1."""
    for trials in range(1, 201):
        assert wilson(0, trials)[0] == 0.0, trials
        assert wilson(trials, trials)[1] == 1.0, trials


# -- until_ci ---------------------------------------------------------------------------------
CI_SEED = 8


@pytest.fixture(scope="module")
def coin_flips_full(coin_flips: Scenario) -> Results:
    return batch(coin_flips, 3000, CI_SEED, backend="serial", chunk_size=100)


def precise(runs: pd.DataFrame, target: float, outcomes: tuple[str, ...]) -> bool:
    total = len(runs)
    return all((hi - lo) / 2 <= target for lo, hi in (
        wilson(int((runs["outcome"] == name).sum()), total) for name in outcomes))


def check_first_precise_prefix(results: Results, full: Results, target: float) -> int:
    n = len(results.runs)
    assert results.stopped_by == "precision"
    assert 0 < n < len(full.runs) and n % 100 == 0
    assert results.runs["run"].tolist() == list(range(n))
    assert (half_widths(results) <= target).all()
    assert results.runs.equals(full.runs.iloc[:n])
    assert n == 100 or not precise(full.runs.iloc[:n - 100], target, results.outcome_ids), \
        "an earlier prefix of whole chunks was already precise enough"
    return n


def test_until_ci_stops_at_the_first_precise_prefix(
    coin_flips: Scenario, coin_flips_full: Results
) -> None:
    results = batch(coin_flips, 3000, CI_SEED, backend="serial", chunk_size=100, until_ci=0.03)
    n = check_first_precise_prefix(results, coin_flips_full, 0.03)
    assert n >= 800  # 0.7 * 0.3 * 1.96^2 / 0.03^2 = 896 runs, give or take the estimate


@settings(max_examples=5, deadline=None)
@given(target=st.floats(0.02, 0.2))
def test_until_ci_any_target(coin_flips: Scenario, coin_flips_full: Results, target: float) -> None:
    results = batch(coin_flips, 3000, CI_SEED, backend="serial", chunk_size=100, until_ci=target)
    check_first_precise_prefix(results, coin_flips_full, target)


@pytest.mark.parametrize(("backend", "workers"), [("processes", 2), ("dask", 2)])
def test_until_ci_is_the_same_on_every_backend(
    coin_flips: Scenario, coin_flips_full: Results, backend: str, workers: int
) -> None:
    serial = batch(coin_flips, 3000, CI_SEED, backend="serial", chunk_size=100, until_ci=0.03)
    other = batch(coin_flips, 3000, CI_SEED, backend=backend, workers=workers, chunk_size=100,
                  until_ci=0.03)
    assert other.stopped_by == serial.stopped_by == "precision"
    assert other.runs.equals(serial.runs)
    check_first_precise_prefix(other, coin_flips_full, 0.03)


def test_until_ci_that_runs_out_of_runs_says_so(coin_flips: Scenario) -> None:
    """Every chunk finished without the target reached: stopped by runs, not precision."""
    results = batch(coin_flips, 300, CI_SEED, backend="serial", chunk_size=100, until_ci=0.01)
    assert len(results.runs) == 300
    assert (half_widths(results) > 0.01).any()
    assert results.stopped_by == "runs"


# -- Latin hypercube sampling ------------------------------------------------------------------
def one_per_stratum(uniforms: np.ndarray) -> bool:
    """Whether N values in [0, 1] fall one in each of [0, 1/N), [1/N, 2/N), ..."""
    n = len(uniforms)
    scaled = np.sort(uniforms) * n
    strata = np.arange(n)
    return bool(np.all(scaled >= strata - 1e-6) and np.all(scaled <= strata + 1 + 1e-6))


def scipy_distribution(distribution: Any) -> Any:
    kind = distribution.dist
    if kind == "uniform":
        return scipy_stats.uniform(distribution.low, distribution.high - distribution.low)
    if kind == "beta":
        return scipy_stats.beta(distribution.a, distribution.b, loc=distribution.low,
                                scale=distribution.high - distribution.low)
    if kind == "triangular":
        width = distribution.high - distribution.low
        return scipy_stats.triang((distribution.mode - distribution.low) / width,
                                  loc=distribution.low, scale=width)
    if kind == "lognormal":
        return scipy_stats.lognorm(distribution.sigma, scale=distribution.median)
    if kind == "normal":
        return scipy_stats.norm(distribution.mean, distribution.sd)
    raise AssertionError(f"no CDF for {kind}")


@settings(max_examples=5, deadline=None)
@given(seed=seeds, runs=st.integers(20, 300))
def test_latin_hypercube_puts_one_run_in_each_stratum(strata: Scenario, seed: int, runs: int) -> None:
    results = batch(strata, runs, seed, backend="serial", chunk_size=60, sample="lhs")
    frame = results.runs
    assert {c for c in frame.columns if c.startswith("param.")} == set(STRATA_PARAMETERS)
    for column, distribution in STRATA_PARAMETERS.items():
        assert one_per_stratum(distribution.cdf(frame[column].to_numpy())), column
    for column, low, high in (("param.actors.a.credibility", 0.1, 0.9),
                              ("param.actors.b.policies.answer.probability", 0.2, 0.4)):
        bins = np.floor((frame[column].to_numpy() - low) / (high - low) * runs)
        assert sorted(bins) == list(range(runs)), column


def test_independent_sampling_is_not_stratified(strata: Scenario) -> None:
    """The stratum check tells the two methods apart."""
    frame = batch(strata, 200, 1, backend="serial", chunk_size=60).runs
    for column, distribution in STRATA_PARAMETERS.items():
        assert not one_per_stratum(distribution.cdf(frame[column].to_numpy())), column


def test_a_latin_hypercube_chunk_needs_no_memory_for_the_whole_batch(us_iran: Scenario) -> None:
    """A chunk at the end of a 10^12-run hypercube costs what one of a small batch does: the
    strata are computed for its runs alone (a permutation of the batch took 8 bytes per run
    and parameter in every worker)."""
    size, count = 10**12, 50
    plan = SamplingPlan("lhs", size)
    tracemalloc.start()
    try:
        values = plan.values(us_iran, 7, size - count, count)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert values is not None and len(values) == count
    assert peak < 20 * 2**20


@pytest.fixture(scope="module")
def us_iran_lhs(us_iran: Scenario) -> Results:
    return batch(us_iran, 300, 13, backend="serial", chunk_size=70, sample="lhs")


def test_latin_hypercube_of_the_seed_scenario(us_iran: Scenario, us_iran_lhs: Results) -> None:
    checked = 0
    for parameter in us_iran.parameters.uncertain:
        if parameter.integer:  # rounded to whole units: strata merge
            continue
        values = us_iran_lhs.runs[f"param.{parameter.name}"].to_numpy()
        uniforms = scipy_distribution(parameter.distribution).cdf(values)
        assert one_per_stratum(uniforms), parameter.name
        checked += 1
    assert checked >= 15


@pytest.mark.parametrize(("backend", "workers", "chunk_size"), [
    ("serial", 1, 300), ("serial", 1, 41), ("processes", 2, 70), ("dask", 2, 70)])
def test_latin_hypercube_is_the_same_on_every_backend(
    us_iran: Scenario, us_iran_lhs: Results, backend: str, workers: int, chunk_size: int
) -> None:
    other = batch(us_iran, 300, 13, backend=backend, workers=workers, chunk_size=chunk_size,
                  sample="lhs")
    assert other.runs.equals(us_iran_lhs.runs)


def test_latin_hypercube_differs_from_independent_sampling(
    us_iran: Scenario, us_iran_lhs: Results
) -> None:
    independent = batch(us_iran, 300, 13, backend="serial", chunk_size=70)
    column = "param.actors.iran.resolve"
    assert not np.allclose(independent.runs[column], us_iran_lhs.runs[column])
    assert math.isclose(us_iran_lhs.runs[column].mean(), 6 / 9, abs_tol=0.01)
