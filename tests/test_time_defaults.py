"""Default times are distributions: a scenario written on defaults gives each lag a fresh draw
(docs/assumptions.md, "Default times"), not one value for every decision of every run. And a
scenario whose every number is a constant is flagged by ``validate``, at the line of its name.

Each check draws a few hundred lags and compares them with the documented distribution by
hand: a lognormal with median m and spread s has log-lags of mean ln m and standard deviation s.
"""

from __future__ import annotations

import math
import statistics

import escalation
from escalation.scenario.loader import load_scenario_text
from tests.toys import crisis, opening

RUNS = 400


def lags(actors: dict[str, object], kind: str = "statement", **sections: object) -> list[float]:
    """Hours from the start of each RUNS run's first act of ``kind`` (or from t = 0, for a
    statement: an answer) to the act (a horizon long enough for a 1-in-10^6 deliberation)."""
    scenario = crisis(actors, horizon_days=400, **sections)
    times = []
    for run in range(RUNS):
        record = escalation.simulate(scenario, seed=11, run=run)
        act = next(e for e in record.events if e.kind == kind)
        times.append(act.time - (act.started if kind != "statement" else 0.0))
    return times


def assert_lognormal(hours: list[float], median: float, sigma: float) -> None:
    logs = [math.log(h) for h in hours]
    # the sample median of the logs: standard error 1.25 s / sqrt(n) = 0.06 s here
    assert abs(statistics.median(logs) - math.log(median)) < 0.3 * sigma
    assert abs(statistics.stdev(logs) - sigma) < 0.15 * sigma  # standard error 0.035 s


ANSWER = [{"id": "answer", "when": "perceived.actor == 'b'", "clock": "deliberation",
           "do": {"action": "statement"}}]
OPENING = [opening("b", "criticize", "a")]


def test_by_default_a_decision_takes_a_day_give_or_take_a_factor_of_e() -> None:
    answerer = {"perception": {"delay_hours": 0}, "policies": ANSWER}  # deliberation by default
    assert_lognormal(lags({"a": answerer, "b": {}}, initial_events=OPENING), 24.0, 1.0)


def test_by_default_news_takes_an_hour_give_or_take_a_factor_of_e() -> None:
    answerer = {"deliberation_hours": 0, "policies": ANSWER}  # perception by default
    assert_lognormal(lags({"a": answerer, "b": {}}, initial_events=OPENING), 1.0, 1.0)


def test_by_default_a_warning_comes_half_an_hour_to_an_hour_and_a_half_ahead() -> None:
    hit = {"effect": "strike", "goldstein": -10, "rung": 5, "duration_hours": 0}
    leads = lags({"a": {}, "b": {}}, "hit", action_kinds={"hit": hit},
                 assets={"depot": {"owner": "b", "personnel": 0}},
                 initial_events=[opening("a", "hit", "depot", warn=["b"])])
    assert 0.5 <= min(leads) < 0.55 and 1.45 < max(leads) <= 1.5
    assert abs(statistics.mean(leads) - 1.0) < 0.05  # standard error 0.014


def test_the_standard_strike_flies_a_quarter_hour_give_or_take() -> None:
    flights = lags({"a": {}, "b": {}}, "strike", assets={"depot": {"owner": "b", "personnel": 0}},
                   initial_events=[opening("a", "strike", "depot")])
    assert_lognormal(flights, 0.25, 0.6)


CERTAIN = """
name: certain
actors:
  a: {deliberation_hours: 2, perception: {delay_hours: 1}}
  b: {deliberation_hours: DELIBERATION, perception: {delay_hours: 1}}
assets:
  b_base: {owner: b, lethality: 0.5}   # constant: the default lethality is a distribution
initial_events:
  - {actor: a, action: criticize, target: b}
"""


def test_a_scenario_with_no_uncertainty_at_all_is_flagged_at_its_name() -> None:
    scenario = load_scenario_text(CERTAIN.replace("DELIBERATION", "3"), "certain.yaml")
    (warning,) = scenario.warnings
    assert str(warning.location) == "certain.yaml:2:7"
    assert "every number in this scenario is a constant" in warning.message
    uncertain = CERTAIN.replace("DELIBERATION", "{dist: uniform, low: 1, high: 3}")
    assert not load_scenario_text(uncertain, "uncertain.yaml").warnings


def test_defaults_kept_are_uncertainty_too_but_unused_ones_are_not() -> None:
    kept = CERTAIN.replace("DELIBERATION", "3").replace("a: {deliberation_hours: 2, ", "a: {")
    assert not load_scenario_text(kept, "kept.yaml").warnings  # a's default deliberation
    # a warning's default lead counts only for an order that warns someone
    warns = CERTAIN.replace("DELIBERATION", "3").replace("target: b}", "target: b_base, warn: [b]}")
    assert not load_scenario_text(warns, "warns.yaml").warnings


def test_a_policy_on_the_statement_clock_is_uncertain_timing_too() -> None:
    """A policy that only speaks decides on the statement clock, a distribution (docs/
    assumptions.md, "Decision clocks"); one on its actor's constant deliberation does not."""
    speaks = ("b: {deliberation_hours: 3, perception: {delay_hours: 1}, "
              "policies: [{when: 'true', do: {action: criticize, target: a}}]}")
    certain = CERTAIN.replace("DELIBERATION", "3")
    on_clock = certain.replace("b: {deliberation_hours: 3, perception: {delay_hours: 1}}", speaks)
    assert on_clock != certain and not load_scenario_text(on_clock, "speaks.yaml").warnings
    with_government = on_clock.replace("when: 'true',", "when: 'true', clock: deliberation,")
    (warning,) = load_scenario_text(with_government, "decides.yaml").warnings
    assert "every number in this scenario is a constant" in warning.message
