"""The standard vocabulary shipped with the package: action kinds, ladder, outcome classes."""

from __future__ import annotations

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


@cache
def standard_kinds() -> dict[str, ActionKind]:
    return TypeAdapter(dict[str, ActionKind]).validate_python(_standard()["action_kinds"])


@cache
def standard_ladder() -> Ladder:
    return Ladder.model_validate(_standard()["ladder"])


@cache
def standard_outcomes() -> tuple[OutcomeClass, ...]:
    return tuple(TypeAdapter(list[OutcomeClass]).validate_python(_standard()["outcomes"]))
