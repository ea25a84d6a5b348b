"""``escalation run`` as a user runs it: a real process, real files, exit codes, Ctrl-C.

- The summary table names every outcome with its probability and 95% interval.
- ``--out`` writes runs.parquet (one row per run), summary.json (outcomes with intervals,
  failures, the manifest), scenario.yaml (the input file, byte for byte), and events.parquet
  only with ``--keep-events``; ``escalation trace --seed S --run R`` replays row R.
- Ctrl-C (SIGINT) exits 130 leaving only whole chunk files, and ``--resume`` then gives the
  same tables as an uninterrupted batch; resuming with other options, or reusing a batch
  folder without ``--resume``, is refused with a message and exit status 2.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import escalation
from escalation.montecarlo.batch import run_batch
from escalation.montecarlo.stats import wilson

ROOT = Path(__file__).resolve().parents[1]
US_IRAN = ROOT / "scenarios" / "us_iran_2020.yaml"

# A criticises B; B answers with sanctions with probability 0.3; A answers that with
# probability 0.6, which ends the run. Fast runs, outcome probabilities 0.18, 0.12, 0.7.
COIN_FLIPS = """\
name: coin_flips
horizon_days: 10
quiet_days: 2
actors:
  a:
    deliberation_hours: 1
    perception: {delay_hours: 0, noise: 0}
    policies:
      - when: "perceived.actor == 'b' and not perceived.update"
        probability: 0.6
        do: {action: sanctions, target: b}
  b:
    deliberation_hours: 1
    perception: {delay_hours: 0, noise: 0}
    policies:
      - when: "perceived.actor == 'a' and not perceived.update"
        probability: {dist: uniform, low: 0.2, high: 0.4}   # mean 0.3; uncertain, so no warning
        do: {action: sanctions, target: a}
initial_events:
  - {actor: a, action: criticize, target: b}
outcomes:
  - {id: both, when: "responses.a >= 1", terminal: true}
  - {id: b_only, when: "responses.b >= 1"}
  - {id: none, when: "true"}
"""

ROW = re.compile(r"^\s+(\w+)\s+([\d,]+)\s+(\d\.\d{3})\s+\[(\d\.\d{3}), (\d\.\d{3})\]$")


def escalation_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "escalation.cli", *args], capture_output=True, text=True,
        cwd=ROOT, timeout=300,
    )


def files(folder: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def us_iran() -> escalation.Scenario:
    return escalation.load_scenario(US_IRAN)


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A batch of the seed scenario written with --keep-events: (folder, stdout)."""
    out = tmp_path_factory.mktemp("cli") / "batch"
    result = escalation_cli("run", str(US_IRAN), "--runs", "300", "--seed", "4", "--out", str(out),
                            "--backend", "serial", "--chunk-size", "100", "--keep-events", "--quiet")
    assert result.returncode == 0, result.stderr
    return out, result.stdout


# -- the summary and the files ------------------------------------------------------------------
def test_run_prints_each_outcome_with_probability_and_interval(
    us_iran: escalation.Scenario, written: tuple[Path, str]
) -> None:
    out, stdout = written
    assert stdout.startswith("us_iran_2020: 300 runs (seed 4)")
    header = next(line for line in stdout.splitlines() if "probability" in line)
    assert "outcome" in header and "95% interval" in header
    rows = [m.groups() for line in stdout.splitlines() if (m := ROW.match(line))]
    assert [r[0] for r in rows] == list(us_iran.outcome_ids)
    counts = {name: int(runs.replace(",", "")) for name, runs, *_ in rows}
    assert sum(counts.values()) == 300
    frame = pd.read_parquet(out / "runs.parquet")
    for name, _, probability, low, high in rows:
        assert counts[name] == (frame["outcome"] == name).sum()
        assert probability == f"{counts[name] / 300:.3f}"
        expected_low, expected_high = wilson(counts[name], 300)
        assert (low, high) == (f"{expected_low:.3f}", f"{expected_high:.3f}")
    assert f"written to {out}/: runs.parquet, events.parquet, summary.json, scenario.yaml" in stdout


