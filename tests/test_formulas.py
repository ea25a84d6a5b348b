"""Numbers that depend on the situation: a policy's probability and an order's salvo may be
expressions of what the actor knows when it decides (``{expr: ...}``), type-checked at load.
A like-for-like answer (the salvo received) and a chance that grows with each answer given
took one rule per case before."""

from __future__ import annotations

import pytest

import escalation
from escalation.errors import ScenarioError
from escalation.scenario.loader import load_scenario_text

TOY = """
name: formulas
horizon_days: 30
quiet_days: 3
actors:
  a:
    deliberation_hours: 1
    perception: {delay_hours: 0, noise: 0}
    policies:
      - when: "perceived.actor == 'b' and perceived.kinetic"
        probability: PROBABILITY
        do: {action: strike, target: b_base, salvo: SALVO}
  b:
    perception: {delay_hours: 0, noise: 0}
assets:
  a_base: {owner: a, kind: base, personnel: 10, lethality: 0}
  b_base: {owner: b, kind: base, personnel: 10, lethality: 0}
initial_events:
  - {actor: b, action: strike, target: a_base, salvo: 7}
  - {actor: b, action: strike, target: a_base, salvo: 3, at_hours: 48}
action_kinds:
  strike: {effect: strike, goldstein: -10, rung: 5, salvo: 1, duration_hours: 0, failure_probability: 0}
"""


def answers(probability: str = "1", salvo: str = "1", runs: int = 10) -> list[list[int]]:
    text = TOY.replace("PROBABILITY", probability).replace("SALVO", salvo)
    scenario = load_scenario_text(text, "formulas.yaml")
    return [[e.salvo for e in escalation.simulate(scenario, seed=5, run=run).events
             if e.actor == "a"] for run in range(runs)]


def test_a_salvo_formula_answers_like_for_like() -> None:
    assert answers(salvo="{expr: 'perceived.salvo'}") == [[7, 3]] * 10


def test_a_probability_formula_is_computed_at_each_decision() -> None:
    """Never the first time (no answer given yet), always the second, after one answer...
    but with no first answer there is no second: so a chance of 0 then 1 gives nothing; the
    opposite order answers the first strike only."""
    never_first = answers(probability="{expr: 'own.responses'}")
    assert never_first == [[]] * 10
    only_first = answers(probability="{expr: '1 - own.responses'}")
    assert only_first == [[1]] * 10


def test_a_formula_that_is_not_a_number_or_names_what_is_not_there_is_refused() -> None:
    for formula, message in [("{expr: 'perceived.kinetic'}", "number"),
                             ("{expr: 'perceived.salvoes'}", "perceived.salvoes")]:
        with pytest.raises(ScenarioError) as caught:
            load_scenario_text(TOY.replace("PROBABILITY", "1").replace("SALVO", formula),
                               "formulas.yaml")
        (problem,) = caught.value.problems
        assert "actors.a.policies[0].do.salvo.expr" in str(problem) and message in str(problem)
