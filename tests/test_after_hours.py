"""An answer can be decided at once and carried out days later (``after_hours``): "decide at
once, strike in twelve days", which one delay per actor could not express. The wait keeps the
crisis open: a quiet period shorter than the wait does not end the run before the act."""

from __future__ import annotations

import escalation
from escalation.scenario.loader import load_scenario_text

TOY = """
name: after_hours
horizon_days: 30
quiet_days: 3
actors:
  a:
    deliberation_hours: 2
    perception: {delay_hours: 0, noise: 0}
    policies:
      - when: "perceived.actor == 'b' and perceived.kinetic"
        do: {action: strike, target: b_base, salvo: 1, after_hours: AFTER}
  b:
    perception: {delay_hours: 0, noise: 0}
assets:
  a_base: {owner: a, kind: base, personnel: 10, lethality: 0}
  b_base: {owner: b, kind: base, personnel: 10, lethality: 0}
initial_events:
  - {actor: b, action: strike, target: a_base, salvo: 1}
action_kinds:
  strike: {effect: strike, goldstein: -10, rung: 5, salvo: 1, duration_hours: 0, failure_probability: 0}
"""


def answers(after: str) -> list[float]:
    scenario = load_scenario_text(TOY.replace("AFTER", after), "after.yaml")
    records = [escalation.simulate(scenario, seed=2, run=run) for run in range(10)]
    return [next(e.time for e in r.events if e.actor == "a" and e.kind == "strike") for r in records]


def test_an_answer_decided_at_once_is_carried_out_twelve_days_later() -> None:
    assert answers("288") == [2.0 + 288.0] * 10  # deliberation, then the wait


def test_a_drawn_wait_varies_and_never_lets_quiet_end_the_run_first() -> None:
    times = answers("{dist: uniform, low: 100, high: 200}")
    assert all(102 <= t <= 202 for t in times) and len(set(times)) > 1
