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
"""

from __future__ import annotations

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
from escalation.montecarlo.backends import Chunk, Job
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
