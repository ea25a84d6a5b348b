"""The compiled scenario's records (escalation/scenario/compiled.py) behave as frozen
dataclasses whether the module runs as its sources or compiled (native classes, whose fields
the engine reads directly): they pickle (a scenario travels to worker processes), compare and
hash by value, refuse assignment, and ``dataclasses.replace`` makes changed copies."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from pathlib import Path

import pytest

import escalation
from escalation.scenario.compiled import Record

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


def records(scenario: escalation.Scenario) -> list[Record]:
    """Records of every kind the scenario holds (actors without their policies, which are
    not records and do not compare by value)."""
    actor = scenario.actors[0]
    found: list[Record] = [*scenario.kinds.values(), *scenario.assets.values(),
                           *scenario.outcomes, *scenario.initial, scenario.ladder,
                           scenario.tension, actor.perception, *actor.lanes]
    return found


@pytest.mark.parametrize("name", ["us_iran_2020", "india_pakistan_2019"])
def test_records_pickle_compare_and_hash_by_value(name: str) -> None:
    scenario = escalation.load_scenario(SCENARIOS / f"{name}.yaml")
    for record in records(scenario):
        assert isinstance(record, Record)
        for twin in (pickle.loads(pickle.dumps(record)), copy.deepcopy(record)):
            assert type(twin) is type(record)
            assert twin == record
            assert hash(twin) == hash(record)


def test_records_are_frozen_and_replace_makes_a_changed_copy() -> None:
    scenario = escalation.load_scenario(SCENARIOS / "us_iran_2020.yaml")
    kind = scenario.kinds["strike"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        kind.rung = 1  # type: ignore[misc]
    lower = dataclasses.replace(kind, rung=kind.rung - 1)
    assert lower.rung == kind.rung - 1 and lower.id == kind.id and lower != kind


def test_a_pickled_scenario_runs_as_the_original() -> None:
    scenario = escalation.load_scenario(SCENARIOS / "us_iran_2020.yaml")
    twin = pickle.loads(pickle.dumps(scenario))
    for run in range(5):
        mine = escalation.simulate(scenario, seed=3, run=run, keep_events=True)
        theirs = escalation.simulate(twin, seed=3, run=run, keep_events=True)
        assert mine.outcome == theirs.outcome
        assert mine.events == theirs.events
