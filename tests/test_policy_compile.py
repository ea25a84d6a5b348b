"""How each registered policy is compiled from its entry (docs/scenario-format.md 2.5): every
number field is a per-run parameter named after its path and held to its range, and every
condition and order is checked at its own path, so that a mistake is reported where it is."""

from __future__ import annotations

import pytest

import escalation
from escalation.errors import ScenarioError
from tests.toys import crisis, prompt

ORDER = {"action": "criticize", "target": "b"}
# policy -> the fields it needs besides those tested
REQUIRED: dict[str, dict[str, object]] = {
    "proportional_retaliation": {},
    "tit_for_tat": {"response": ORDER},
    "graduated_escalation": {"options": [ORDER, {"action": "sanctions", "target": "b"}]},
    "threat_then_enforce": {"threat": {"action": "threat", "target": "b"}, "red_line": "true",
                            "enforce": ORDER},
    "sanctions_instead_of_force": {},
    "stand_down_when_satisfied": {},
    "rule": {"when": "true", "do": ORDER},
}
# (policy, field, lowest, highest or None): the range each parameter is held to
PARAMETERS = [
    *[(policy, "probability", 0.0, 1.0) for policy in REQUIRED],
    ("proportional_retaliation", "k", 0.0, None),
    ("proportional_retaliation", "unit_harm", 1e-9, None),
    ("proportional_retaliation", "cap", 0.0, None),
    ("proportional_retaliation", "minimum", 0.0, None),
    ("tit_for_tat", "generosity", 0.0, 1.0),
    ("threat_then_enforce", "expires_after_days", 0.0, None),
    ("threat_then_enforce", "learning", 0.0, 1.0),
    ("sanctions_instead_of_force", "death_threshold", 0.0, None),
]
CONDITIONS = [(policy, "when") for policy in REQUIRED] + [
    ("threat_then_enforce", "issue_when"), ("threat_then_enforce", "red_line"),
    ("stand_down_when_satisfied", "reengage_when"),
]
ORDERS = [  # (policy, field, path of the order's action under the policy)
    ("proportional_retaliation", "response", "response.action"),
    ("tit_for_tat", "response", "response.action"),
    ("tit_for_tat", "conciliation", "conciliation.action"),
    ("threat_then_enforce", "threat", "threat.action"),
    ("threat_then_enforce", "enforce", "enforce.action"),
    ("sanctions_instead_of_force", "sanctions", "sanctions.action"),
    ("sanctions_instead_of_force", "force", "force.action"),
    ("stand_down_when_satisfied", "declaration", "declaration.action"),
    ("rule", "do", "do.action"),
]


def entry(policy: str, **fields: object) -> dict[str, object]:
    named = {} if policy == "rule" else {"policy": policy}
    return {**named, "id": "p", **REQUIRED[policy], **fields}


def compiled(policy: str, **fields: object) -> escalation.Scenario:
    return crisis({"a": prompt(policies=[entry(policy, **fields)]), "b": prompt()})


def problem(policy: str, **fields: object) -> str:
    with pytest.raises(ScenarioError) as error:
        compiled(policy, **fields)
    return str(error.value)


@pytest.mark.parametrize(("policy", "field", "low", "high"), PARAMETERS)
def test_a_parameter_is_named_after_its_path(
    policy: str, field: str, low: float, high: float | None
) -> None:
    top = high if high is not None else low + 5
    scenario = compiled(policy, **{field: {"dist": "uniform", "low": low, "high": top}})
    (name,) = escalation.simulate(scenario).parameters
    assert name == f"actors.a.policies.p.{field}"


@pytest.mark.parametrize(("policy", "field", "low", "high"), PARAMETERS)
def test_a_parameter_is_held_to_its_range(
    policy: str, field: str, low: float, high: float | None
) -> None:
    compiled(policy, **{field: low})
    below = low - 1e-9 if low else -1e-6
    assert f"actors.a.policies[0].{field}: must be" in problem(policy, **{field: below})
    if high is None:
        compiled(policy, **{field: low + 10**6})
    else:
        compiled(policy, **{field: {"dist": "uniform", "low": low, "high": high}})
        assert f"actors.a.policies[0].{field}: must be" in problem(policy, **{field: high + 1e-6})


@pytest.mark.parametrize(("policy", "field"), CONDITIONS)
def test_a_condition_is_checked_at_its_path(policy: str, field: str) -> None:
    assert (f"actors.a.policies[0].{field}: at character 1: unknown name 'nowhere'"
            in problem(policy, **{field: "nowhere"}))


@pytest.mark.parametrize(("policy", "field", "where"), ORDERS)
def test_an_order_is_checked_at_its_path(policy: str, field: str, where: str) -> None:
    bad = {"action": "nothing_known", "target": "b"}
    assert (f"actors.a.policies[0].{where}: unknown action kind 'nothing_known'"
            in problem(policy, **{field: bad}))


@pytest.mark.parametrize(("policy", "field"), [("graduated_escalation", "options"), ("rule", "do")])
def test_an_order_in_a_list_is_checked_at_its_index(policy: str, field: str) -> None:
    orders = [ORDER, {"action": "nothing_known", "target": "b"}]
    assert (f"actors.a.policies[0].{field}[1].action: unknown action kind"
            in problem(policy, **{field: orders}))
