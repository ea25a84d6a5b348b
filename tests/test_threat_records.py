"""A threat's record agrees with what its author did. A's red line is crossed and A, with no
resolve and no audience cost, never enforces it; a later policy of A's strikes the threatened
enemy all the same in the same deliberation. The threat was kept, not backed down from: before,
it was recorded as backed down and A's credibility fell while A struck B."""

from __future__ import annotations

import pytest

import escalation
from escalation.scenario.loader import load_scenario_text

TOY = """
name: threat_records
horizon_days: 10
quiet_days: 2
actors:
  a:
    resolve: 0
    audience_cost: 0
    credibility: 0.5
    deliberation_hours: 1
    perception: {delay_hours: 0, noise: 0}
    policies:
      - policy: threat_then_enforce
        id: warns_b
        issue_when: "perceived.actor == 'b' and perceived.effect == 'none'"
        threat: {action: threat, target: b}
        red_line: "perceived.actor == 'b' and perceived.kinetic"
        enforce: {action: strike, target: b_base}
      - when: "perceived.actor == 'b' and perceived.kinetic"
        do: {action: ANSWER, target: TARGET}
  b:
    perception: {delay_hours: 0, noise: 0}
assets:
  a_base: {owner: a, kind: base, personnel: 10, lethality: 0}
  b_base: {owner: b, kind: base, personnel: 10, lethality: 0}
initial_events:
  - {actor: b, action: criticize, target: a, at_hours: 0}
  - {actor: b, action: strike, target: a_base, salvo: 1, at_hours: 5}
"""


@pytest.mark.parametrize(("answer", "target", "fate"), [
    ("strike", "b_base", "carried_out"),            # struck the enemy by another policy
    ("sanctions", "b", "backed_down"),              # answered, but not with force
    ("strike", "{owner: offender}", "carried_out"),  # a role that resolves to the enemy
])
def test_a_threat_is_kept_when_a_later_policy_strikes_the_enemy(
        answer: str, target: str, fate: str) -> None:
    scenario = load_scenario_text(TOY.replace("ANSWER", answer).replace("TARGET", target), "t.yaml")
    for run in range(5):
        record = escalation.simulate(scenario, seed=9, run=run)
        assert record.threats == {"a.warns_b": fate}
        assert (record.threats_carried_out, record.threats_backed_down) == \
            ((1, 0) if fate == "carried_out" else (0, 1))