def test_runs_parquet_has_one_row_per_run(
    us_iran: escalation.Scenario, written: tuple[Path, str]
) -> None:
    out, _ = written
    frame = pd.read_parquet(out / "runs.parquet")
    assert len(frame) == 300 and frame["run"].tolist() == list(range(300))
    assert list(frame.columns[:4]) == ["run", "run_seed", "outcome", "ended_by"]
    assert frame["run_seed"].is_unique
    assert set(frame["outcome"]) <= set(us_iran.outcome_ids)
    params = {c for c in frame.columns if c.startswith("param.")}
    assert params == {f"param.{p.name}" for p in us_iran.parameters.uncertain}
    assert len(params) >= 10
    assert frame[sorted(params)].notna().all().all()
    assert (frame["error"] == "").all()
    in_process = run_batch(us_iran, 300, 4, backend="serial", chunk_size=100, progress=False)
    assert frame.equals(in_process.runs)


def test_summary_json_holds_outcomes_failures_and_manifest(
    us_iran: escalation.Scenario, written: tuple[Path, str]
) -> None:
    out, _ = written
    summary = json.loads((out / "summary.json").read_text())
    frame = pd.read_parquet(out / "runs.parquet")
    assert summary["failed"] == 0 and summary["completed"] == 300 and summary["runs"] == 300
    assert summary["stopped_by"] == "runs" and summary["seed"] == 4
    assert [o["outcome"] for o in summary["outcomes"]] == list(us_iran.outcome_ids)
    for outcome in summary["outcomes"]:
        hits = int((frame["outcome"] == outcome["outcome"]).sum())
        assert outcome["runs"] == hits
        assert outcome["probability"] == pytest.approx(hits / 300)
        assert (outcome["ci_low"], outcome["ci_high"]) == pytest.approx(wilson(hits, 300))
        assert outcome["ci_low"] <= outcome["probability"] <= outcome["ci_high"]
    manifest = summary["manifest"]
    assert manifest["scenario_sha256"] == hashlib.sha256(US_IRAN.read_bytes()).hexdigest()
    assert manifest["version"] == escalation.__version__
    assert manifest["seed"] == 4 and manifest["runs"] == 300 and manifest["chunk_size"] == 100
    assert manifest["keep_events"] is True and manifest["sample"] == "independent"


def test_scenario_yaml_is_the_input_file(written: tuple[Path, str]) -> None:
    out, _ = written
    assert (out / "scenario.yaml").read_bytes() == US_IRAN.read_bytes()


def test_events_parquet_has_one_row_per_event(
    us_iran: escalation.Scenario, written: tuple[Path, str]
) -> None:
    out, _ = written
    events = pd.read_parquet(out / "events.parquet")
    assert {"run", "id", "time", "actor", "kind"} <= set(events.columns)
    per_run = events.groupby("run").size()
    for run in range(300):
        record = escalation.simulate(us_iran, seed=4, run=run)
        assert per_run.get(run, 0) == len(record.events), run
        mine = events[events["run"] == run]
        assert mine["id"].tolist() == [e.id for e in record.events]
        assert mine["kind"].astype(str).tolist() == [e.kind for e in record.events]


def test_trace_replays_a_row_of_the_batch(written: tuple[Path, str]) -> None:
    out, _ = written
    frame = pd.read_parquet(out / "runs.parquet")
    firsts = frame.groupby("outcome", observed=True)["run"].min()
    assert len(firsts) >= 3
    for outcome, run in firsts.items():
        result = escalation_cli("trace", str(US_IRAN), "--seed", "4", "--run", str(run))
        assert result.returncode == 0, result.stderr
        assert f"seed 4, run {run}" in result.stdout
        shown = re.search(r"^outcome: (\w+) \(", result.stdout, re.MULTILINE)
        assert shown is not None and shown.group(1) == outcome, run


