"""What a run that reaches one of its bounds says (docs/assumptions.md, "Bounds on a run"):
which limit, who was acting (at that instant, or last, or no one) and what to change; and a
drawn count of people beyond ``MAX_PEOPLE`` names what it counted. Complements
tests/test_run_guard.py with the whole messages, for cases where they are known in advance."""

from __future__ import annotations

import re

import pytest

import escalation
from escalation import Scenario
from tests.toys import crisis, opening, prompt

AT_ONCE = {"deliberation_hours": 0, "perception": {"delay_hours": 0, "noise": 0}}
MORE_EVENTS = "an event rate or a loop no crisis can mean: lower it, or raise limits.max_events"


def answering(other: str) -> dict[str, object]:
    """An actor that criticizes ``other`` at once whenever ``other`` acts (on the actor's
    own clock, which is zero, not the statement clock's hours)."""
    return {**AT_ONCE, "policies": [{"when": f"perceived.actor == '{other}'",
                                     "clock": "deliberation",
                                     "do": {"action": "criticize", "target": other}}]}


def error(scenario: Scenario) -> str:
    record = escalation.simulate(scenario)
    assert (record.outcome, record.ended_by) == ("failed", "failed")
    return record.error


def test_actors_answering_at_once_are_named_as_acting_at_that_instant() -> None:
    scenario = crisis({"a": answering("b"), "b": answering("a"), "c": prompt()},
                      limits={"max_events_per_instant": 50},
                      initial_events=[opening("a", "criticize", "b", at=5)])
    assert error(scenario) == (
        "RunawayRun: run stopped at limits.max_events_per_instant = 50 events (acting at this "
        "instant: a, b (b:criticize, a:criticize); at hour 5): a chain of decisions and reports "
        "with no delay between them: give it one (deliberation_hours, follow_up_hours, "
        "perception.delay_hours), or raise limits.max_events_per_instant")


def test_a_process_too_fast_for_the_clock_names_who_acted_last() -> None:
    needle = {"id": "needle", "rate_per_day": 1e9, "min_tension": 1000,
              "do": {"action": "criticize", "target": "b"}}
    scenario = crisis({"a": prompt(initiatives=[needle]), "b": prompt()},
                      limits={"max_events": 500}, initial_events=[opening("a", "criticize", "b")])
    message = error(scenario)
    assert message.startswith("RunawayRun: run stopped at limits.max_events = 500 events "
                              "(acting last: a (a:criticize); at hour ")
    assert message.endswith(f"): {MORE_EVENTS}")


@pytest.mark.parametrize(("sections", "process"), [
    ({"accidents": [{"id": "crash", "actor": "a", "rate_per_day": 1e9}],
      "tension": {"alert_threshold": 5}}, "accident crash"),
    ({"actors": {"a": prompt(initiatives=[{"id": "needle", "rate_per_day": 1e9, "min_tension": 5,
                                           "do": {"action": "criticize", "target": "b"}}]),
                 "b": prompt()}}, "initiative a.needle of a"),
])
def test_a_process_that_never_acts_is_named_as_what_kept_scheduling(
    sections: dict[str, object], process: str
) -> None:
    actors = sections.get("actors", {"a": prompt(), "b": prompt()})
    rest = {key: value for key, value in sections.items() if key != "actors"}
    message = error(crisis(actors, limits={"max_events": 300}, **rest))
    assert message.startswith("RunawayRun: run stopped at limits.max_events = 300 events "
                              f"(nothing acted; {process} kept scheduling; at hour ")
    assert message.endswith(f"): {MORE_EVENTS}")


def test_a_run_stopped_before_anything_acted_says_so() -> None:
    scenario = crisis({"a": prompt(), "b": prompt()}, limits={"max_events": 2},
                      initial_events=[opening("a", "criticize", "b", at=i) for i in range(3)])
    assert error(scenario) == ("RunawayRun: run stopped at limits.max_events = 2 events "
                               f"(nothing acted; at hour 0): {MORE_EVENTS}")


BEYOND = (r"OutOfBounds: {what} is [0-9.e+]+ people; the most a run allows is 1,000,000,000 "
          r"\(docs/assumptions.md, 'Bounds on a run'\): lower it or its distribution")
HUGE = {"dist": "lognormal", "median": 1e8, "sigma": 3}  # now and then above 1e9


@pytest.mark.parametrize(("sections", "what"), [
    ({"accidents": [{"id": "blast", "actor": "a", "rate_per_day": 50, "deaths": HUGE}],
      "tension": {"alert_threshold": 0}}, "accident blast's deaths"),
    ({"assets": {"depot": {"owner": "b", "personnel": HUGE}},
      "initial_events": [opening("a", "strike", "depot")]}, "personnel at depot"),
])
def test_a_count_of_people_drawn_beyond_the_bound_stops_the_run_naming_it(
    sections: dict[str, object], what: str
) -> None:
    scenario = crisis({"a": prompt(), "b": prompt()}, **sections)
    errors = {escalation.simulate(scenario, seed=seed).error for seed in range(20)}
    stopped = errors - {""}
    assert stopped and "" in errors  # some draws pass the bound, some do not
    assert all(re.fullmatch(BEYOND.format(what=what), e) for e in stopped), stopped


def test_counts_at_the_bound_and_acts_that_hurt_no_one_do_not_stop_a_run() -> None:
    """Personnel of exactly ``MAX_PEOPLE`` is allowed; and the people at an asset are only
    counted when an act could hurt them, not when it is the target of a show of force."""
    at_bound = crisis({"a": prompt(), "b": prompt()},
                      assets={"depot": {"owner": "b", "personnel": 10**9}},
                      initial_events=[opening("a", "strike", "depot")])
    assert escalation.simulate(at_bound).error == ""
    shown = crisis({"a": prompt(), "b": prompt()}, assets={"depot": {"owner": "b", "personnel": HUGE}},
                   initial_events=[opening("a", "show_of_force", "depot")])
    assert {escalation.simulate(shown, seed=seed).error for seed in range(20)} == {""}
