"""The values of the names conditions read (docs/scenario-format.md section 3), in a run where
each can be computed by hand: at hour 24, a (a proxy sponsored by s) fires four missiles
from a pad in d at b's depot in c; all hit and kill its five people. Every actor hears at once
and exactly and decides an hour later; each name is checked by a rule of its own, which
makes a statement only if the name has the expected value."""

from __future__ import annotations

import pytest

import escalation
from escalation import RunRecord
from tests.toys import crisis, opening, prompt

EXPECTED_BY_B = {  # b deliberating on the strike on its depot
    "perceived.kind == 'hit'", "perceived.effect == 'strike'", "perceived.actor == 'a'",
    "perceived.sponsor == 's'", "perceived.target == 'b'", "perceived.asset == 'depot'",
    "perceived.asset_kind == 'fuel'", "perceived.host == 'c'", "perceived.origin_host == 'd'",
    "perceived.deaths == 5", "perceived.injuries == 0", "perceived.harm == 5.8",
    "perceived.value_lost == 0.8", "perceived.rung == 6", "perceived.goldstein == -6",
    "perceived.salvo == 4", "perceived.hits == 4", "perceived.hostile", "perceived.kinetic",
    "not perceived.homeland", "perceived.against_me", "not perceived.against_ally",
    "not perceived.by_me", "not perceived.by_ally", "not perceived.update",
    "own.credibility == 0.7", "own.resolve == 0.3", "own.risk_tolerance == 0.4",
    "own.audience_cost == 0.6", "own.commitment == 0", "own.responses == 0",
    "own.hostile_acts == 0", "not own.stood_down", "own.deaths_suffered == 5",
    "own.injuries_suffered == 0", "own.inventory.missiles == 12", "actors.b.credibility == 0.7",
    "not actors.a.stood_down",
    "tension > 5.97 and tension < 6", "alert", "time > 1.04 and time < 1.042",
    "max_rung == 6", "pair_rung == 6",
}
EXPECTED_BY_E = {  # e, b's ally, on the same strike
    "perceived.against_ally", "not perceived.against_me", "not perceived.by_ally",
    "own.deaths_suffered == 0", "pair_rung == 0",
}
EXPECTED_BY_A = {"perceived.by_me", "not perceived.against_me", "pair_rung == 0"}  # its own act
EXPECTED_BY_S = {"perceived.by_ally"}  # s counts a as an ally


def checks(conditions: set[str]) -> list[dict[str, object]]:
    """A rule per condition, each noting it when it holds on the report of the strike."""
    return [{"when": f"perceived.kind == 'hit' and ({condition})", "stop": False,
             "clock": "deliberation",
             "do": {"action": "statement", "target": None, "note": condition}}
            for condition in sorted(conditions)]


def strike(outcomes: list[dict[str, object]] | None = None) -> RunRecord:
    scenario = crisis(
        {"a": prompt(kind="non_state", sponsor="s", policies=checks(EXPECTED_BY_A)),
         "b": prompt(resolve=0.3, risk_tolerance=0.4, audience_cost=0.6, credibility=0.7,
                     allies=["e"], inventory={"missiles": 12}, policies=checks(EXPECTED_BY_B)),
         "c": prompt(), "d": prompt(), "e": prompt(allies=["b"], policies=checks(EXPECTED_BY_E)),
         "s": prompt(allies=["a"], policies=checks(EXPECTED_BY_S))},
        tension={"per_goldstein": 1, "alert_threshold": 1.5},
        action_kinds={"hit": {"effect": "strike", "goldstein": -6, "rung": 4, "salvo": 4,
                              "failure_probability": 0}},
        assets={"depot": {"owner": "b", "host": "c", "kind": "fuel", "personnel": 5,
                          "lethality": 1000, "value": 2, "damage_per_hit": 0.1},
                "pad": {"owner": "a", "host": "d"}},
        initial_events=[opening("a", "hit", "depot", at=24, origin=["pad"])],
        **({"outcomes": outcomes} if outcomes else {}),
    )
    return escalation.simulate(scenario)


@pytest.mark.parametrize(("actor", "expected"), [
    ("b", EXPECTED_BY_B), ("e", EXPECTED_BY_E), ("a", EXPECTED_BY_A), ("s", EXPECTED_BY_S),
])
def test_every_name_a_policy_reads_has_its_value(actor: str, expected: set[str]) -> None:
    noted = {e.note for e in strike().events if e.actor == actor and e.kind == "statement"}
    assert noted == expected


def test_an_act_on_no_asset_has_no_asset_kind() -> None:
    rule = {"when": "perceived.kind == 'criticize' and perceived.asset == '' and "
                    "perceived.asset_kind == '' and perceived.host == '' and perceived.hits == 0",
            "do": {"action": "statement", "target": None, "note": "nothing hit"}}
    scenario = crisis({"a": prompt(), "b": prompt(policies=[rule])},
                      initial_events=[opening("a", "criticize", "b")])
    assert [e.note for e in escalation.simulate(scenario).events if e.actor == "b"] == ["nothing hit"]


def test_an_actors_own_hostile_acts_are_counted() -> None:
    rule = {"when": "perceived.by_me and own.hostile_acts == 2 and not own.stood_down",
            "do": {"action": "statement", "target": None, "note": "two"}}
    scenario = crisis({"a": prompt(policies=[rule]), "b": prompt()},
                      initial_events=[opening("a", "stand_down", "b"), opening("a", "criticize", "b", at=1),
                                      opening("a", "threat", "b", at=2)])
    assert {e.note for e in escalation.simulate(scenario).events if e.kind == "statement"} == {"two"}


SUMMARY = (
    "ended_by == 'quiet'", "duration_days == 4", "max_rung == 6",
    "max_tension == 6", "tension > 4.45 and tension < 4.47", "hostile_acts == 1",
    "kinetic_acts == 1", "kinetic_responses == 0", "stand_downs == 0", "threats_made == 0",
    "threats_carried_out == 0", "threats_backed_down == 0", "homeland_strikes == 0",
    "accident_deaths == 0", "deaths.b == 5", "deaths.a == 0", "deaths.total == 5",
    "injuries.total == 0", "injuries.b == 0", "responses.b == 0", "not stood_down.b",
)


@pytest.mark.parametrize("condition", SUMMARY)
def test_every_name_an_outcome_reads_has_its_value(condition: str) -> None:
    """The run ends quiet three days after the strike (hour 96; tension 6 times 0.5 to the
    power 72/168 of its week's half-life), and the outcome is the first class that holds."""
    outcomes = [{"id": "holds", "when": condition}, {"id": "other", "when": "true"}]
    assert strike(outcomes).outcome == "holds"
