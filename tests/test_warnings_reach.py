"""A warning reaches whom it can: the target's owner, told directly, takes cover at once (the
strike lands on a warned target); a host passes it on only if it relays warnings. A warning
that can never protect anyone (to an actor that owns nothing and relays nothing) is one the
loader warns about, at its line. Before, a warning to the owner itself did nothing."""

from __future__ import annotations

import escalation
from escalation.scenario.loader import load_scenario_text

TOY = """
name: warned
horizon_days: 5
quiet_days: 1
actors:
  a: {}
  b: {}
  c: {}
assets:
  b_base: {owner: b, kind: base, personnel: 1000, lethality: 5, warned_factor: 0, shelter_hours: 0}
initial_events:
  - {actor: a, action: strike, target: b_base, salvo: 10, warn: [WARNED], warning_lead_hours: 2}
action_kinds:
  strike: {effect: strike, goldstein: -10, rung: 5, salvo: 1, duration_hours: 0.2, failure_probability: 0}
"""


def strike(warned: str) -> list[escalation.RunRecord]:
    scenario = load_scenario_text(TOY.replace("WARNED", warned), "warned.yaml")
    return [escalation.simulate(scenario, seed=8, run=run) for run in range(5)]


def test_the_owner_warned_directly_takes_cover() -> None:
    for record in strike("b"):
        hit = next(e for e in record.events if e.kind == "strike")
        assert hit.warned and hit.deaths == 0  # warned_factor 0: everyone sheltered


def test_a_warning_to_an_actor_who_can_do_nothing_protects_no_one_and_is_flagged() -> None:
    for record in strike("c"):
        hit = next(e for e in record.events if e.kind == "strike")
        assert not hit.warned and hit.deaths > 0
    scenario = load_scenario_text(TOY.replace("WARNED", "c"), "warned.yaml")
    (warning,) = scenario.warnings
    assert warning.path == ("initial_events", 0, "warn", 0)
    assert warning.location is not None and warning.location.line == 12  # the warn list
    assert "a warning to c can never protect anyone" in warning.message
    assert not load_scenario_text(TOY.replace("WARNED", "b"), "warned.yaml").warnings
