"""The standard vocabulary shipped with the package: action kinds, ladder, outcome classes."""

from __future__ import annotations

import copy
from functools import cache
from importlib import resources

import yaml
from pydantic import TypeAdapter

from escalation.scenario.schema import ActionKind, Ladder, OutcomeClass


@cache
def _standard() -> dict[str, object]:
    text = resources.files("escalation").joinpath("data/standard.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    assert isinstance(data, dict)
    return data


def standard_data(path: tuple[str, ...]) -> object | None:
    """A copy of the standard vocabulary's raw data at ``path`` (``("ladder",)``,
    ``("action_kinds", "strike")``), or None: what a setting may change without the scenario
    repeating the rest."""
    node: object = _standard()
    for part in path:
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return copy.deepcopy(node)


@cache
def standard_kinds() -> dict[str, ActionKind]:
    return TypeAdapter(dict[str, ActionKind]).validate_python(_standard()["action_kinds"])


@cache
def standard_ladder() -> Ladder:
    return Ladder.model_validate(_standard()["ladder"])


@cache
def standard_outcomes() -> tuple[OutcomeClass, ...]:
    return tuple(TypeAdapter(list[OutcomeClass]).validate_python(_standard()["outcomes"]))
