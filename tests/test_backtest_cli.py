"""``escalation backtest``: the terminal table, the files of --out, and clean errors."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import yaml

from escalation.cli import main
from tests.test_backtest import HOUR, episode, write_library

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_library(tmp_path_factory.mktemp("cli_library"))


def test_the_table_shows_each_episode_and_the_summary(library: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["backtest", str(library), "--runs", "20", "--backend", "serial", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "backtest of 3 episodes, 20 runs each (seed 0)" in text
    assert "ep3" in text and "real class silence: model 2.4%" in text  # 0.5 / 20.5
    assert "first_answer_days.b" in text and "OUTSIDE 90%" in text and "in 90%" in text
    assert "log score model" in text and "vs base rate" in text and "skill" in text
    assert "lowest probability of a real class: 2.4% (ep3, silence)" in text
    for name in ("scores.csv", "facts.csv", "skill.csv", "reliability.svg", "pit.png",
                 "real_class.svg", "backtest.html"):
        assert (out / name).is_file(), name
    with (out / "scores.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert [r["episode"] for r in rows] == ["ep1", "ep2", "ep3"]
    page = (out / "backtest.html").read_text()
    assert page.count("<svg") == 3 and "ep2" in page


def test_a_single_file_with_a_reference_library(library: Path, capsys: pytest.CaptureFixture[str]
                                                ) -> None:
    code = main(["backtest", str(library / "ep1.yaml"), "--runs", "5", "--backend", "serial",
                 "--reference", str(library)])
    assert code == 0
    text = capsys.readouterr().out
    assert "backtest of 1 episode," in text and "base rate 16.7%" in text


def test_the_shipped_episode_runs_by_name(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["backtest", "india_pakistan_2019", "--runs", "30", "--backend", "serial"]) == 0
    text = capsys.readouterr().out
    assert "real class one_round" in text and "first_answer_days.pakistan" in text


def test_a_file_without_observed_facts_is_refused_with_how_to_add_them(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = episode("plain", True, "answered", HOUR)
    del data["observed"]
    (tmp_path / "plain.yaml").write_text(yaml.safe_dump(data))
    assert main(["backtest", str(tmp_path / "plain.yaml"), "--runs", "5"]) == 2
    error = capsys.readouterr().err
    assert "plain.yaml: no observed: block" in error and "observed:\n    outcome:" in error


def test_a_missing_target_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["backtest", str(tmp_path / "nothing"), "--runs", "5"]) == 2
    assert "no file or folder" in capsys.readouterr().err


def test_an_observed_class_the_scenario_lacks_is_located(tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "bad.yaml").write_text(yaml.safe_dump(episode("bad", True, "answerd", HOUR)))
    assert main(["backtest", str(tmp_path), "--runs", "5"]) == 2
    error = capsys.readouterr().err
    assert "bad.yaml:" in error and "observed.outcome.value" in error and "did you mean 'answered'" in error
