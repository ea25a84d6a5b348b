"""Attribution: an act can be deniable or seem to come from another party; each observer may see
through it; the truth may come out later. Who an observer blames is what its policies read
(``perceived.actor``) and whom its roles ('offender', 'sponsor') name; the author, its sponsor
and those in the know always see the real author."""

from __future__ import annotations

from typing import Any

import pytest

import escalation
from escalation.errors import ScenarioError
from tests.toys import crisis, opening, prompt

ANSWER = {"id": "answer", "when": "perceived.hostile and perceived.against_me and not perceived.by_me",
          "do": {"action": "strike", "target": {"owner": "offender"}, "salvo": 1}}


def _actors(**victim: Any) -> dict[str, object]:
    return {"a": prompt(), "b": prompt(), "c": prompt(policies=[ANSWER], **victim),
            "d": prompt(kind="non_state")}


def _scenario(attribution: dict[str, object] | None, **sections: Any) -> escalation.Scenario:
    order = {"action": "strike", "target": "base_c", "salvo": 1}
    if attribution is not None:
        order["attribution"] = attribution
    return crisis(
        sections.pop("actors", None) or _actors(),
        assets={"base_c": {"owner": "c", "kind": "base", "personnel": 10},
                "site_a": {"owner": "a", "kind": "base", "personnel": 10},
                "site_b": {"owner": "b", "kind": "base", "personnel": 10}},
        initial_events=[{"actor": "a", "at_hours": 0, **order}], **sections)


def _answers(scenario: escalation.Scenario, runs: int = 1) -> list[list[tuple[str, float]]]:
    """Per run: (owner of the asset c struck, hour) for each of c's answers."""
    owners = {"site_a": "a", "site_b": "b", "base_c": "c"}
    return [[(owners[e.asset], e.time) for e in escalation.simulate(scenario, seed=3, run=r).events
             if e.actor == "c" and e.kind == "strike"] for r in range(runs)]


def test_an_openly_attributed_act_is_answered_against_its_author() -> None:
    assert [owner for owner, _ in _answers(_scenario(None))[0]] == ["a"]


def test_a_false_flag_is_answered_against_the_party_it_appears_to_come_from() -> None:
    assert [owner for owner, _ in _answers(_scenario({"appears_as": "b"}))[0]] == ["b"]


def test_a_deniable_act_leaves_no_one_to_answer() -> None:
    """An 'offender' the victim cannot name has no assets: the answer lapses."""
    assert _answers(_scenario({"appears_as": "unknown"}), runs=5) == [[]] * 5


def test_seen_through_by_the_chance_given() -> None:
    runs = 400
    answers = _answers(_scenario({"appears_as": "b", "seen_through": 0.3}), runs=runs)
    blamed_a = sum(answer == [("a", answer[0][1])] for answer in answers if answer)
    assert all(len(answer) == 1 for answer in answers)
    # binomial(400, 0.3): mean 120, sd 9.2; five standard deviations either side
    assert 74 <= blamed_a <= 166


def test_the_truth_established_later_is_answered_then() -> None:
    """Verified two days on, the victim answers the real author at that moment, and the
    report that told it says so (perceived.verified)."""
    scenario = _scenario({"appears_as": "unknown", "verified_after_hours": 48})
    answers = _answers(scenario)[0]
    assert [owner for owner, _ in answers] == ["a"]
    assert answers[0][1] >= 48.0
    record = escalation.simulate(scenario, seed=3, run=0, keep_events=True)
    verified = [p for p in record.perceptions if p.verified]
    assert {p.observer for p in verified} == {"b", "c", "d"}  # a knows its own act
    landed = next(e.time for e in record.events if e.actor == "a")
    assert all(p.author == "a" and p.time == pytest.approx(landed + 48.0) for p in verified)


def test_a_verified_report_can_be_read_by_policies() -> None:
    only_verified = {**ANSWER, "when": ANSWER["when"] + " and perceived.verified"}
    actors = _actors()
    actors["c"] = prompt(policies=[only_verified])
    scenario = _scenario({"appears_as": "b", "verified_after_hours": 10}, actors=actors)
    assert [owner for owner, _ in _answers(scenario)[0]] == ["a"]


def test_the_authors_sponsor_and_those_in_the_know_see_the_real_author() -> None:
    told = {"id": "told", "when": "perceived.actor == 'a' and perceived.attributed",
            "do": {"action": "statement", "target": None}}
    actors = {"a": prompt(kind="non_state", sponsor="d"), "b": prompt(policies=[told]),
              "c": prompt(), "d": prompt(policies=[told]), "e": prompt(policies=[told])}
    scenario = _scenario({"appears_as": "unknown", "known_to": ["e"]}, actors=actors)
    record = escalation.simulate(scenario, seed=3, run=0, keep_events=True)
    said = {e.actor for e in record.events if e.kind == "statement"}
    assert said == {"d", "e"}


def test_the_record_keeps_who_it_appeared_to_come_from() -> None:
    record = escalation.simulate(_scenario({"appears_as": "unknown"}), seed=3, run=0,
                                 keep_events=True)
    strike = next(e for e in record.events if e.kind == "strike")
    assert (strike.actor, strike.appears_as) == ("a", "unknown")
    assert {p.author for p in record.perceptions if p.event is strike and p.observer != "a"} == {""}


def test_a_ladder_counts_the_real_pair() -> None:
    """The rung is the real author's and victim's, whoever is blamed."""
    record = escalation.simulate(_scenario({"appears_as": "b"}), seed=3, run=0, keep_events=True)
    strike = next(e for e in record.events if e.actor == "a")
    assert (strike.actor, strike.target) == ("a", "c")


@pytest.mark.parametrize("field, value, message", [
    ("appears_as", "nobody", "unknown actor 'nobody'"),
    ("known_to", ["ghost"], "unknown actor 'ghost'"),
    ("seen_through", 1.5, "seen_through"),
    ("verified_after_hours", -1, "must not be negative"),
])
def test_bad_attributions_are_refused_at_their_field(field: str, value: object,
                                                     message: str) -> None:
    with pytest.raises(ScenarioError) as error:
        _scenario({"appears_as": "b", field: value})
    assert message in str(error.value)
    assert "attribution" in str(error.value)


def test_an_opening_keeps_working_without_attribution() -> None:
    """Old files: no attribution, everyone blames the author (the default)."""
    scenario = crisis({"a": prompt(), "c": prompt(policies=[ANSWER])},
                      assets={"base_c": {"owner": "c", "kind": "base", "personnel": 10},
                              "site_a": {"owner": "a", "kind": "base", "personnel": 10}},
                      initial_events=[opening("a", "strike", "base_c", salvo=1)])
    assert [owner for owner, _ in _answers(scenario)[0]] == ["a"]


def test_a_trace_says_who_each_observer_blames() -> None:
    from escalation.report.trace import format_trace
    scenario = _scenario({"appears_as": "b", "seen_through": 0.0, "verified_after_hours": 30})
    text = format_trace(scenario, escalation.simulate(scenario, seed=3, run=0, keep_events=True))
    assert "appears to be by b" in text
    assert ", blames b (" in text
    assert "c learns who did it" in text and ", blames a" in text


def test_a_truth_that_comes_out_after_the_crisis_does_not_hold_it_open() -> None:
    """Quiet after three days ends the run; a verification due after ten is too late."""
    late = _scenario({"appears_as": "unknown", "verified_after_hours": 240})
    record = escalation.simulate(late, seed=3, run=0)
    assert record.ended_by == "quiet" and record.duration_days < 4
    assert _answers(late) == [[]]
