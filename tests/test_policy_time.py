"""Each policy may take its own time to decide: a standing order answered in minutes and a
statement within hours, while the actor's other decisions take a day or more. A policy with its
own time deliberates apart: news reaches every deliberation of the actor, and a stop in one does
not silence the others."""

from __future__ import annotations

import pytest

import escalation
from escalation.errors import ScenarioError
from tests.toys import crisis, opening, prompt

STATEMENT = {"id": "say", "when": "perceived.against_me and not perceived.update",
             "do": {"action": "criticize", "target": "offender"}}
ANSWER = {"id": "hit", "when": "perceived.kinetic and perceived.against_me and not perceived.update",
          "do": {"action": "strike", "target": {"owner": "offender"}, "salvo": 1}}


def _times(b_policies: list[object], deliberation: float = 48.0) -> dict[str, float]:
    scenario = crisis(
        {"a": prompt(), "b": prompt(deliberation_hours=deliberation, policies=b_policies)},
        assets={"base_b": {"owner": "b", "personnel": 10}, "base_a": {"owner": "a", "personnel": 10}},
        initial_events=[opening("a", "strike", "base_b", salvo=1)],
        action_kinds={"strike": {"effect": "strike", "goldstein": -10, "rung": 5,
                                 "duration_hours": 0}},
        horizon_days=20)
    record = escalation.simulate(scenario, seed=2, run=0, keep_events=True)
    return {e.kind: e.time for e in record.events if e.actor == "b"}


def test_a_policy_of_its_own_time_decides_in_that_time() -> None:
    times = _times([{**STATEMENT, "deliberation_hours": 0.5}, ANSWER])
    assert times["criticize"] == pytest.approx(0.5)  # perception is instant in toys
    assert times["strike"] == pytest.approx(48.0)


def test_on_the_deliberation_clock_a_policy_waits_for_the_actor() -> None:
    times = _times([{**STATEMENT, "stop": False, "clock": "deliberation"}, ANSWER])
    assert times["criticize"] == pytest.approx(48.0) and times["strike"] == pytest.approx(48.0)


def test_a_stop_ends_only_its_own_deliberation() -> None:
    """The fast statement stops (the default of a rule); the slow answer still comes, and a
    stop among the slow ones still silences later slow ones."""
    times = _times([{**STATEMENT, "deliberation_hours": 1, "stop": True}, ANSWER])
    assert set(times) == {"criticize", "strike"}
    times = _times([{**ANSWER, "stop": True}, {**STATEMENT, "clock": "deliberation"}])
    assert set(times) == {"strike"}


def test_a_distribution_is_drawn_for_each_deliberation() -> None:
    policy = {**STATEMENT, "deliberation_hours": {"dist": "uniform", "low": 1, "high": 3}}
    scenario = crisis(
        {"a": prompt(), "b": prompt(deliberation_hours=48, policies=[policy])},
        initial_events=[opening("a", "criticize", "b")])
    said = [next(e.time for e in escalation.simulate(scenario, seed=2, run=r).events
                 if e.actor == "b") for r in range(30)]
    assert all(1 <= t <= 3 for t in said) and len(set(said)) == 30


def test_a_negative_time_is_refused_at_its_field() -> None:
    with pytest.raises(ScenarioError) as error:
        _times([{**STATEMENT, "deliberation_hours": -1}])
    assert "policies[0].deliberation_hours" in str(error.value)