@pytest.fixture()
def coin_flips_file(tmp_path: Path) -> Path:
    path = tmp_path / "coin_flips.yaml"
    path.write_text(COIN_FLIPS)
    return path


def test_events_parquet_only_with_keep_events(coin_flips_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "batch"
    result = escalation_cli("run", str(coin_flips_file), "--runs", "200", "--out", str(out),
                            "--backend", "serial", "--chunk-size", "100", "--quiet")
    assert result.returncode == 0, result.stderr
    assert (out / "runs.parquet").is_file() and (out / "summary.json").is_file()
    assert not (out / "events.parquet").exists()
    assert f"written to {out}/: runs.parquet, summary.json, scenario.yaml" in result.stdout
    assert (out / "scenario.yaml").read_bytes() == coin_flips_file.read_bytes()


def test_until_ci_stops_once_every_interval_is_narrow(coin_flips_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "batch"
    result = escalation_cli("run", str(coin_flips_file), "--runs", "5000", "--until-ci", "0.05",
                            "--out", str(out), "--backend", "serial", "--chunk-size", "100",
                            "--quiet")
    assert result.returncode == 0, result.stderr
    assert "stopped: every interval is within ±0.05" in result.stdout
    summary = json.loads((out / "summary.json").read_text())
    assert summary["stopped_by"] == "precision"
    assert 0 < summary["runs"] < 5000
    assert pd.read_parquet(out / "runs.parquet")["run"].tolist() == list(range(summary["runs"]))
    for outcome in summary["outcomes"]:
        assert (outcome["ci_high"] - outcome["ci_low"]) / 2 <= 0.05


def test_until_ci_says_when_runs_ran_out_first(coin_flips_file: Path) -> None:
    result = escalation_cli("run", str(coin_flips_file), "--runs", "300", "--until-ci", "0.01",
                            "--backend", "serial", "--chunk-size", "100", "--quiet")
    assert result.returncode == 0, result.stderr
    assert "stopped: --runs was reached before every interval was within ±0.01" in result.stdout


# -- Ctrl-C and --resume ------------------------------------------------------------------------
def test_ctrl_c_keeps_whole_chunks_and_resume_finishes_the_batch(tmp_path: Path) -> None:
    out, reference = tmp_path / "batch", tmp_path / "reference"
    args = ["run", str(US_IRAN), "--runs", "800", "--seed", "11", "--out", str(out),
            "--chunk-size", "100", "--quiet"]
    chunks = out / "chunks"
    process = subprocess.Popen([sys.executable, "-m", "escalation.cli", *args, "--backend", "serial"],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 240
        while len(list(chunks.glob("runs-*.parquet"))) < 2:
            assert process.poll() is None, "the batch ended before it could be interrupted"
            assert time.monotonic() < deadline, "no chunk was written"
            time.sleep(0.02)
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=240)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()

    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert "interrupted" in stderr and "--resume" in stderr
    for name in ("runs.parquet", "summary.json", "scenario.yaml"):
        assert not (out / name).exists(), name
    visible = sorted(p.name for p in chunks.iterdir() if not p.name.startswith("."))
    assert 2 <= len(visible) < 8
    for name in visible:  # only whole chunks: each names its first run and holds 100 runs
        match = re.fullmatch(r"runs-(\d{9})\.parquet", name)
        assert match is not None, name
        start = int(match.group(1))
        assert pd.read_parquet(chunks / name)["run"].tolist() == list(range(start, start + 100))
    # The summary covers the chunks the batch had taken in; Ctrl-C may land just after the
    # last of them was written and before it was taken in.
    kept = re.match(r"us_iran_2020: (\d+) runs \(seed 11, stopped by interrupted\)", stdout)
    assert kept is not None, stdout
    assert int(kept.group(1)) in (100 * len(visible), 100 * (len(visible) - 1))

    resumed = escalation_cli(*args, "--backend", "processes", "--workers", "2", "--resume")
    assert resumed.returncode == 0, resumed.stderr
    run_batch(escalation.load_scenario(US_IRAN), 800, 11, backend="serial", chunk_size=100,
              out=reference, progress=False)
    assert pd.read_parquet(out / "runs.parquet").equals(pd.read_parquet(reference / "runs.parquet"))
    assert json.loads((out / "summary.json").read_text()) == \
        json.loads((reference / "summary.json").read_text())
    assert (out / "scenario.yaml").read_bytes() == US_IRAN.read_bytes()


BASE_OPTIONS = {"--runs": "200", "--seed": "3", "--chunk-size": "100"}


def run_args(path: Path, out: Path, options: dict[str, Any], *flags: str) -> list[str]:
    args = ["run", str(path), "--out", str(out), "--backend", "serial", "--quiet", *flags]
    for option, value in options.items():
        args += [option] if value is True else [option, value]
    return args


@pytest.fixture()
def finished(coin_flips_file: Path, tmp_path: Path) -> Path:
    """A finished batch folder of the coin-flip scenario, made with BASE_OPTIONS."""
    out = tmp_path / "batch"
    run_batch(escalation.load_scenario(coin_flips_file), 200, 3, backend="serial", chunk_size=100,
              out=out, progress=False)
    return out


@pytest.mark.parametrize(("change", "field"), [
    ({"--seed": "4"}, "seed"),
    ({"--runs": "300"}, "runs"),
    ({"--chunk-size": "50"}, "chunk_size"),
    ({"--sample": "lhs"}, "sample"),
    ({"--keep-events": True}, "keep_events"),
    ({"--until-ci": "0.1"}, "until_ci"),
    ({}, "scenario_sha256"),  # the scenario file itself changed
])
def test_resume_with_other_options_is_refused(
    coin_flips_file: Path, finished: Path, change: dict[str, Any], field: str
) -> None:
    before = files(finished)
    if not change:
        coin_flips_file.write_text(COIN_FLIPS.replace("probability: 0.6", "probability: 0.7"))
    result = escalation_cli(*run_args(coin_flips_file, finished, {**BASE_OPTIONS, **change},
                                      "--resume"))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"escalation: {finished} holds a different batch (differs in ")
    differing = re.search(r"differs in ([^)]*)\)", result.stderr)
    assert differing is not None and field in differing.group(1).split(", ")
    assert "--out" in result.stderr
    assert files(finished) == before, "a refused resume must leave the folder alone"


def test_reusing_a_batch_folder_without_resume_is_refused(
    coin_flips_file: Path, finished: Path
) -> None:
    before = files(finished)
    result = escalation_cli(*run_args(coin_flips_file, finished, BASE_OPTIONS))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"escalation: {finished} already holds a batch")
    assert "--resume" in result.stderr
    assert files(finished) == before
    # The same command with --resume is accepted and gives the same batch.
    again = escalation_cli(*run_args(coin_flips_file, finished, BASE_OPTIONS, "--resume"))
    assert again.returncode == 0, again.stderr
    assert pd.read_parquet(finished / "runs.parquet").equals(
        pd.read_parquet(io.BytesIO(before[finished / "runs.parquet"])))



def test_scenario_as_run_is_what_ran_even_if_the_file_changed(tmp_path: Path) -> None:
    import escalation
    from escalation.montecarlo.batch import scenario_as_run

    path = tmp_path / "s.yaml"
    path.write_text(US_IRAN.read_text())
    scenario = escalation.load_scenario(path)
    assert scenario_as_run(scenario) == path.read_bytes()  # comments and citations kept
    path.write_text(US_IRAN.read_text().replace("resolve: 0.8", "resolve: 0.1"))
    written = scenario_as_run(scenario)
    assert escalation.load_scenario_text(written.decode()).spec == scenario.spec
