"""A scenario can open inside a crisis: rungs already reached, tension, threats and stand-downs
already declared, and a past that is shown but never counted again.

The toys are small enough to compute by hand: which answers must happen, which cannot.
"""

from __future__ import annotations

import pytest

import escalation
from escalation.errors import ScenarioError
from escalation.report.trace import format_trace
from escalation.scenario.loader import load_scenario_text

# B opens with a strike on A's base. A's red line is "B strikes me"; with resolve 1 A enforces
# for certain once its threat stands. Issued on the opening's own report (the default), the red
# line is not checked against that report, so A never enforces; standing from t = 0, always.
RED_LINE = """
name: red_line
horizon_days: 20
quiet_days: 3
actors:
  a:
    resolve: 1
    deliberation_hours: 2
    policies:
      - policy: threat_then_enforce
        id: no_strikes
        issue_when: "perceived.kinetic"
        threat: {action: threat, target: b}
        red_line: "perceived.actor == 'b' and perceived.kinetic and not perceived.update"
        enforce: {action: strike, target: b_base, salvo: 2}
  b:
    deliberation_hours: 2
    policies:
      - policy: stand_down_when_satisfied
        answers: 1
        declaration: {action: stand_down, target: a}
      - when: "perceived.actor == 'a' and perceived.kinetic"
        do: {action: strike, target: a_base, salvo: 1}
assets:
  a_base: {owner: a, kind: base, personnel: 100, lethality: 0}
  b_base: {owner: b, kind: base, personnel: 100, lethality: 0}
initial_events:
  - {actor: b, action: strike, target: a_base, salvo: 1}
"""

STANDING = "initial_state: {threats: [{policy: a.no_strikes, days_ago: 2}]}\n"


def runs(text: str, count: int = 20, settings: tuple[str, ...] = ()) -> list[escalation.RunRecord]:
    scenario = load_scenario_text(text, "toy.yaml", settings=settings)
    return [escalation.simulate(scenario, seed=7, run=run) for run in range(count)]


def test_a_threat_issued_on_the_opening_is_not_checked_against_it() -> None:
    for record in runs(RED_LINE):
        assert record.threats["a.no_strikes"] == "pending"
        assert record.threats_made == 1 and record.kinetic_responses == 0


def test_a_standing_threat_is_enforced_when_the_opening_crosses_its_red_line() -> None:
    for record in runs(RED_LINE + STANDING):
        assert record.threats == {"a.no_strikes": "carried_out"}
        assert record.threats_made == 0  # issued before t = 0: not a threat of this run
        strikes = [e for e in record.events if e.actor == "a" and e.kind == "strike"]
        assert len(strikes) == 1 and strikes[0].threat == "a.no_strikes"


def test_a_standing_threat_expires_counting_from_when_it_was_issued() -> None:
    lapsed = RED_LINE.replace("salvo: 2}", "salvo: 2}\n        expires_after_days: 1") + STANDING
    for record in runs(lapsed, 5):
        assert record.threats == {"a.no_strikes": "lapsed"}  # issued 2 days ago, for 1 day


def test_a_standing_stand_down_holds_the_actor_back() -> None:
    text = RED_LINE + STANDING.replace("}]}", "}], stood_down: [b]}")
    for record in runs(text):
        assert not any(e.actor == "b" and not e.scripted for e in record.events)
        assert record.stand_downs == 0  # declared before t = 0: not counted again


def test_rungs_already_reached_are_the_run_s_start_and_not_a_war() -> None:
    text = RED_LINE + "initial_state: {pairs: [{between: [a, b], rung: 8}]}\n"
    for record in runs(text, 10):
        assert record.max_rung == 8 and record.outcome != "war"
        assert all(record.rung_days[rung] == 0.0 for rung in range(1, 9))
    scenario = load_scenario_text(text, "toy.yaml")
    assert next(o for o in scenario.outcomes if o.id == "war").condition.text == \
        "wars_started >= 1"


def test_a_new_war_beside_one_already_fought_is_a_war() -> None:
    """A third party at war with A from before t = 0 (a civil war) leaves the top rung reached
    from the start; B's campaign makes a war of its own during the run, and that is war."""
    campaign = RED_LINE.replace("enforce: {action: strike, target: b_base, salvo: 2}",
                                "enforce: {action: campaign, target: b_base, salvo: 2}")
    campaign = campaign.replace("actors:\n", "actors:\n  c: {deliberation_hours: 2}\n")
    text = campaign + STANDING.replace("}]}", "}], pairs: [{between: [a, c], rung: 8}]}")
    for record in runs(text, 5):
        assert record.outcome == "war"
    without = campaign + "initial_state: {pairs: [{between: [a, c], rung: 8}]}\n"
    for record in runs(without, 5):
        assert record.outcome != "war"  # no threat standing: A never launches its campaign


