"""Delays that depend on the situation: an order's wait (``after_hours``) and its warning's
lead (``warning_lead_hours``) may be formulas (``{expr: ...}``), computed when the act is
decided, as a salvo's formula is: from the deliberation's names in a policy, from the actor's
standing view in an opening or an initiative. They are type-checked at load; one that comes
out negative or not finite stops the run with a message that names it."""

from __future__ import annotations

import pytest

import escalation
from escalation.errors import ScenarioError
from tests.toys import crisis

STRIKE = {"effect": "strike", "goldstein": -10, "rung": 5, "salvo": 1, "duration_hours": 0,
          "failure_probability": 0}
SEEN_AT_ONCE = {"delay_hours": 0, "noise": 0}


def load(order: dict[str, object] | None = None, opening: dict[str, object] | None = None,
         at: float = 0.0) -> escalation.Scenario:
    """b strikes a with three missiles at hour ``at`` (its ``opening`` fields added); a, after
    two hours of deliberation, answers with one, warning b (its ``order`` fields added)."""
    answer = {"when": "perceived.actor == 'b' and perceived.kinetic",
              "do": {"action": "strike", "target": "b_base", "salvo": 1, "warn": ["b"],
                     **(order or {"warning_lead_hours": 1})}}
    return crisis(
        {"a": {"deliberation_hours": 2, "perception": SEEN_AT_ONCE, "policies": [answer]},
         "b": {"perception": SEEN_AT_ONCE}},
        horizon_days=30, action_kinds={"strike": STRIKE},
        assets={"a_base": {"owner": "a", "personnel": 10, "lethality": 0},
                "b_base": {"owner": "b", "personnel": 10, "lethality": 0}},
        initial_events=[{"actor": "b", "action": "strike", "target": "a_base", "salvo": 3,
                         "at_hours": at, **(opening or {})}])


def strikes(scenario: escalation.Scenario, actor: str) -> list[tuple[float, float]]:
    """(start, landing) of ``actor``'s strike in each of five runs."""
    records = [escalation.simulate(scenario, seed=3, run=run) for run in range(5)]
    return [next((e.started, e.time) for e in r.events if e.actor == actor and e.kind == "strike")
            for r in records]


def test_a_wait_formula_reads_what_the_actor_perceived() -> None:
    """Three missiles received: wait ten hours each, after two hours of deliberation."""
    scenario = load({"warning_lead_hours": 1, "after_hours": {"expr": "perceived.salvo * 10"}})
    assert strikes(scenario, "a") == [(2.0 + 30.0, 2.0 + 30.0 + 1.0)] * 5


def test_a_lead_formula_is_computed_at_the_decision() -> None:
    scenario = load({"warning_lead_hours": {"expr": "perceived.salvo / 2"}})
    assert strikes(scenario, "a") == [(2.0, 2.0 + 1.5)] * 5


def test_an_openings_lead_formula_reads_the_standing_view() -> None:
    """Opened at hour 6 (day 0.25), warned 24 * time = 6 hours ahead: lands at hour 12."""
    scenario = load(opening={"warn": ["a"], "warning_lead_hours": {"expr": "24 * time"}}, at=6)
    assert strikes(scenario, "b") == [(6.0, 12.0)] * 5


@pytest.mark.parametrize(("field", "formula"), [
    ("after_hours", "1 - perceived.salvo"), ("warning_lead_hours", "perceived.salvo - 4"),
])
def test_a_negative_delay_stops_the_run_and_names_the_formula(field: str, formula: str) -> None:
    record = escalation.simulate(load({field: {"expr": formula}}))
    assert record.outcome == "failed"
    assert f"the {field} of a strike, {{expr: '{formula}'}}, gave -" in record.error
    assert "not negative" in record.error


@pytest.mark.parametrize(("formula", "says"), [
    ("perceived.actor", "number"), ("perceived.salvoes", "perceived.salvoes"),
])
def test_a_delay_formula_that_is_not_a_number_is_refused_at_load(formula: str, says: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        load({"after_hours": {"expr": formula}})
    (problem,) = caught.value.problems
    assert problem.path == ("actors", "a", "policies", 0, "do", "after_hours", "expr")
    assert says in problem.message
