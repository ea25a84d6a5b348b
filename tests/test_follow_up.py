"""An actor follows up its own acts after its follow-up time, whatever else it is deciding.

A declaration planned with an act ("our measures are concluded") comes within hours of the act.
Before, a report of the actor's own act joined any deliberation already under way, so the
declaration waited for it: here a whole 48-hour deliberation on B's criticism, opened an hour
before A's strike.
"""

from __future__ import annotations

import escalation
from escalation.scenario.loader import load_scenario_text

TOY = """
name: follow_up
horizon_days: 10
quiet_days: 3
actors:
  a:
    deliberation_hours: 48
    follow_up_hours: 1
    perception: {delay_hours: 0, noise: 0}
    policies:
      - policy: stand_down_when_satisfied
        answers: 1
        declaration: {action: stand_down, target: b, note: "our measures are concluded"}
  b:
    perception: {delay_hours: 0, noise: 0}
assets:
  b_base: {owner: b, kind: base, personnel: 10, lethality: 0}
initial_events:
  - {actor: b, action: criticize, target: a, at_hours: 0}
  - {actor: a, action: strike, target: b_base, salvo: 1, at_hours: 1, answer: true}
action_kinds:
  strike: {effect: strike, goldstein: -10, rung: 5, salvo: 1, duration_hours: 0, failure_probability: 0}
"""


def test_the_declaration_planned_with_an_act_follows_it_within_the_follow_up_time() -> None:
    scenario = load_scenario_text(TOY, "follow_up.yaml")
    for run in range(10):
        record = escalation.simulate(scenario, seed=4, run=run)
        strike = next(e for e in record.events if e.kind == "strike")
        declared = next(e for e in record.events if e.effect == "stand_down")
        assert declared.cause == strike.id
        assert declared.time - strike.time == 1.0  # follow_up_hours, not the 48 h deliberation
