"""Harm that is not deaths: sanctions, cyber attacks, blockades and damage to economic assets
cost their target money (US$ million), which observers perceive, policies read
(``perceived.economic_loss``, ``own.economic_loss``), harm weighs (``harm.economic``) and runs
count (``economic_loss.<actor>``)."""

from __future__ import annotations

import json
from typing import Any

import pytest

import escalation
from escalation.errors import ScenarioError
from tests.toys import crisis, prompt

BITE = {"id": "bite", "when": "perceived.against_me and perceived.economic_loss > 100",
        "do": {"action": "strike", "target": {"owner": "offender"}, "salvo": 1}}


def _scenario(loss: object, policies: list[object] | None = None, action: str = "sanctions",
              **sections: Any) -> escalation.Scenario:
    """``a`` does ``action`` (a standard kind, given this cost) to ``b``; ``c`` looks on."""
    data = {"name": "toy", "horizon_days": 10, "quiet_days": 3,
            "actors": {"a": prompt(), "b": prompt(policies=policies or []), "c": prompt()},
            "assets": {"site_a": {"owner": "a", "kind": "base", "personnel": 10}},
            "initial_events": [{"actor": "a", "action": action, "target": "b"}],
            "outcomes": [{"id": "any", "when": "true"}], **sections}
    return escalation.scenario_from_dict(
        data, settings=[f"action_kinds.{action}.economic_loss={json.dumps(loss)}"])


def _record(scenario: escalation.Scenario, run: int = 0) -> escalation.RunRecord:
    return escalation.simulate(scenario, seed=5, run=run, keep_events=True)


def test_sanctions_cost_their_target_what_the_kind_says() -> None:
    record = _record(_scenario(500))
    assert record.economic_loss == {"a": 0.0, "b": 500.0, "c": 0.0}
    assert record.summary()["economic_loss.b"] == 500.0
    first = {p.observer: p for p in record.perceptions if not p.update}
    assert first["b"].economic == 500.0 and first["c"].economic == 500.0  # no noise in toys


def test_economic_loss_is_weighed_as_harm() -> None:
    """Harm per US$ million is 0.1 by default (one death per US$10 million)."""
    def harm(**sections: Any) -> float:
        record = _record(_scenario(500, **sections))
        return next(p.harm for p in record.perceptions if p.observer == "b")
    assert harm() == pytest.approx(50.0)
    assert harm(harm={"economic": 0.0}) == 0.0
    assert harm(harm={"economic": 1.0}) == pytest.approx(500.0)


@pytest.mark.parametrize("loss, answered", [(50, False), (500, True)])
def test_a_policy_answers_economic_harm_above_its_threshold(loss: float, answered: bool) -> None:
    record = _record(_scenario(loss, policies=[BITE]))
    assert any(e.actor == "b" and e.kind == "strike" for e in record.events) is answered


def test_the_victim_keeps_count_of_what_it_lost() -> None:
    """Two blockades of 150 each: the second answered only once the total passes 250."""
    total = {"id": "bite", "when": "perceived.against_me and own.economic_loss > 250",
             "do": {"action": "statement", "target": None}}
    scenario = crisis(
        {"a": prompt(), "b": prompt(policies=[total])},
        action_kinds={"squeeze": {"effect": "none", "goldstein": -9.5, "rung": 4,
                                  "economic_loss": 150}},
        initial_events=[{"actor": "a", "action": "squeeze", "target": "b", "at_hours": 0},
                        {"actor": "a", "action": "squeeze", "target": "b", "at_hours": 30}])
    record = _record(scenario)
    statements = [e.time for e in record.events if e.actor == "b" and e.kind == "statement"]
    assert len(statements) == 1 and statements[0] > 30


def test_a_distribution_is_drawn_at_every_act() -> None:
    scenario = _scenario({"dist": "uniform", "low": 100, "high": 200})
    losses = {_record(scenario, run).economic_loss["b"] for run in range(20)}
    assert len(losses) == 20 and all(100 <= loss <= 200 for loss in losses)


def test_damage_to_an_economic_asset_costs_its_share_of_the_value() -> None:
    """Three hits at 20% each: 60% of a US$1,000 million facility."""
    scenario = crisis(
        {"a": prompt(), "b": prompt()},
        assets={"refinery": {"owner": "b", "kind": "oil", "personnel": 0, "economic_value": 1000,
                             "damage_per_hit": 0.2}},
        action_kinds={"bombing": {"effect": "strike", "goldstein": -10, "rung": 5}},
        initial_events=[{"actor": "a", "action": "bombing", "target": "refinery", "salvo": 3}])
    record = _record(scenario)
    strike = next(e for e in record.events if e.kind == "bombing")
    assert strike.hits == 3 and strike.economic_loss == pytest.approx(600.0)
    assert record.economic_loss["b"] == pytest.approx(600.0)


def test_standard_non_kinetic_kinds_harm_when_given_a_cost() -> None:
    for kind in ("cyber_attack", "blockade"):
        record = _record(_scenario(80, action=kind))
        event = next(e for e in record.events if e.kind == kind)
        assert event.hostile and not event.kinetic and record.economic_loss["b"] == 80.0


def test_outcome_classes_read_economic_loss() -> None:
    outcomes = [{"id": "costly", "when": "economic_loss.total >= 400"}, {"id": "cheap", "when": "true"}]
    assert _record(_scenario(500, outcomes=outcomes)).outcome == "costly"
    assert _record(_scenario(300, outcomes=outcomes)).outcome == "cheap"


def test_a_batch_has_a_column_per_victim() -> None:
    results = escalation.run_batch(_scenario(500), runs=4, seed=1, workers=1)
    assert results.runs["economic_loss.b"].tolist() == [500.0] * 4


@pytest.mark.parametrize("section, field", [("action_kinds", "economic_loss"),
                                            ("assets", "economic_value")])
def test_a_negative_cost_is_refused_at_its_field(section: str, field: str) -> None:
    with pytest.raises(ScenarioError) as error:
        if section == "action_kinds":
            _scenario(-5)
        else:
            crisis({"a": prompt()}, assets={"x": {"owner": "a", field: -5}})
    assert field in str(error.value)