def test_tension_at_the_start_arms_an_initiative_at_once() -> None:
    text = RED_LINE.replace("  b:\n", "  b:\n    initiatives:\n      - {id: raid, rate_per_day: 50, "
                            "min_tension: 2, max_occurrences: 1, do: {action: criticize, target: a}}\n")
    assert not any(e.policy == "b.raid" for r in runs(text, 5) for e in r.events)
    started = runs(text + "initial_state: {tension: 5}\n", 5)
    assert all(r.max_tension >= 5 for r in started)
    assert all(any(e.policy == "b.raid" and e.time < 12 for e in r.events) for r in started)


def test_the_past_is_shown_but_never_counted() -> None:
    past = ("initial_state:\n  history:\n    - {actor: a, action: strike, target: b_base, "
            "days_ago: 3, deaths: 40, note: the raid that started it}\n")
    scenario = load_scenario_text(RED_LINE + past, "toy.yaml")
    before, after = runs(RED_LINE, 10), runs(RED_LINE + past, 10)
    for plain, opened in zip(before, after, strict=True):
        assert (opened.outcome, opened.deaths, opened.hostile_acts, opened.path) == \
            (plain.outcome, plain.deaths, plain.hostile_acts, plain.path)
        first = opened.events[0]
        assert (first.time, first.deaths, first.target, first.policy) == (-72.0, 40, "b", "history")
    text = format_trace(scenario, after[0])
    assert "day -3 00:00  #0" in text and "the raid that started it" in text


@pytest.mark.parametrize(("state", "where", "message"), [
    ("{threats: [{policy: a.no_strike}]}", "initial_state.threats[0].policy",
     "did you mean 'a.no_strikes'?"),
    ("{threats: [{policy: b.rule_1}]}", "initial_state.threats[0].policy",
     "is not a threat_then_enforce policy"),
    ("{pairs: [{between: [a, c], rung: 2}]}", "initial_state.pairs[0].between[1]", "'c'"),
    ("{pairs: [{between: [a, a], rung: 2}]}", "initial_state.pairs[0].between",
     "two different actors"),
    ("{pairs: [{between: [a, b], rung: 9}]}", "initial_state.pairs[0].rung", "top rung (8)"),
    ("{stood_down: [z]}", "initial_state.stood_down[0]", "'z'"),
])
def test_an_initial_state_naming_what_is_not_there_is_refused_at_its_line(
        state: str, where: str, message: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text(RED_LINE + f"initial_state: {state}\n", "toy.yaml")
    (problem,) = caught.value.problems
    assert problem.location is not None and problem.location.line == RED_LINE.count("\n") + 1
    assert where in str(problem) and message in problem.message


def test_a_pending_past_event_is_reported_at_the_start_and_answered() -> None:
    """B's strike three days ago is still being decided on: A's red line (standing) is checked
    against its report, and A enforces; a past event not pending is never answered."""
    past = ("initial_state:\n  threats: [{policy: a.no_strikes, days_ago: 4}]\n  history:\n"
            "    - {actor: b, action: strike, target: a_base, days_ago: 3, pending: PENDING}\n")
    quiet = RED_LINE.replace("initial_events:\n  - {actor: b, action: strike, target: a_base, "
                             "salvo: 1}\n", "")
    for record in runs(quiet + past.replace("PENDING", "true"), 10):
        strike = next(e for e in record.events if e.actor == "a" and e.kind == "strike")
        assert strike.cause == 0 and strike.threat == "a.no_strikes"
        assert record.threats == {"a.no_strikes": "carried_out"}
        assert record.deaths["a"] == 0 and record.hostile_acts >= 1  # its own acts only
        assert not any(p.event.id == 0 and p.update for p in record.perceptions)
    for record in runs(quiet + past.replace("PENDING", "false"), 5):
        assert [e.id for e in record.events] == [0] and record.threats == {"a.no_strikes": "pending"}


def test_an_opening_that_answers_counts_as_an_answer_and_a_stand_down_can_follow() -> None:
    """B's opening strike answers something in the past; B stands down after one answer. Not
    marked as an answer, the opening leaves B unsatisfied: it answers nothing and never stands
    down; marked, B declares its stand-down on its own strike's report."""
    for record in runs(RED_LINE, 10):
        assert record.kinetic_responses == 0 and not any(
            e.actor == "b" and e.effect == "stand_down" for e in record.events)
    answering = RED_LINE.replace("- {actor: b, action: strike, target: a_base, salvo: 1}",
                                 "- {actor: b, action: strike, target: a_base, salvo: 1, answer: true}")
    assert answering != RED_LINE
    for record in runs(answering, 10):
        assert record.kinetic_responses >= 1
        stand_down = next(e for e in record.events if e.actor == "b" and e.effect == "stand_down")
        assert stand_down.cause == record.events[0].id and record.events[0].answer
