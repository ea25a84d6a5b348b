"""A number of an action kind no act of the scenario can take is not a run's uncertainty: it is
fixed at its median, so it adds no column, no sensitivity index and no sampling dimension."""

from __future__ import annotations

import escalation
from tests.toys import crisis, opening, prompt

UNCERTAIN = {"dist": "uniform", "low": 0.2, "high": 0.6}


def _uncertain(action: str) -> set[str]:
    scenario = crisis(
        {"a": prompt(), "b": prompt()},
        assets={"base_b": {"owner": "b", "personnel": 10}},
        action_kinds={kind: {"effect": "strike", "goldstein": -10, "rung": 5, "potency": UNCERTAIN}
                      for kind in ("rockets", "shells")},
        initial_events=[opening("a", action, "base_b")])
    return {p.name for p in scenario.parameters.uncertain if p.name.startswith("action_kinds.")}


def test_only_the_kinds_acts_can_take_are_uncertain() -> None:
    assert _uncertain("rockets") == {"action_kinds.rockets.potency"}
    assert _uncertain("shells") == {"action_kinds.shells.potency"}


def test_a_fixed_number_takes_the_median_of_its_distribution() -> None:
    scenario = crisis({"a": prompt(), "b": prompt()},
                      action_kinds={"rockets": {"effect": "strike", "goldstein": -10, "rung": 5,
                                                "potency": UNCERTAIN}})
    (potency,) = [p for p in scenario.parameters.all if p.name == "action_kinds.rockets.potency"]
    assert potency.distribution is None and potency.value == 0.4
    record = escalation.simulate(scenario, seed=1)
    assert "action_kinds.rockets.potency" not in record.parameters
