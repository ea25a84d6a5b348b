"""How an actor decides (docs/scenario-format.md 2.5.1): an idle actor that hears of others'
acts waits its deliberation time, and of its own acts its follow-up time, apart; it then
decides on everything of that sort that reached it meanwhile, asking its policies in order
until one stops. Statements are instantaneous, so an answer's time is the moment of the
decision."""

from __future__ import annotations

import pytest

import escalation
from escalation import Event, RunRecord
from tests.toys import crisis, opening, prompt


def says(note: str, when: str, stop: bool = True) -> dict[str, object]:
    """A rule: when ``when`` holds, make a public statement noted ``note``, decided with the
    actor's other policies (a statement's own clock would test the clocks, not delivery)."""
    return {"id": note, "when": when, "stop": stop, "clock": "deliberation",
            "do": {"action": "statement", "target": None, "note": note}}


def statements(record: RunRecord, actor: str) -> list[Event]:
    return [e for e in record.events if e.actor == actor and e.kind == "statement"]


def test_news_of_its_own_act_waits_the_follow_up_time_other_news_the_deliberation() -> None:
    scenario = crisis(
        {"a": prompt(deliberation_hours=30, follow_up_hours=5,
                     policies=[says("own", "perceived.by_me and perceived.kind == 'criticize'")]),
         "b": prompt(deliberation_hours=7,
                     policies=[says("answer", "perceived.kind == 'criticize'")])},
        initial_events=[opening("a", "criticize", "b")],
    )
    record = escalation.simulate(scenario)
    assert [(e.note, e.time) for e in statements(record, "a")] == [("own", 5.0)]
    assert [(e.note, e.time) for e in statements(record, "b")] == [("answer", 7.0)]


def test_news_of_its_own_act_is_followed_up_apart_from_a_deliberation_under_way() -> None:
    """a hears b's act at hour 0 and its own at hour 1: it decides on its own act after its
    follow-up time (hour 6), and on b's after its full deliberation (hour 30)."""
    scenario = crisis(
        {"a": prompt(deliberation_hours=30, follow_up_hours=5,
                     policies=[says("own", "perceived.by_me and perceived.kind == 'criticize'"),
                               says("other", "not perceived.by_me")]),
         "b": prompt()},
        initial_events=[opening("b", "criticize", "a"), opening("a", "criticize", "b", at=1)],
    )
    record = escalation.simulate(scenario)
    assert [(e.note, e.time) for e in statements(record, "a")] == [("own", 6.0), ("other", 30.0)]


def test_without_a_follow_up_time_news_of_its_own_act_waits_the_deliberation() -> None:
    own = says("own", "perceived.by_me and perceived.kind == 'criticize'")
    scenario = crisis({"a": prompt(deliberation_hours=9, policies=[own]),
                       "b": prompt()},
                      initial_events=[opening("a", "criticize", "b")])
    assert [e.time for e in statements(escalation.simulate(scenario), "a")] == [9.0]


def test_news_arriving_while_deliberating_joins_the_deliberation() -> None:
    """b hears of a's criticisms at hours 0 and 4, and decides on both at 10; then of a's
    statements at 10, which start another deliberation, joined by the criticism at 12 and
    decided at 20. a follows up its own acts alike."""
    scenario = crisis(
        {"a": prompt(deliberation_hours=7, follow_up_hours=10,
                     policies=[says("own", "perceived.by_me and perceived.kind == 'criticize'")]),
         "b": prompt(deliberation_hours=10, follow_up_hours=1,
                     policies=[says("answer", "perceived.kind == 'criticize'")])},
        initial_events=[opening("a", "criticize", "b", at=t) for t in (0, 4, 12)],
    )
    record = escalation.simulate(scenario)
    criticisms = [e.id for e in record.events if e.kind == "criticize"]
    for actor in "ab":
        assert [(e.time, e.cause) for e in statements(record, actor)] == [
            (10.0, criticisms[0]), (10.0, criticisms[1]), (20.0, criticisms[2])]


@pytest.mark.parametrize(("first_stops", "notes"), [(False, ["first", "second"]), (True, ["first"])])
def test_policies_are_asked_in_order_until_one_stops(first_stops: bool, notes: list[str]) -> None:
    rules = [says("first", "perceived.actor == 'a'", stop=first_stops),
             says("second", "perceived.actor == 'a'"), says("third", "perceived.actor == 'a'")]
    scenario = crisis({"a": prompt(), "b": prompt(policies=rules)},
                      initial_events=[opening("a", "criticize", "b")])
    record = escalation.simulate(scenario)
    answers = statements(record, "b")
    assert [e.note for e in answers] == notes
    assert [e.policy for e in answers] == [f"b.{note}" for note in notes]
    assert {e.cause for e in answers} == {record.events[0].id}


