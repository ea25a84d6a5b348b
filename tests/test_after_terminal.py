"""A run that reaches a terminal outcome class stops there by default; with
``after_terminal: continue`` it goes on to the crisis's end with its class kept, so that its
deaths, acts and length are the whole crisis's (what a backtest sets beside history). Either
way the run reports when the class was decided (``terminal_day``)."""

from __future__ import annotations

import math

import pytest

import escalation
from escalation.analysis.episodes import load_episodes
from tests.toys import crisis, opening, prompt

ANSWER = {"id": "hit", "when": "perceived.kinetic and perceived.against_me and not perceived.update",
          "do": {"action": "strike", "target": {"owner": "offender"}, "salvo": 1}}
OUTCOMES = [{"id": "struck", "when": "kinetic_acts >= 1", "terminal": True},
            {"id": "calm", "when": "true"}]


def _scenario(after: str | None, **sections: object) -> escalation.Scenario:
    extra = {} if after is None else {"after_terminal": after}
    sections.setdefault("initial_events", [opening("a", "strike", "base_b", at=5.0, salvo=1)])
    return crisis(
        {"a": prompt(policies=[ANSWER]), "b": prompt(policies=[ANSWER])},
        assets={"base_a": {"owner": "a", "personnel": 10}, "base_b": {"owner": "b", "personnel": 10}},
        outcomes=OUTCOMES, **extra, **sections)


def test_by_default_a_terminal_class_ends_the_run_when_it_holds() -> None:
    record = escalation.simulate(_scenario(None), seed=1, run=0, keep_events=True)
    strike = next(e for e in record.events if e.kind == "strike")
    assert record.outcome == "struck" and record.ended_by == "terminal"
    assert record.terminal_day == pytest.approx(strike.time / 24.0)
    assert record.duration_days == pytest.approx(record.terminal_day)
    assert [e.actor for e in record.events if e.kind == "strike"] == ["a"]


def test_continuing_keeps_the_class_and_plays_the_crisis_out() -> None:
    stop = escalation.simulate(_scenario("stop"), seed=1, run=0)
    record = escalation.simulate(_scenario("continue"), seed=1, run=0, keep_events=True)
    assert record.outcome == "struck" and record.ended_by in ("quiet", "horizon")
    assert record.terminal_day == pytest.approx(stop.terminal_day)
    assert record.duration_days > record.terminal_day
    strikers = [e.actor for e in record.events if e.kind == "strike"]
    assert strikers[:3] == ["a", "b", "a"]  # the exchange goes on after the class is decided


def test_a_run_without_a_terminal_class_has_no_terminal_day() -> None:
    record = escalation.simulate(_scenario("continue", initial_events=[]), seed=1, run=0)
    assert record.outcome == "calm" and math.isnan(record.terminal_day)


def test_continuing_changes_no_run_s_class() -> None:
    """Runs are the same up to the terminal moment, and the class is decided there."""
    for scenario in ("us_iran_2020", "history/israel_hezbollah_2006"):
        stop = escalation.run_batch(escalation.load_scenario(_path(scenario)), runs=40, seed=3,
                                    workers=1).runs
        go_on = escalation.run_batch(escalation.load_scenario(
            _path(scenario), settings=["after_terminal=continue"]), runs=40, seed=3, workers=1).runs
        assert stop["outcome"].tolist() == go_on["outcome"].tolist()
        assert stop["terminal_day"].equals(go_on["terminal_day"])
        assert (go_on["duration_days"] >= stop["duration_days"] - 1e-9).all()


def test_the_backtest_plays_each_episode_to_its_end() -> None:
    episodes = load_episodes(_path("history/us_syria_2017"))
    assert [e.scenario.spec.after_terminal for e in episodes] == ["continue"]


def _path(name: str) -> str:
    return f"scenarios/{name}.yaml"


def test_a_crisis_played_on_ends_at_its_budget_with_its_class() -> None:
    """An exchange that would go on to the horizon reaches limits.max_events: a run played on
    past its class ends there, class kept; a run that stops at its class never gets there."""
    endless = {**ANSWER, "stop": False}
    scenario = crisis(
        {"a": prompt(policies=[endless]), "b": prompt(policies=[endless])},
        assets={"base_a": {"owner": "a", "personnel": 10}, "base_b": {"owner": "b", "personnel": 10}},
        initial_events=[opening("a", "strike", "base_b", at=5.0, salvo=1)],
        outcomes=OUTCOMES, after_terminal="continue", limits={"max_events": 300}, horizon_days=200)
    record = escalation.simulate(scenario, seed=1, run=0)
    assert (record.outcome, record.ended_by, record.error) == ("struck", "limit", "")
    assert record.terminal_day < record.duration_days < 200
