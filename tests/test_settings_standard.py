"""A setting may change one field of the standard vocabulary without the file repeating the
rest: a standard action kind (`action_kinds.proxy_attack.potency=0.005`) or the standard ladder
(`ladder.war_deaths=500`). Before, such a setting was refused unless the file redefined the
whole kind or ladder."""

from __future__ import annotations

from pathlib import Path

import pytest

import escalation
from escalation.errors import ScenarioError
from escalation.scenario.standard import standard_kinds, standard_ladder

SEED = Path(__file__).resolve().parents[1] / "scenarios" / "us_iran_2020.yaml"
TEMPLATE = SEED.with_name("two_state_template.yaml")


def test_one_field_of_a_standard_kind_can_be_set() -> None:
    scenario = escalation.load_scenario(SEED, settings=["action_kinds.proxy_attack.potency=0.005"])
    kind, standard = scenario.kinds["proxy_attack"], standard_kinds()["proxy_attack"]
    assert scenario.parameters.base_vector()[kind.potency] == 0.005
    assert (kind.goldstein, kind.rung, kind.weapon) == (standard.goldstein, standard.rung,
                                                       standard.weapon)
    assert "proxy_attack" not in escalation.load_scenario(SEED).spec.action_kinds


def test_one_field_of_the_standard_ladder_can_be_set() -> None:
    scenario = escalation.load_scenario(TEMPLATE, settings=["ladder.war_deaths=500"])
    assert scenario.ladder.war_deaths == 500
    assert scenario.ladder.rungs == tuple(r.name for r in standard_ladder().rungs)


def test_an_unknown_kind_names_the_standard_ones_too() -> None:
    with pytest.raises(ScenarioError) as caught:
        escalation.load_scenario(TEMPLATE, settings=["action_kinds.proxy_atack.potency=1"])
    message = caught.value.problems[0].message
    assert "did you mean 'proxy_attack'?" in message and "border_clash" in message