def test_a_policy_that_does_not_apply_lets_the_next_one_answer() -> None:
    rules = [says("never", "perceived.actor == 'nobody'"), says("next", "perceived.actor == 'a'")]
    scenario = crisis({"a": prompt(), "b": prompt(policies=rules)},
                      initial_events=[opening("a", "criticize", "b")])
    assert [e.note for e in statements(escalation.simulate(scenario), "b")] == ["next"]


def test_a_deliberation_time_is_drawn_for_each_deliberation() -> None:
    scenario = crisis(
        {"a": prompt(), "b": prompt(deliberation_hours={"dist": "uniform", "low": 2, "high": 6},
                                    policies=[says("answer", "perceived.actor == 'a'")])},
        initial_events=[opening("a", "criticize", "b", at=100 * i) for i in range(20)],
        horizon_days=100,
    )
    record = escalation.simulate(scenario)
    waits = [e.time - record.events[e.cause].time for e in statements(record, "b")
             if e.cause is not None]
    assert len(waits) == 20 and all(2 <= w <= 6 for w in waits)
    assert len(set(waits)) == 20


def test_an_act_that_takes_time_starts_after_the_deliberation_that_chose_it() -> None:
    """A timed act (here a proxy attack, an hour; and a criticism announced with a warning)
    starts once the deliberation is over: its rockets are still in stock when the next policy
    looks, and its warning comes after the statement a later policy made at once."""
    rules = [
        {"when": "perceived.actor == 'a'", "stop": False,
         "do": {"action": "proxy_attack", "target": "a_base", "salvo": 4}},
        {"when": "perceived.actor == 'a'", "stop": False, "clock": "deliberation",
         "do": {"action": "criticize", "target": "a", "warn": ["c"]}},
        says("stocked", "perceived.actor == 'a' and own.inventory.rockets == 10"),
    ]
    scenario = crisis({"a": prompt(), "b": prompt(inventory={"rockets": 10}, policies=rules),
                       "c": prompt()},
                      assets={"a_base": {"owner": "a"}},
                      initial_events=[opening("a", "statement", "b")])
    record = escalation.simulate(scenario)
    assert [(e.kind, e.note) for e in record.events if e.actor == "b"][:2] == [
        ("statement", "stocked"), ("warning", "warns of an attack on its soil")]


def test_instant_acts_happen_at_once_in_the_order_chosen() -> None:
    """Acts that take no time happen during the deliberation, one after the other as chosen;
    they are answers of the actor's own (not openings that count as answers)."""
    rules = [{"when": "perceived.actor == 'a'", "stop": False,
              "do": [{"action": "criticize", "target": "a"}, {"action": "sanctions", "target": "a"}]},
             says("last", "perceived.actor == 'a'")]
    scenario = crisis({"a": prompt(), "b": prompt(policies=rules)},
                      initial_events=[opening("a", "statement", "b")])
    record = escalation.simulate(scenario)
    answers = [e for e in record.events if e.actor == "b"]
    assert [e.kind for e in answers] == ["criticize", "sanctions", "statement"]
    assert all(e.time == 1.0 and not e.scripted and not e.answer for e in answers)


def test_an_act_carried_out_later_answers_what_provoked_it_and_then_lets_quiet_come() -> None:
    """An order with ``after_hours`` is carried out that long after the decision, as the
    answer of its policy to the report that provoked it; once it is done, the quiet period
    runs from it and ends the run."""
    rule = {"id": "later", "when": "perceived.actor == 'a'", "clock": "deliberation",
            "do": {"action": "criticize", "target": "a", "after_hours": 30}}
    scenario = crisis({"a": prompt(), "b": prompt(policies=[rule])}, quiet_days=1,
                      initial_events=[opening("a", "criticize", "b")])
    record = escalation.simulate(scenario)
    provocation, answer = record.events
    assert (answer.actor, answer.time, answer.cause, answer.policy) == (
        "b", 31.0, provocation.id, "b.later")
    assert (record.ended_by, record.duration_days) == ("quiet", (31 + 24) / 24)
