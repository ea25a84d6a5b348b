"""Who decides sets the pace (docs/assumptions.md, "Decision clocks"): a policy that only
speaks is decided on the statement clock (hours), one under standing orders on the
standing-orders clock (minutes), the rest on the actor's deliberation (here two days)."""

from __future__ import annotations

import statistics

import pytest

import escalation
from escalation.errors import ScenarioError
from escalation.scenario.time_defaults import STANDING_ORDERS_HOURS, STATEMENT_HOURS
from tests.toys import crisis, opening, prompt

SAY = {"id": "say", "when": "perceived.against_me and not perceived.update",
       "do": {"action": "criticize", "target": "offender"}}
HIT = {"id": "hit", "when": "perceived.kinetic and perceived.against_me and not perceived.update",
       "do": {"action": "strike", "target": {"owner": "offender"}, "salvo": 1}}
ASSETS = {"base_b": {"owner": "b", "personnel": 10}, "base_a": {"owner": "a", "personnel": 10}}
KINDS = {"strike": {"effect": "strike", "goldstein": -10, "rung": 5, "duration_hours": 0},
         "note_verbale": {"effect": "none", "goldstein": -1, "rung": 1, "declaratory": True},
         "expel": {"effect": "none", "goldstein": -4, "rung": 2}}


def _first_acts(policies: list[object], runs: int = 1, **b: object) -> list[dict[str, float]]:
    """For each run, the hour of b's first act of each kind after a's strike at hour 0."""
    scenario = crisis(
        {"a": prompt(), "b": prompt(deliberation_hours=48, policies=policies, **b)},
        assets=ASSETS, action_kinds=KINDS, horizon_days=30,
        initial_events=[opening("a", "strike", "base_b", salvo=1)])
    out = []
    for run in range(runs):
        record = escalation.simulate(scenario, seed=3, run=run)
        times: dict[str, float] = {}
        for event in record.events:
            if event.actor == "b":
                times.setdefault(event.kind, event.time)
        out.append(times)
    return out


def test_a_policy_that_only_speaks_is_decided_on_the_statement_clock() -> None:
    """Its lag follows the statement clock's distribution (perception is instant in toys),
    while force waits for the government's two days."""
    runs = _first_acts([SAY, HIT], runs=400)
    said = [times["criticize"] for times in runs]
    assert all(times["strike"] == pytest.approx(48.0) for times in runs)
    assert statistics.median(said) == pytest.approx(STATEMENT_HOURS.median, rel=0.25)
    low, high = sorted(said)[20], sorted(said)[379]  # about the 5th and 95th percentiles
    assert 0.6 < low < 2.4 and 16 < high < 60  # the clock's 1.2 h to 31 h, with sampling room


def test_a_policy_that_also_acts_waits_for_the_government() -> None:
    both = {**SAY, "do": [{"action": "criticize", "target": "offender"},
                          {"action": "expel", "target": "offender"}]}
    (times,) = _first_acts([both])
    assert times == {"criticize": pytest.approx(48.0), "expel": pytest.approx(48.0)}


def test_a_scenario_kind_is_declaratory_only_when_it_says_so() -> None:
    speaks = {**SAY, "do": {"action": "note_verbale", "target": "offender"}}
    acts = {**SAY, "do": {"action": "expel", "target": "offender"}}
    assert _first_acts([speaks])[0]["note_verbale"] < 48.0 > 0
    assert _first_acts([acts])[0]["expel"] == pytest.approx(48.0)


def test_standing_orders_answer_fire_within_minutes() -> None:
    runs = _first_acts([{**HIT, "clock": "standing_orders"}], runs=300)
    lags = [times["strike"] for times in runs]
    assert statistics.median(lags) == pytest.approx(STANDING_ORDERS_HOURS.median, rel=0.3)
    assert max(lags) < 48.0


def test_a_stop_on_one_clock_does_not_silence_another() -> None:
    """The statement (a rule, which stops) and the government's answer both come; on the
    deliberation clock the same statement stops the answer listed after it."""
    (apart,) = _first_acts([SAY, HIT])
    assert set(apart) == {"criticize", "strike"}
    (together,) = _first_acts([{**SAY, "clock": "deliberation"}, HIT])
    assert set(together) == {"criticize"}


def test_an_actor_that_only_speaks_keeps_no_deliberation_open() -> None:
    """With no policy on the government's clock there is nothing to deliberate: the run ends
    a quiet period after the statement, not after a deliberation of twenty days (the
    follow-up of its own act, another matter, is made instant)."""
    scenario = crisis({"a": prompt(), "b": prompt(deliberation_hours=480, follow_up_hours=0,
                                                  policies=[SAY])},
                      assets=ASSETS, action_kinds=KINDS, quiet_days=1, horizon_days=60,
                      initial_events=[opening("a", "strike", "base_b", salvo=1)])
    record = escalation.simulate(scenario, seed=3, run=0)
    said = next(e.time for e in record.events if e.kind == "criticize")
    assert record.ended_by == "quiet"
    assert record.duration_days == pytest.approx((said + 24) / 24)


def test_a_clock_and_a_time_of_its_own_are_refused_at_the_clock() -> None:
    with pytest.raises(ScenarioError) as error:
        _first_acts([{**SAY, "clock": "statement", "deliberation_hours": 2}])
    message = str(error.value)
    assert "policies[0].clock" in message and "deliberation_hours" in message


def test_an_unknown_clock_is_refused_with_the_choices() -> None:
    with pytest.raises(ScenarioError) as error:
        _first_acts([{**SAY, "clock": "cabinet"}])
    assert "policies[0].clock" in str(error.value) and "standing_orders" in str(error.value)
