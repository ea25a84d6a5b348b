"""A proxy's harassment can pause: its sponsor restrains or unleashes it, and an initiative can
depend on any condition of the run so far (stop once it has killed someone, hold while its
sponsor has stood down). Before, tension alone gated an initiative, and each attack raised the
tension that re-armed it, so harassment could never pause."""

from __future__ import annotations

import escalation
from escalation.errors import ScenarioError
from escalation.scenario.loader import load_scenario_text

TOY = """
name: proxies
horizon_days: 20
quiet_days: 5
actors:
  sponsor:
    deliberation_hours: 1
    perception: {delay_hours: 0, noise: 0}
    policies: SPONSOR
  proxy:
    kind: non_state
    sponsor: sponsor
    initiatives:
      - id: rockets
        rate_per_day: 4
        max_occurrences: 40
        WHEN
        do: {action: proxy_attack, target: base, salvo: 1}
  target:
    perception: {delay_hours: 0, noise: 0}
assets:
  base: {owner: target, kind: base, personnel: 1000, lethality: LETHALITY}
action_kinds:
  proxy_attack: {effect: strike, goldstein: -10, rung: 4, salvo: 1, duration_hours: 0, failure_probability: 0}
"""
HOLD_BACK = """[{when: "perceived.actor == 'proxy'", do: {action: restrain, target: proxy}}]"""


def attacks(sponsor: str = "[]", when: str = "", lethality: float = 0) -> list[list[float]]:
    text = TOY.replace("SPONSOR", sponsor).replace("WHEN", when).replace("LETHALITY", str(lethality))
    scenario = load_scenario_text(text, "proxies.yaml")
    return [[e.time for e in escalation.simulate(scenario, seed=6, run=run).events
             if e.kind == "proxy_attack"] for run in range(10)]


def test_unchecked_harassment_goes_on() -> None:
    assert all(len(times) >= 20 for times in attacks())


def test_a_sponsor_restrains_its_proxy_after_its_first_attack() -> None:
    for times in attacks(sponsor=HOLD_BACK):
        assert len(times) >= 1
        assert all(t <= times[0] + 1.0 for t in times)  # none after the restraint (1 h later)


def test_an_unleashed_proxy_resumes() -> None:
    """The sponsor restrains the proxy at each attack and unleashes it three days later."""
    both = HOLD_BACK[:-1] + """, {when: "perceived.effect == 'restrain'",
      do: {action: unleash, target: proxy, after_hours: 72}}]"""
    text = TOY.replace("SPONSOR", both).replace("WHEN", "").replace("LETHALITY", "0")
    for run in range(5):
        record = escalation.simulate(load_scenario_text(text, "proxies.yaml"), seed=6, run=run)
        unleashed = [e.time for e in record.events if e.kind == "unleash"]
        attacks_after = [e.time for e in record.events
                         if e.kind == "proxy_attack" and unleashed and e.time > unleashed[0]]
        assert unleashed and attacks_after and attacks_after[0] - unleashed[0] < 72


def test_an_initiative_can_stop_once_it_has_killed() -> None:
    for times in attacks(when='when: "deaths.target == 0"', lethality=5):
        assert len(times) == 1  # the first attack kills (5 a hit): no second


def test_an_initiative_condition_reads_only_what_exists_without_an_act() -> None:
    text = TOY.replace("SPONSOR", "[]").replace("LETHALITY", "0").replace(
        "WHEN", 'when: "perceived.deaths > 0"')
    try:
        load_scenario_text(text, "proxies.yaml")
    except ScenarioError as error:
        assert "perceived.deaths" in str(error) and "when" in str(error)
    else:
        raise AssertionError("a perceived name in an initiative's condition must be refused")
