"""War is a matter of scale: the standard ladder's top rung needs a campaign or 1,000 deaths
between a pair (the Correlates of War threshold), not one blow on each side's soil.

Hand-computable toys: A strikes B's homeland; B answers on A's homeland. With no one killed
that is rung 7 (both homelands struck: MID's use of force), and the standard classes call it
a de-escalation (one answer, then quiet); with every hit killing enough people, the act that brings the pair's
deaths to 1,000 is lifted to rung 8 and the run is a war.
"""

from __future__ import annotations

import pytest

import escalation
from escalation.scenario.loader import load_scenario_text

BLOWS = """
name: blows
horizon_days: 20
quiet_days: 2
actors:
  a:
    deliberation_hours: 1
    perception: {delay_hours: 0, noise: 0}
  b:
    deliberation_hours: 1
    perception: {delay_hours: 0, noise: 0}
    policies:
      - when: "perceived.actor == 'a' and perceived.kinetic"
        do: {action: strike, target: a_home, salvo: SALVO}
assets:
  a_home: {owner: a, kind: city, personnel: 100000, lethality: LETHALITY}
  b_home: {owner: b, kind: city, personnel: 100000, lethality: LETHALITY}
initial_events:
  - {actor: a, action: strike, target: b_home, salvo: SALVO}
action_kinds:
  strike: {effect: strike, goldstein: -10, rung: 5, salvo: 1, failure_probability: 0}
"""


def blows(salvo: int, lethality: float, *settings: str) -> list[escalation.RunRecord]:
    text = BLOWS.replace("SALVO", str(salvo)).replace("LETHALITY", str(lethality))
    scenario = load_scenario_text(text, "blows.yaml", settings=settings)
    return [escalation.simulate(scenario, seed=3, run=run) for run in range(10)]


def test_one_harmless_missile_on_each_homeland_is_not_a_war() -> None:
    for record in blows(1, 0):
        assert [e.rung for e in record.events] == [7, 7]
        assert record.max_rung == 7 and record.outcome == "de_escalation"  # one answer, quiet


def test_the_act_that_brings_a_pair_to_a_thousand_dead_is_the_step_to_war() -> None:
    for record in blows(100, 6.0):  # ~600 dead a salvo: the answer passes 1,000
        first, answer = record.events
        assert first.deaths < 1000 <= first.deaths + answer.deaths
        assert (first.rung, answer.rung) == (7, 8)
        assert record.max_rung == 8 and record.rung_days[8] == pytest.approx(answer.time / 24)
        assert record.outcome == "war" and record.ended_by == "terminal"


def test_a_ladder_can_still_make_mutual_homeland_strikes_a_war() -> None:
    old = ("ladder.rungs=[{name: r0}, {name: r1}, {name: r2}, {name: r3}, {name: r4}, "
           "{name: r5}, {name: r6}, {name: r7}, {name: r8}]", "ladder.nationals_killed=6",
           "ladder.homeland_struck=7", "ladder.mutual_homeland=8")
    for record in blows(1, 0, *old):
        assert [e.rung for e in record.events] == [7, 8] and record.outcome == "war"


def test_explain_shows_the_step_to_war_and_does_not_call_a_pending_red_line_uncrossed() -> None:
    """The run ends at B's answer, the act that completed the step to war: A's standing threat,
    whose red line that answer crosses, is still pending, never deliberated on."""
    from escalation.report.explain import explain

    text = BLOWS.replace("SALVO", "100").replace("LETHALITY", "6.0").replace(
        "  a:\n    deliberation_hours: 1\n", "  a:\n    deliberation_hours: 1\n    policies:\n"
        "      - policy: threat_then_enforce\n        id: warns_b\n        issue_when: 'false'\n"
        "        threat: {action: threat, target: b}\n        red_line: \"perceived.actor == 'b'\"\n"
        "        enforce: {action: strike, target: b_home}\n") + \
        "initial_state: {threats: [{policy: a.warns_b}]}\n"
    scenario = load_scenario_text(text, "blows.yaml")
    record = escalation.simulate(scenario, seed=3)
    assert record.outcome == "war" and record.threats == {"a.warns_b": "pending"}
    told = explain(scenario, record)
    assert "The most escalated act, #1 (the first to reach rung 8, war)" in told
    assert "never crossed" not in told and "no deliberation of its author found" in told
