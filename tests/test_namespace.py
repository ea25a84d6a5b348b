"""Every name a policy condition may use is provided during a run, with its declared type."""

from __future__ import annotations

from pathlib import Path

import pytest

from escalation import load_scenario
from escalation.engine.namespace_view import PerceptionView
from escalation.engine.records import Event, Perceived
from escalation.engine.world import World
from escalation.model.namespace import policy_names
from escalation.model.streams import Streams
from escalation.scenario.conditions import ValueType

SEED = Path(__file__).resolve().parents[1] / "scenarios" / "us_iran_2020.yaml"
PYTHON_TYPES = {ValueType.NUMBER: (int, float), ValueType.STRING: (str,), ValueType.BOOLEAN: (bool,)}


def view() -> tuple[PerceptionView, dict[str, ValueType]]:
    scenario = load_scenario(SEED)
    values = scenario.parameters.values_from_uniforms([[0.5] * len(scenario.parameters.uncertain)])
    world = World(scenario, values[0].tolist(), Streams(1), keep_events=False)
    event = Event(id=0, time=0.0, started=0.0, actor="iran", kind="ballistic_strike",
                  effect="strike", target="united_states", asset="al_asad", host="iraq",
                  salvo=16, hits=11, injuries=30, hostile=True, kinetic=True, rung=5)
    perceived = Perceived(1.0, "united_states", event, 0, 30, 7.5, False, event.actor)
    names = policy_names([a.id for a in scenario.actors], scenario.inventory_items)
    return PerceptionView(world, world.actors["united_states"], perceived), names


def test_every_declared_name_has_a_value_of_its_type() -> None:
    namespace, names = view()
    for name, kind in names.items():
        value = namespace[name]
        assert isinstance(value, PYTHON_TYPES[kind]), (name, value)
        if kind is ValueType.NUMBER:
            assert not isinstance(value, bool), name


def test_values_describe_the_perception() -> None:
    namespace, _ = view()
    assert namespace["perceived.against_me"] is True
    assert namespace["perceived.by_me"] is False
    assert namespace["perceived.asset_kind"] == "base"
    assert namespace["perceived.injuries"] == 30.0
    assert namespace["own.inventory.missiles"] == float("inf")  # the US keeps no missile count


def test_an_undeclared_name_is_a_key_error() -> None:
    namespace, _ = view()
    with pytest.raises(KeyError):
        namespace["perceived.nothing"]


def test_every_summary_name_has_a_value_of_its_type() -> None:
    from escalation.model.namespace import summary_names

    namespace, _ = view()
    world = namespace.world
    summary = world.tally.namespace(world)
    for name, kind in summary_names(list(world.actors)).items():
        value = summary[name]
        assert isinstance(value, PYTHON_TYPES[kind]), (name, value)
        if kind is ValueType.NUMBER:
            assert not isinstance(value, bool), name
    with pytest.raises(KeyError):
        summary["deaths_total"]
