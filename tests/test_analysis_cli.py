"""The commands that read a batch folder or explain a run: paths, discover, explain, report,
trace --out. Each writes what it says into the folder, and refuses a folder without a batch
with a one-line error (exit 2), never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import escalation

ROOT = Path(__file__).resolve().parents[1]
US_IRAN = ROOT / "scenarios" / "us_iran_2020.yaml"


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "escalation.cli", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=300)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("batch") / "us_iran"
    scenario = escalation.load_scenario(US_IRAN)
    escalation.run_batch(scenario, 400, 11, backend="serial", progress=False, out=out)
    return out


def test_paths_prints_and_saves_the_table(folder: Path) -> None:
    done = cli("paths", str(folder), "--depth", "3", "--top", "5")
    assert done.returncode == 0, done.stderr
    table = pd.read_csv(folder / "paths.csv")
    assert table["runs"].sum() == 400 and table["share"].sum() == pytest.approx(1.0)
    assert table["path"].iloc[0] in " ".join(done.stdout.split())  # wrapped between moves
    assert all(path.count(">") <= 2 for path in table["path"] if path != "other")


def test_discover_reports_a_box_and_tree_rules(folder: Path) -> None:
    done = cli("discover", str(folder), "--min-gain", "0.001")
    assert done.returncode == 0, done.stderr
    assert "PRIM box for 'war'" in done.stdout
    box = pd.read_csv(folder / "discovery_box.csv")
    assert set(box.columns) >= {"parameter", "low", "high"}
    rules = pd.read_csv(folder / "discovery_tree.csv")
    assert rules["runs"].sum() == 400  # the leaves partition the runs
    assert (folder / "discovery.svg").stat().st_size > 0


def test_explain_prints_the_causal_chain_of_a_run() -> None:
    done = cli("explain", str(US_IRAN), "--seed", "11", "--run", "3")
    assert done.returncode == 0, done.stderr
    record = escalation.simulate(escalation.load_scenario(US_IRAN), seed=11, run=3)
    assert record.outcome in done.stdout


def test_report_gathers_the_folder_into_one_page(folder: Path) -> None:
    assert cli("plot", str(folder)).returncode == 0
    done = cli("report", str(folder))
    assert done.returncode == 0, done.stderr
    page = (folder / "report.html").read_text()
    assert done.stdout.strip() == str(folder / "report.html")
    assert page.count("<svg") >= len(list(folder.glob("*.svg")))


def test_trace_out_draws_the_timeline(tmp_path: Path) -> None:
    done = cli("trace", str(US_IRAN), "--seed", "11", "--run", "3", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "timeline_seed11_run3.png").stat().st_size > 10_000


@pytest.mark.parametrize("command", ["paths", "discover", "report", "plot"])
def test_a_folder_without_a_batch_is_a_clear_error(command: str, tmp_path: Path) -> None:
    done = cli(command, str(tmp_path))
    assert done.returncode == 2, done.stdout
    assert "Traceback" not in done.stderr and "not a finished batch folder" in done.stderr
