"""``escalation.analysis.backtest`` on a toy library whose every score is computed by hand.

Each toy episode is certain: b answers a's criticism with sanctions one hour later in every
run (``answers``), or never (``silent``). Its observed block then says what "really" happened,
so the model is right or wrong with certainty, and each score has a closed form in N runs."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from escalation.analysis.backtest import backtest, base_rate, severity_order
from escalation.scenario.loader import load_scenario_text
from tests.toys import opening, prompt

N = 40
HORIZON = 10.0
HOUR = 1 / 24


def episode(name: str, answers: bool, real: str, lag: float | None) -> dict[str, Any]:
    policy = {"when": "perceived.actor == 'a' and not perceived.update", "probability": float(answers),
              "do": {"action": "sanctions", "target": "a"}}
    return {
        "name": name, "horizon_days": HORIZON, "quiet_days": 2,
        "actors": {"a": prompt(), "b": prompt(policies=[policy])},
        "initial_events": [opening("a", "criticize", "b")],
        "outcomes": [{"id": "answered", "when": "responses.b >= 1"}, {"id": "silence", "when": "true"}],
        "observed": {"outcome": {"value": real, "source": "toy"},
                     "first_answer_days": {"b": {"value": lag, "source": "toy"}}},
    }


LIBRARY = {  # name: (does the model answer, real class, observed lag)
    "ep1": (True, "answered", HOUR),  # right, and the lag exact
    "ep2": (False, "silence", None),  # right: b never answered, nor does it in any run
    "ep3": (True, "silence", None),  # wrong: b answers in every run
}


def write_library(folder: Path) -> Path:
    """The toy ``LIBRARY`` as scenario files in ``folder``."""
    for name, (answers, real, lag) in LIBRARY.items():
        (folder / f"{name}.yaml").write_text(yaml.safe_dump(episode(name, answers, real, lag)))
    return folder


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_library(tmp_path_factory.mktemp("library"))


@pytest.fixture(scope="module")
def result(library: Path):  # type: ignore[no-untyped-def]
    return backtest(library, runs=N, seed=3, backend="serial")


def test_the_model_forecast_adds_half_a_run_to_each_class(result) -> None:  # type: ignore[no-untyped-def]
    scores = result.scores().set_index("episode")
    right, wrong = (N + 0.5) / (N + 1), 0.5 / (N + 1)
    assert scores["p_real.model"].to_dict() == pytest.approx({"ep1": right, "ep2": right, "ep3": wrong})
    assert scores["log.model"]["ep3"] == pytest.approx(math.log(N + 1) - math.log(0.5))
    assert (scores["runs"] == N).all() and (scores["failed"] == 0).all()


def test_the_base_rate_leaves_the_episode_out(result) -> None:  # type: ignore[no-untyped-def]
    scores = result.scores().set_index("episode")
    # ep1's others are silence twice: answered gets 0.5 / (2 + 2 * 0.5); ep2's and ep3's others
    # are one of each, so 1.5 / 3
    assert scores["p_real.base_rate"].to_dict() == pytest.approx({"ep1": 1 / 6, "ep2": 0.5, "ep3": 0.5})
    assert (scores["p_real.uniform"] == 0.5).all()


def test_rps_by_hand(result) -> None:  # type: ignore[no-untyped-def]
    scores = result.scores().set_index("episode")
    # two classes (answered, silence): RPS = (P(answered) - [real is answered])^2
    miss = 0.5 / (N + 1)
    assert scores["rps.model"].to_dict() == pytest.approx({"ep1": miss ** 2, "ep2": miss ** 2,
                                                           "ep3": (1 - miss) ** 2})
    assert scores["rps.base_rate"]["ep1"] == pytest.approx((1 / 6 - 1) ** 2)
    assert scores["rps.uniform"].tolist() == pytest.approx([0.25] * 3)


def test_skill_against_each_baseline_by_hand(result) -> None:  # type: ignore[no-untyped-def]
    skill = result.skill().set_index(["score", "baseline"])
    right, wrong = math.log((N + 1) / (N + 0.5)), math.log((N + 1) / 0.5)
    model = (2 * right + wrong) / 3
    assert skill.loc[("log", "uniform"), "skill"] == pytest.approx(1 - model / math.log(2))
    base = (math.log(6) + 2 * math.log(2)) / 3
    assert skill.loc[("log", "base_rate"), "skill"] == pytest.approx(1 - model / base)
    low, high = skill.loc[("log", "uniform"), ["ci_low", "ci_high"]]
    assert low <= skill.loc[("log", "uniform"), "skill"] <= high


def test_lags_compare_never_with_the_horizon(result) -> None:  # type: ignore[no-untyped-def]
    facts = result.facts().set_index("episode")
    exact, silent, wrong = facts.loc["ep1"], facts.loc["ep2"], facts.loc["ep3"]
    assert exact["observed"] == HOUR and exact["crps"] == pytest.approx(0) and exact["in90"]
    assert exact["p_never"] == 0 and 0 <= exact["pit"] <= 1
    assert silent["never"] and silent["p_never"] == 1 and silent["in50"] and silent["crps"] == 0
    assert wrong["never"] and wrong["p_never"] == 0 and not wrong["in90"]
    assert wrong["pit"] == 1 and wrong["crps"] == pytest.approx(HORIZON - HOUR)
    coverage = result.coverage().set_index("facts")
    assert coverage.loc["lags", "in90"] == pytest.approx(2 / 3) and coverage.loc["deaths", "count"] == 0


def test_a_single_file_takes_its_base_rate_from_the_reference_library(library: Path) -> None:
    single = backtest(library / "ep1.yaml", runs=5, backend="serial", reference=library)
    assert single.scores()["p_real.base_rate"].tolist() == pytest.approx([1 / 6])  # ep1 left out
    assert single.reference == ("ep1", "ep2", "ep3")


def test_a_file_without_observed_facts_says_how_to_add_them(tmp_path: Path) -> None:
    data = episode("plain", True, "answered", HOUR)
    del data["observed"]
    (tmp_path / "plain.yaml").write_text(yaml.safe_dump(data))
    with pytest.raises(ValueError, match="no observed: block") as caught:
        backtest(tmp_path / "plain.yaml", runs=5, backend="serial", reference=tmp_path)
    assert "outcome: {value: CLASS" in str(caught.value)


def test_classes_go_from_least_to_most_severe() -> None:
    text = yaml.safe_dump({**episode("s", True, "answered", HOUR), "outcomes": [
        {"id": "war", "when": "max_rung >= 8", "terminal": True},
        {"id": "calm", "when": "kinetic_acts == 0"}, {"id": "fight", "when": "true"}]}
    ).replace("value: answered", "value: calm")
    assert severity_order(load_scenario_text(text)) == ("calm", "fight", "war")


def test_base_rate_counts_only_classes_of_the_episode() -> None:
    assert base_rate(("x", "y"), ["x", "x", "z"]) == pytest.approx(np.array([2.5, 0.5]) / 3)


def test_a_list_of_files_is_a_library_of_its_own(library: Path) -> None:
    pair = backtest([library / "ep1.yaml", library / "ep2.yaml"], runs=5, backend="serial")
    # ep1's only other episode is ep2 (silence): answered gets 0.5 / (1 + 2 * 0.5)
    assert pair.scores()["p_real.base_rate"].tolist() == pytest.approx([0.25, 0.25])
    assert pair.reference == ("ep1", "ep2")
