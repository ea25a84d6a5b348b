"""The command follows the conventions a newcomer expects, and works after a plain install.

- ``--version``, ``python -m escalation``; help on every option and positional argument, an
  example in each command's help, commands grouped in ``--help``, one metavar per meaning.
- ``escalation scenarios`` lists the shipped library; any FILE may be a shipped scenario's
  name, and a local file of that name wins; an unknown name lists the shipped ones.
- ``run --out`` says where the batch and its report are in two lines, not two dozen paths;
  ``export`` writes the run table as CSV; no progress frames go to a stderr that is no terminal.
- A command that needs a missing extra (Dask, SALib) names the extra to install.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from escalation import __version__
from escalation.cli import GROUPS, build_parser
from escalation.library import shipped_scenarios
from tests.test_cli_errors import cli
from tests.toys import COIN_FLIPS, quick

ROOT = Path(__file__).resolve().parents[1]
METAVARS = {"out": "DIR", "file": "FILE", "folder": "RESULTS_DIR"}


def subcommands() -> dict[str, argparse.ArgumentParser]:
    actions = [a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(actions[0].choices)


@pytest.fixture
def coin(tmp_path: Path) -> Path:
    path = tmp_path / "coin.yaml"
    path.write_text(quick(COIN_FLIPS))
    return path


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "--version")
    assert code == 0 and out.strip() == f"escalation {__version__}"


def test_python_m_escalation_is_the_command() -> None:
    done = subprocess.run([sys.executable, "-m", "escalation", "--version"], capture_output=True,
                          text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == f"escalation {__version__}"


@pytest.mark.parametrize("name", sorted(subcommands()))
def test_every_argument_has_help_and_each_command_an_example(name: str) -> None:
    parser = subcommands()[name]
    assert parser.epilog and f"escalation {name}" in parser.epilog
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        assert action.help and action.help != argparse.SUPPRESS, (name, action.dest)
        if action.dest in METAVARS:
            assert action.metavar == METAVARS[action.dest], (name, action.dest)


def test_help_lists_every_command_once_by_group(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "--help")
    assert code == 0
    grouped = [name for names in GROUPS.values() for name in names]
    assert sorted(grouped) == sorted(subcommands())
    for title in GROUPS:
        assert f"\n{title}:\n" in f"\n{out}"
    for name in grouped:
        assert sum(line.split()[:1] == [name] for line in out.splitlines()) == 1, name


def test_scenarios_lists_the_shipped_library_with_titles(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "scenarios")
    assert code == 0
    shipped = shipped_scenarios()
    assert {s.name for s in shipped} >= {"us_iran_2020", "india_pakistan_2019", "two_state_template"}
    for scenario in shipped:
        assert scenario.title
        assert any(line.startswith(scenario.name) and scenario.title in line
                   for line in out.splitlines()), scenario.name


@pytest.mark.parametrize("name", ["us_iran_2020", "us_iran_2020.yaml", "us_iran_2020_no_warning"])
def test_a_shipped_scenario_runs_by_name_from_anywhere(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        name: str) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = cli(capsys, "run", name, "--runs", "20", "--backend", "serial", "--quiet")
    assert code == 0, err
    assert f"{name.removesuffix('.yaml')}: 20 runs" in out


def test_a_local_file_wins_over_a_shipped_scenario_of_its_name(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "us_iran_2020.yaml").write_text(quick(COIN_FLIPS))
    code, out, _ = cli(capsys, "validate", "us_iran_2020.yaml")
    assert code == 0 and "'coin_flips'" in out


def test_an_unknown_scenario_name_lists_the_shipped_ones(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = cli(capsys, "trace", "us_iran_2021")
    assert code == 2 and out == ""
    assert "us_iran_2021" in err and "us_iran_2020" in err and "escalation scenarios" in err


def test_run_out_says_where_the_batch_and_its_report_are(
        capsys: pytest.CaptureFixture[str], coin: Path, tmp_path: Path) -> None:
    out = tmp_path / "batch"
    code, stdout, err = cli(capsys, "run", str(coin), "--runs", "200", "--backend", "serial",
                            "--quiet", "--out", str(out))
    assert code == 0, err
    said = [line for line in stdout.splitlines() if str(out) in line]
    assert len(said) == 2
    assert said[-1] == f"report: {out / 'report.html'}"
    assert (out / "report.html").is_file() and list(out.glob("*.svg"))
    assert not (out / "chunks").exists()


def test_export_writes_the_run_table_as_csv(
        capsys: pytest.CaptureFixture[str], coin: Path, tmp_path: Path) -> None:
    out = tmp_path / "batch"
    assert cli(capsys, "run", str(coin), "--runs", "150", "--backend", "serial", "--quiet",
               "--out", str(out))[0] == 0
    target = tmp_path / "runs.csv"
    code, stdout, err = cli(capsys, "export", str(out), "--csv", str(target))
    assert code == 0, err
    assert str(target) in stdout
    table, runs = pd.read_csv(target), pd.read_parquet(out / "runs.parquet")
    assert list(table.columns) == list(runs.columns) and len(table) == len(runs) == 150
    assert table["run"].tolist() == runs["run"].tolist()
    code, stdout, _ = cli(capsys, "export", str(out), "--csv", "-")
    assert code == 0 and stdout.splitlines()[0] == ",".join(runs.columns)


def test_export_to_a_missing_folder_is_refused_before_reading(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = cli(capsys, "export", str(tmp_path), "--csv", str(tmp_path / "nope" / "r.csv"))
    assert code == 2 and "--csv" in err and "nope" in err


def test_no_progress_frames_when_standard_error_is_not_a_terminal(coin: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "escalation", "run", str(coin), "--runs", "300",
                           "--chunk-size", "100", "--backend", "serial"],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "\r" not in done.stderr and "run/s" not in done.stderr


@pytest.mark.parametrize(("module", "args", "extra"), [
    ("dask", ["run", "{coin}", "--runs", "20", "--backend", "dask", "--quiet"], "dask"),
    ("SALib", ["sensitivity", "{coin}", "--samples", "4", "--workers", "1"], "sensitivity"),
])
def test_a_missing_extra_is_named_with_how_to_install_it(
        capsys: pytest.CaptureFixture[str], coin: Path, monkeypatch: pytest.MonkeyPatch,
        module: str, args: list[str], extra: str) -> None:
    for name in [m for m in sys.modules if m == module or m.startswith(f"{module}.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, module, None)  # as if not installed: import fails
    if module == "dask":
        monkeypatch.setitem(sys.modules, "distributed", None)
    code, _, err = cli(capsys, *[word.format(coin=coin) for word in args])
    assert code == 2
    assert f"pip install 'escalation[{extra}]'" in err and "Traceback" not in err
