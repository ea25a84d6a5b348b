"""Unprompted acts (docs/scenario-format.md 2.6 and 2.11): initiatives and accidents arrive as
Poisson processes, are dropped while tension is below their threshold, stop after their most
occurrences, and are not scripted; accidents kill without raising the ladder."""

from __future__ import annotations

import math

import pytest

import escalation
from escalation import Event, RunRecord, Scenario
from tests.toys import crisis, opening, prompt

HALF_LIFE_HOURS = 24.0


def initiative(rate: float, times: int = 100_000, min_tension: float = 0,
               action: str = "criticize", target: object = "b") -> dict[str, object]:
    return {"id": "harass", "rate_per_day": rate, "min_tension": min_tension,
            "max_occurrences": times, "do": {"action": action, "target": target}}


def harassing(*initiatives: dict[str, object], **sections: object) -> Scenario:
    """a harasses b; the run lasts its horizon (20 days: quiet would take as long)."""
    return crisis({"a": prompt(initiatives=list(initiatives)), "b": prompt()},
                  horizon_days=20, quiet_days=20, **sections)


def acts(record: RunRecord, policy: str = "a.harass") -> list[Event]:
    return [e for e in record.events if e.policy == policy]


def test_initiatives_arrive_at_their_rate() -> None:
    """Arrivals of a Poisson process at 100 a day over 20 days, in 20 runs: 40,000 expected,
    counted to within five standard deviations (about 2.5%)."""
    scenario = harassing(initiative(100))
    count = sum(len(acts(escalation.simulate(scenario, seed=seed))) for seed in range(20))
    assert abs(count - 40_000) <= 5 * math.sqrt(40_000)


def test_initiatives_stop_after_their_most_occurrences() -> None:
    record = escalation.simulate(harassing(initiative(50, times=3)))
    harass = acts(record)
    assert len(harass) == 3
    assert all(not e.scripted and e.cause is None for e in harass)


def test_an_initiative_that_may_never_occur_does_nothing() -> None:
    assert acts(escalation.simulate(harassing(initiative(50, times=0)))) == []
    assert acts(escalation.simulate(harassing(initiative(0)))) == []


def test_initiatives_wait_for_their_tension() -> None:
    """Tension (one per Goldstein point, halving daily) starts at zero; a threat at hour 100
    lifts it to 7; the initiative acts only while it is at least 3: within the 30 hours after
    the threat, as many times as it may (20), from the threat on."""
    scenario = harassing(initiative(50, times=20, min_tension=3, action="statement", target=None),
                         tension={"per_goldstein": 1, "half_life_days": 1},
                         initial_events=[opening("b", "threat", "a", at=100)])
    record = escalation.simulate(scenario)
    harass = acts(record)
    assert len(harass) == 20
    limit = 100 + HALF_LIFE_HOURS * math.log2(7 / 3)  # tension falls to 3 then
    assert all(100 <= e.time <= limit for e in harass)


def test_initiatives_count_as_responses() -> None:
    """Initiative acts are not scripted: their strikes are kinetic responses."""
    scenario = harassing(initiative(50, times=2, action="strike", target="b_base"),
                         assets={"b_base": {"owner": "b"}},
                         outcomes=[{"id": "holds", "when": "kinetic_responses == 2 and responses.a == 2"},
                                   {"id": "other", "when": "true"}])
    assert escalation.simulate(scenario).outcome == "holds"


def test_accidents_happen_only_on_alert_up_to_their_most() -> None:
    """Accidents (at 50 a day) wait for the alert (tension 1.5) that a threat at hour 100
    raises; their rounded toll counts as accident deaths, neither raises the ladder nor
    resets the quiet period, and their victims count their dead."""
    crash = {"id": "crash", "actor": "a", "rate_per_day": 50, "deaths": 2.6, "victims": "b",
             "max_occurrences": 4, "description": "a stray shell"}
    rules = [{"when": "perceived.kind == 'accident' and own.deaths_suffered == 12",
              "do": {"action": "statement", "target": None, "note": "twelve"}}]
    scenario = crisis({"a": prompt(), "b": prompt(policies=rules)}, quiet_days=2,
                      tension={"per_goldstein": 1, "half_life_days": 30, "alert_threshold": 1.5},
                      accidents=[crash], initial_events=[opening("a", "criticize", "b", at=100)])
    record = escalation.simulate(scenario)
    accidents = acts(record, "accident:crash")
    assert len(accidents) == 4
    assert all(e.time >= 100 and e.deaths == 3 and e.target == "b" for e in accidents)
    assert all((e.rung, e.note, e.hostile) == (0, "a stray shell", False) for e in accidents)
    assert (record.accident_deaths, record.deaths["b"], record.max_rung) == (12, 0, 1)
    assert {e.note for e in record.events if e.kind == "statement"} == {"twelve"}
    assert record.ended_by == "quiet" and record.duration_days == pytest.approx((100 + 48) / 24)


def test_accidents_to_third_parties_have_no_victims() -> None:
    """... and a toll that rounds to nobody kills nobody."""
    crash = {"id": "crash", "actor": "a", "rate_per_day": 50, "deaths": 0.4}
    scenario = crisis({"a": prompt(), "b": prompt()}, tension={"alert_threshold": 0},
                      accidents=[crash])
    (accident,) = acts(escalation.simulate(scenario), "accident:crash")
    assert (accident.target, accident.deaths, accident.kind) == ("", 0, "accident")
