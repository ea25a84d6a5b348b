"""Every way a command can go wrong ends in one clean message and the right exit status.

- ``--out`` naming a file (or a path under a file) is refused before anything runs, for every
  command that has it; a results folder that is a file is named as such.
- An unreachable Dask scheduler is named, with how to start one, within a few seconds.
- A batch interrupted before its first chunk says that nothing finished (exit 130); its
  ``--out`` folder can be finished with ``--resume``; the empty results still summarise.
- A count too large for the run table names its column and run.
- Numeric options outside their range, and ``--resume`` without ``--out``, are refused at
  once with the valid range (exit 2).
- A batch whose rows would not fit in memory is refused before any run starts.
- A crash while collecting a finished batch keeps its chunk files and says to ``--resume``.
- ``--out`` on a read-only folder is refused before anything runs; paths, discover and report
  of a read-only batch print, or write into --out DIR, and leave the batch alone.
- ``--resume`` where no batch was started is refused; ``--workers`` far above the cores is
  capped with a warning; a Dask cluster that loses its workers ends like an interruption, and
  one whose workers run another escalation version is refused.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable, Generator, Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import escalation
import escalation.montecarlo.batch as batch_module
from escalation.cli import main
from escalation.montecarlo.backends import (
    Chunk,
    Job,
    WorkersLost,
    WorkerVersionMismatch,
    check_worker_versions,
)
from escalation.montecarlo.batch import run_batch
from escalation.montecarlo.chunk import ChunkResult
from escalation.montecarlo.storage import table_of
from tests.toys import COIN_FLIPS, quick


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Runs the command in this process: its exit status (argparse's included), stdout, stderr."""
    try:
        code = main(list(args))
    except SystemExit as stop:
        code = int(stop.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def coin(tmp_path: Path) -> Path:
    path = tmp_path / "coin.yaml"
    path.write_text(quick(COIN_FLIPS))
    return path


@pytest.fixture
def a_file(tmp_path: Path) -> Path:
    path = tmp_path / "notes.txt"
    path.write_text("not a folder\n")
    return path


def batch_args(scenario: Path, *extra: str) -> list[str]:
    return ["run", str(scenario), "--runs", "300", "--chunk-size", "100", "--seed", "3",
            "--backend", "serial", "--quiet", *extra]


def batch_patched(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                  patch: Callable[[pytest.MonkeyPatch], None], scenario: Path, out: Path
                  ) -> tuple[int, str]:
    """The batch command into ``out`` with ``patch`` applied for it alone: exit status, stderr
    (which shows no traceback)."""
    with monkeypatch.context() as patched:
        patch(patched)
        code, _, err = cli(capsys, *batch_args(scenario, "--out", str(out)))
    assert "Traceback" not in err
    return code, err


def assert_resume_finishes(capsys: pytest.CaptureFixture[str], scenario: Path, out: Path) -> None:
    """``--resume`` in ``out`` succeeds and gives the runs.parquet of a batch never stopped."""
    code, _, err = cli(capsys, *batch_args(scenario, "--out", str(out), "--resume"))
    assert code == 0, err
    fresh = out.with_name(f"{out.name}_fresh")
    assert cli(capsys, *batch_args(scenario, "--out", str(fresh)))[0] == 0
    pd.testing.assert_frame_equal(pd.read_parquet(out / "runs.parquet"),
                                  pd.read_parquet(fresh / "runs.parquet"))


# -- 1. --out that is a file ------------------------------------------------------------------

OUT_COMMANDS = {
    "run": ["run", "{scenario}", "--runs", "20", "--backend", "serial", "--quiet"],
    "trace": ["trace", "{scenario}"],
    "compare": ["compare", "{scenario}", "--set", "horizon_days=5", "--runs", "20",
                "--backend", "serial", "--quiet"],
    "sweep": ["sweep", "{scenario}", "--param", "horizon_days=5,6", "--runs", "20",
              "--backend", "serial", "--quiet"],
    "sensitivity": ["sensitivity", "{scenario}", "--samples", "4", "--workers", "1"],
}


@pytest.mark.parametrize("command", sorted(OUT_COMMANDS))
@pytest.mark.parametrize("under", [False, True], ids=["file", "under_a_file"])
def test_out_naming_a_file_is_refused_before_anything_runs(
        capsys: pytest.CaptureFixture[str], coin: Path, a_file: Path, command: str,
        under: bool) -> None:
    out = a_file / "figures" if under else a_file
    args = [word.format(scenario=coin) for word in OUT_COMMANDS[command]]
    code, stdout, err = cli(capsys, *args, "--out", str(out))
    assert code == 2
    assert "Traceback" not in err
    assert str(out) in err and "folder" in err
    assert stdout == ""  # refused before any run
    assert a_file.read_text() == "not a folder\n"


@pytest.mark.parametrize("command", ["report", "plot", "paths", "discover"])
def test_a_results_folder_that_is_a_file_is_named_as_one(
        capsys: pytest.CaptureFixture[str], a_file: Path, command: str) -> None:
    code, _, err = cli(capsys, command, str(a_file))
    assert code == 2
    assert str(a_file) in err and "is a file" in err and "folder" in err


# -- 2. an unreachable Dask scheduler ---------------------------------------------------------

def free_port() -> int:
    """A port nothing listens on: bound by the system's choice, then released."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_an_unreachable_scheduler_is_named_within_seconds(
        capsys: pytest.CaptureFixture[str], coin: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ESCALATION_DASK_CONNECT_TIMEOUT", "1")
    address = f"tcp://127.0.0.1:{free_port()}"
    threads = set(threading.enumerate())
    began = time.monotonic()
    code, _, err = cli(capsys, "run", str(coin), "--runs", "20", "--backend", "dask",
                       "--scheduler", address, "--quiet")
    assert time.monotonic() - began < 15
    assert code == 2
    assert "Traceback" not in err
    assert address in err and "dask scheduler" in err and "ESCALATION_DASK_CONNECT_TIMEOUT" in err
    assert set(threading.enumerate()) <= threads  # no Dask loop left running here


def test_a_bad_connect_timeout_names_its_variable(
        capsys: pytest.CaptureFixture[str], coin: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ESCALATION_DASK_CONNECT_TIMEOUT", "soon")
    code, _, err = cli(capsys, "run", str(coin), "--runs", "20", "--backend", "dask",
                       "--scheduler", f"tcp://127.0.0.1:{free_port()}", "--quiet")
    assert code == 2
    assert "ESCALATION_DASK_CONNECT_TIMEOUT" in err and "'soon'" in err


# -- 3. interrupted before the first chunk ----------------------------------------------------

def interrupt_first_chunk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C while the first chunk is still running: it runs for real, then the interrupt
    arrives before its result does."""
    serial = batch_module.run_serial

    def interrupted(job: Job, chunks: Iterable[Chunk]) -> Generator[ChunkResult, None, None]:
        for _ in serial(job, chunks):
            raise KeyboardInterrupt
        yield from ()

    monkeypatch.setattr(batch_module, "run_serial", interrupted)


def test_results_of_a_batch_interrupted_before_any_chunk_still_summarise(
        coin: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    interrupt_first_chunk(monkeypatch)
    scenario = escalation.load_scenario(coin)
    results = run_batch(scenario, 300, 3, backend="serial", chunk_size=100, progress=False)
    assert results.stopped_by == "interrupted" and len(results.runs) == 0
    summary = results.summary()
    assert list(summary.index) == list(scenario.outcome_ids)
    assert (summary["runs"] == 0).all()
    report = results.report()
    assert report["completed"] == 0 and report["runs"] == 0
    assert "no run finished" in results.format_summary()


def test_run_interrupted_before_any_chunk_says_so_and_resumes(
        capsys: pytest.CaptureFixture[str], coin: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "batch"
    code, err = batch_patched(capsys, monkeypatch, interrupt_first_chunk, coin, out)
    assert code == 130
    assert "no run finished" in err and "--resume" in err
    assert_resume_finishes(capsys, coin, out)


def test_ctrl_c_outside_the_runs_exits_130_without_a_traceback(
        capsys: pytest.CaptureFixture[str], coin: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*_: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(batch_module, "spell_out", interrupted)
    code, _, err = cli(capsys, *batch_args(coin))
    assert code == 130
    assert "interrupted" in err and "Traceback" not in err


# -- 4. a count too large for the run table ---------------------------------------------------

@pytest.mark.parametrize("count", [2**40, 2**64 + 5], ids=["over_int32", "over_int64"])
@pytest.mark.parametrize("as_array", [False, True], ids=["list", "array"])
def test_a_count_too_large_for_its_column_names_the_column_and_run(
        count: int, as_array: bool) -> None:
    deaths: Any = [3, count, 1]
    if as_array:
        deaths = np.array(deaths, dtype=object)
    chunk = {"run": np.array([40, 41, 42]), "outcome": ["war", "war", "none"],
             "deaths.iran": deaths}
    with pytest.raises(ValueError, match=r"deaths\.iran") as error:
        table_of(chunk)
    message = str(error.value)
    assert "run 41" in message and f"{count:,}" in message
    assert "escalation trace" in message  # what to do: replay the run


# -- 5. options outside their range -----------------------------------------------------------

BAD_OPTIONS = {
    "discover --min-coverage 2": (["discover", "{folder}", "--min-coverage", "2"], "0 to 1"),
    "discover --min-coverage -1": (["discover", "{folder}", "--min-coverage", "-1"], "0 to 1"),
    "discover --min-coverage nan": (["discover", "{folder}", "--min-coverage", "nan"], "0 to 1"),
    "discover --min-gain 1.5": (["discover", "{folder}", "--min-gain", "1.5"], "0 to 1"),
    "discover --depth -1": (["discover", "{folder}", "--depth", "-1"], "at least 1"),
    "discover --depth 0": (["discover", "{folder}", "--depth", "0"], "at least 1"),
    "paths --depth -1": (["paths", "{folder}", "--depth", "-1"], "at least 1"),
    "paths --top 0": (["paths", "{folder}", "--top", "0"], "at least 1"),
    "paths --top -3": (["paths", "{folder}", "--top", "-3"], "at least 1"),
    "run --runs 0": (["run", "{scenario}", "--runs", "0"], "at least 1"),
    "run --workers 0": (["run", "{scenario}", "--workers", "0"], "at least 1"),
    "run --chunk-size 0": (["run", "{scenario}", "--chunk-size", "0"], "at least 1"),
    "run --seed -1": (["run", "{scenario}", "--seed", "-1"], "at least 0"),
    "run --until-ci 0.7": (["run", "{scenario}", "--until-ci", "0.7"], "between 0 and 0.5"),
    "run --until-ci 0": (["run", "{scenario}", "--until-ci", "0"], "between 0 and 0.5"),
    "run --until-ci x": (["run", "{scenario}", "--until-ci", "x"], "a number"),
    "sensitivity --samples 1": (["sensitivity", "{scenario}", "--samples", "1"], "at least 2"),
    "sensitivity --replicates 0": (["sensitivity", "{scenario}", "--replicates", "0"],
                                   "at least 1"),
    "sensitivity --seed -1": (["sensitivity", "{scenario}", "--seed", "-1"], "at least 0"),
    "trace --run -1": (["trace", "{scenario}", "--run", "-1"], "at least 0"),
}


@pytest.mark.parametrize("case", sorted(BAD_OPTIONS))
def test_options_outside_their_range_are_refused_at_once(
        capsys: pytest.CaptureFixture[str], coin: Path, tmp_path: Path, case: str) -> None:
    words, expected = BAD_OPTIONS[case]
    option = case.split()[1]
    args = [word.format(scenario=coin, folder=tmp_path) for word in words]
    code, stdout, err = cli(capsys, *args)
    assert code == 2
    assert stdout == ""
    assert option in err and expected in err, err


def test_resume_without_out_is_refused(capsys: pytest.CaptureFixture[str], coin: Path) -> None:
    code, stdout, err = cli(capsys, *batch_args(coin, "--resume"))
    assert code == 2
    assert stdout == ""
    assert "--resume" in err and "--out" in err


# -- 6. a batch too large for memory ----------------------------------------------------------

HUGE = 10**12  # runs: far more than any machine's memory holds at a few hundred bytes each


def test_a_batch_too_large_for_memory_is_refused_before_it_starts(
        capsys: pytest.CaptureFixture[str], coin: Path) -> None:
    began = time.monotonic()
    code, stdout, err = cli(capsys, "run", str(coin), "--runs", str(HUGE), "--backend", "serial",
                            "--quiet")
    assert time.monotonic() - began < 10
    assert code == 2
    assert stdout == "" and "Traceback" not in err
    assert f"{HUGE:,}" in err and "memory" in err and "--runs" in err


def test_run_batch_refuses_a_batch_too_large_for_memory(coin: Path, tmp_path: Path) -> None:
    scenario = escalation.load_scenario(coin)
    with pytest.raises(ValueError, match="memory"):
        run_batch(scenario, HUGE, backend="serial", progress=False, out=tmp_path / "out")
    assert not (tmp_path / "out").exists()  # refused before anything was written


def test_until_ci_bounds_the_runs_a_batch_holds(coin: Path) -> None:
    """With until_ci the batch stops after a few thousand runs: a huge --runs is a ceiling,
    not what it holds."""
    scenario = escalation.load_scenario(coin)
    results = run_batch(scenario, 10**8, backend="serial", progress=False, until_ci=0.05,
                        chunk_size=200)
    assert results.stopped_by == "precision" and len(results.runs) < 1000


# -- 7. a crash while collecting a finished batch ---------------------------------------------

def fail_collection(monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(*_: Any) -> None:
        raise TypeError("injected failure while spelling out paths")

    monkeypatch.setattr(batch_module, "spell_out", crash)


def test_a_crash_while_collecting_keeps_the_chunks_for_resume(
        capsys: pytest.CaptureFixture[str], coin: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "batch"
    code, err = batch_patched(capsys, monkeypatch, fail_collection, coin, out)
    assert code == 2
    assert "injected failure" in err and str(out) in err and "--resume" in err
    assert len(list((out / "chunks").glob("runs-*.parquet"))) == 3
    assert not (out / "runs.parquet").exists()
    assert_resume_finishes(capsys, coin, out)


def test_a_crash_while_collecting_without_out_says_how_to_keep_work(
        capsys: pytest.CaptureFixture[str], coin: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fail_collection(monkeypatch)
    code, _, err = cli(capsys, *batch_args(coin))
    assert code == 2
    assert "Traceback" not in err
    assert "injected failure" in err and "--out" in err


# -- 8. read-only folders ---------------------------------------------------------------------

@pytest.fixture(params=["chmod", "access"])
def make_read_only(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
                   ) -> Generator[Callable[[Path], None], None, None]:
    """Makes a folder read-only for this user: really (chmod; skipped as root, whom chmod does
    not stop), or as the operating system's answer to os.access (what the commands ask)."""
    made: list[Path] = []

    def read_only(folder: Path) -> None:
        made.append(folder)
        if request.param == "chmod":
            folder.chmod(0o555)
            if os.access(folder, os.W_OK):
                pytest.skip("running as root: chmod does not make a folder read-only for root")
            return
        access = os.access

        def no_writing(path: Any, mode: int, *args: Any, **kwargs: Any) -> bool:
            inside = Path(path).resolve().is_relative_to(folder.resolve())
            return False if inside and mode & os.W_OK else access(path, mode, *args, **kwargs)

        monkeypatch.setattr(os, "access", no_writing)

    yield read_only
    for folder in made:
        folder.chmod(0o755)


@pytest.mark.parametrize("command", sorted(OUT_COMMANDS))
@pytest.mark.parametrize("under", [False, True], ids=["folder", "under_it"])
def test_out_on_a_read_only_folder_is_refused_before_anything_runs(
        capsys: pytest.CaptureFixture[str], coin: Path, tmp_path: Path,
        make_read_only: Callable[[Path], None], command: str, under: bool) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    make_read_only(locked)
    out = locked / "figures" if under else locked
    args = [word.format(scenario=coin) for word in OUT_COMMANDS[command]]
    code, stdout, err = cli(capsys, *args, "--out", str(out))
    assert code == 2
    assert stdout == ""  # refused before any run
    assert str(out) in err and "read-only" in err and "--out" in err
    assert list(locked.iterdir()) == []


@pytest.fixture
def finished(coin: Path, tmp_path: Path) -> Path:
    out = tmp_path / "batch"
    run_batch(escalation.load_scenario(coin), 300, 3, backend="serial", progress=False, out=out)
    return out


def contents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("command", ["paths", "discover"])
def test_tables_of_a_read_only_batch_are_printed_or_saved_elsewhere(
        capsys: pytest.CaptureFixture[str], finished: Path, tmp_path: Path,
        make_read_only: Callable[[Path], None], command: str) -> None:
    before = contents(finished)
    make_read_only(finished)
    code, stdout, err = cli(capsys, command, str(finished))
    assert code == 0, err
    assert stdout and "read-only" in err and "--out" in err
    elsewhere = tmp_path / "elsewhere"
    code, stdout, err = cli(capsys, command, str(finished), "--out", str(elsewhere))
    assert code == 0, err
    saved = sorted(p.name for p in elsewhere.iterdir())
    assert saved and all(str(elsewhere / name) in stdout for name in saved if name.endswith(".csv"))
    assert contents(finished) == before


def test_the_report_of_a_read_only_batch_goes_to_out(
        capsys: pytest.CaptureFixture[str], finished: Path, tmp_path: Path,
        make_read_only: Callable[[Path], None]) -> None:
    before = contents(finished)
    make_read_only(finished)
    code, stdout, err = cli(capsys, "report", str(finished))
    assert code == 2 and stdout == ""
    assert str(finished) in err and "read-only" in err and "--out" in err
    elsewhere = tmp_path / "pages"
    code, stdout, err = cli(capsys, "report", str(finished), "--out", str(elsewhere))
    assert code == 0, err
    assert stdout.strip() == str(elsewhere / "report.html")
    assert sorted(p.name for p in elsewhere.iterdir()) == ["report.html"]
    assert "<html" in (elsewhere / "report.html").read_text()
    assert contents(finished) == before


# -- 9. --resume where nothing was started, too many workers -----------------------------------

@pytest.mark.parametrize("made", [False, True], ids=["missing", "empty"])
def test_resume_where_no_batch_was_started_is_refused(
        capsys: pytest.CaptureFixture[str], coin: Path, tmp_path: Path, made: bool) -> None:
    out = tmp_path / "typo"
    if made:
        out.mkdir()
    code, stdout, err = cli(capsys, *batch_args(coin, "--out", str(out), "--resume"))
    assert code == 2 and stdout == ""
    assert str(out) in err and "drop --resume" in err
    assert out.exists() == made and (not made or list(out.iterdir()) == [])


def test_workers_far_above_the_cores_are_capped_with_a_warning(
        capsys: pytest.CaptureFixture[str], coin: Path) -> None:
    many = 100 * (os.cpu_count() or 1)
    code, stdout, err = cli(capsys, "run", str(coin), "--runs", "200", "--chunk-size", "100",
                            "--workers", str(many), "--quiet")
    assert code == 0, err
    assert f"escalation: warning: {many} workers" in err and "using" in err
    assert "RuntimeWarning" not in err and "coin_flips: 200 runs" in stdout


# -- 10. Dask: lost workers, other versions -----------------------------------------------------

def lose_workers_after_one_chunk(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cluster loses its workers once the first chunk is back (Dask cancels the rest)."""
    def dask(job: Job, chunks: Iterable[Chunk], *_: Any) -> Generator[ChunkResult, None, None]:
        for result in batch_module.run_serial(job, chunks):
            yield result
            raise WorkersLost("the Dask cluster lost the workers running the batch "
                              "(FutureCancelledError: cancelled)")

    monkeypatch.setattr(batch_module, "run_dask", dask)


def test_losing_every_dask_worker_keeps_what_finished_and_says_how_to_resume(
        capsys: pytest.CaptureFixture[str], coin: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "batch"
    with monkeypatch.context() as patched:
        lose_workers_after_one_chunk(patched)
        code, stdout, err = cli(capsys, *batch_args(coin, "--backend", "dask", "--out", str(out)))
    assert code == 130
    assert "Traceback" not in err and "lost the workers" in err
    assert "100 runs kept" in err and "--resume" in err
    assert "coin_flips: 100 runs" in stdout  # the summary of what finished
    assert_resume_finishes(capsys, coin, out)


def test_dask_workers_of_another_version_are_refused() -> None:
    distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")
    with distributed.LocalCluster(n_workers=1, processes=False, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        check_worker_versions(client, escalation.__version__)  # the same version: accepted
        with pytest.raises(WorkerVersionMismatch, match=r"another escalation version .*0\.0\.0"):
            check_worker_versions(client, "0.0.0")
