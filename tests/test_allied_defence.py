"""Third parties help defend: an ally intercepts strikes on another's assets with its own
interceptors, its own decision to join and its own risk (each interception is an act aimed at
the attacker, who perceives it and can answer it). Warnings can name roles (the target's owner
or host, the offender), resolved when the act starts."""

from __future__ import annotations

from typing import Any

import pytest

import escalation
from escalation.errors import ScenarioError
from tests.toys import crisis, opening, prompt

SALVO = 10


def _scenario(defence: dict[str, Any] | None, a_policies: list[object] | None = None,
              strikes: int = 1, c: dict[str, Any] | None = None, **sections: Any
              ) -> escalation.Scenario:
    ally = prompt(**(c or {}))
    if defence is not None:
        ally["defends"] = [{"protects": ["b"], **defence}]
    return crisis(
        {"a": prompt(policies=a_policies or []), "b": prompt(), "c": ally},
        assets={"base_b": {"owner": "b", "personnel": 100, "air_defence": 0}},
        action_kinds={"barrage": {"effect": "strike", "goldstein": -10, "rung": 5,
                                  "duration_hours": 0, "failure_probability": 0}},
        initial_events=[opening("a", "barrage", "base_b", at=10.0 * i, salvo=SALVO)
                        for i in range(strikes)], **sections)


def _record(scenario: escalation.Scenario, run: int = 0) -> escalation.RunRecord:
    return escalation.simulate(scenario, seed=4, run=run, keep_events=True)


def _barrages(record: escalation.RunRecord) -> list[tuple[int, int]]:
    return [(e.intercepted, e.hits) for e in record.events if e.kind == "barrage"]


def test_an_ally_stops_what_its_interceptors_can() -> None:
    """Four sure interceptors: four of ten stopped at the first strike, none left for the
    second; each interception is the ally's act aimed at the attacker."""
    record = _record(_scenario({"intercept": 1.0, "weapon": "interceptors"}, strikes=2,
                               c={"inventory": {"interceptors": 4}}))
    assert _barrages(record) == [(4, 6), (0, 10)]
    (stop,) = [e for e in record.events if e.kind == "intercept"]
    assert (stop.actor, stop.target, stop.salvo, stop.intercepted) == ("c", "a", 4, 4)
    assert stop.hostile and stop.asset == "base_b"


def test_an_ally_stops_each_unit_with_its_chance() -> None:
    big = crisis(
        {"a": prompt(), "b": prompt(), "c": prompt(defends=[{"protects": ["b"], "intercept": 0.5}])},
        assets={"base_b": {"owner": "b", "personnel": 100}},
        action_kinds={"barrage": {"effect": "strike", "goldstein": -10, "rung": 5,
                                  "failure_probability": 0}},
        initial_events=[opening("a", "barrage", "base_b", salvo=400)])
    stopped = [_barrages(_record(big, run))[0][0] for run in range(10)]
    # binomial(400, 0.5): mean 200, sd 10; five sd either side
    assert all(150 <= n <= 250 for n in stopped) and len(set(stopped)) > 1


def test_an_ally_joins_only_when_its_condition_holds() -> None:
    """Never; or only on the first day's first hours (time is in days: strikes at 0 and 10 h)."""
    assert _barrages(_record(_scenario({"intercept": 1.0, "when": "false"}))) == [(0, SALVO)]
    assert _barrages(_record(_scenario({"intercept": 1.0, "when": "time < 0.2"}, strikes=2))) == \
        [(SALVO, 0), (0, SALVO)]


def test_the_attacker_perceives_and_can_answer_the_interception() -> None:
    protest = {"id": "protest", "when": "perceived.kind == 'intercept' and perceived.against_me",
               "do": {"action": "criticize", "target": "offender"}}
    record = _record(_scenario({"intercept": 1.0}, a_policies=[protest]))
    assert [(e.actor, e.target) for e in record.events if e.kind == "criticize"] == [("a", "c")]


def test_without_allies_nothing_changes() -> None:
    assert _barrages(_record(_scenario(None))) == [(0, SALVO)]


@pytest.mark.parametrize("field, value, message", [
    ("protects", ["ghost"], "unknown actor 'ghost'"),
    ("intercept", 2, "intercept"),
    ("when", "perceived.kinetic", "perceived.kinetic"),
    ("action", "nothing", "unknown action kind 'nothing'"),
])
def test_a_bad_defence_is_refused_at_its_field(field: str, value: object, message: str) -> None:
    defence: dict[str, Any] = {"intercept": 0.5, field: value}
    with pytest.raises(ScenarioError) as error:
        crisis({"a": prompt(), "b": prompt(), "c": prompt(defends=[{"protects": ["b"], **defence}])})
    assert message in str(error.value) and "defends[0]" in str(error.value)


# -- warnings by role -----------------------------------------------------------------------
def _warned(warn: list[str], relays: float = 0.0) -> escalation.RunRecord:
    scenario = crisis(
        {"a": prompt(), "b": prompt(), "h": prompt(relays_warnings=relays, relay_delay_hours=0.1)},
        assets={"outpost": {"owner": "b", "host": "h", "personnel": 100, "shelter_hours": 0}},
        action_kinds={"barrage": {"effect": "strike", "goldstein": -10, "rung": 5,
                                  "duration_hours": 0, "failure_probability": 0}},
        initial_events=[opening("a", "barrage", "outpost", salvo=5, warn=warn,
                                warning_lead_hours=2)])
    return _record(scenario)


def test_a_warning_to_the_owner_by_role_reaches_the_owner() -> None:
    record = _warned(["owner"])
    assert [e.target for e in record.events if e.kind == "warning"] == ["b"]
    assert next(e for e in record.events if e.kind == "barrage").warned


def test_a_warning_to_the_host_by_role_is_relayed() -> None:
    record = _warned(["host"], relays=1.0)
    assert [(e.actor, e.target) for e in record.events if e.kind == "warning"] == \
        [("a", "h"), ("h", "b")]
    assert next(e for e in record.events if e.kind == "barrage").warned


def test_roles_naming_the_same_actor_warn_it_once() -> None:
    record = _warned(["owner", "b", "offender"])  # no offender for an opening: nobody
    assert [e.target for e in record.events if e.kind == "warning"] == ["b"]


def test_a_warned_owner_raises_its_defences() -> None:
    """Told in time, the owner's air defence is its warned_air_defence; not told, its usual."""
    def intercepted(warn: list[str]) -> int:
        scenario = crisis(
            {"a": prompt(), "b": prompt()},
            assets={"outpost": {"owner": "b", "personnel": 100, "air_defence": 0,
                                "warned_air_defence": 1.0}},
            action_kinds={"barrage": {"effect": "strike", "goldstein": -10, "rung": 5,
                                      "duration_hours": 0, "failure_probability": 0}},
            initial_events=[opening("a", "barrage", "outpost", salvo=5, warn=warn,
                                    warning_lead_hours=2)])
        return next(e.intercepted for e in _record(scenario).events if e.kind == "barrage")
    assert intercepted(["owner"]) == 5
    assert intercepted([]) == 0
