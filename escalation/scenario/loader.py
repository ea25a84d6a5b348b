"""Load a scenario from a YAML file or from Python data, and write one back out."""

from __future__ import annotations

import os
from typing import Any

import yaml

from escalation.errors import Location, Problem, ScenarioError
from escalation.scenario.compiled import Scenario
from escalation.scenario.compiler import compile_scenario
from escalation.scenario.schema import ScenarioSpec
from escalation.scenario.validation import validate_spec
from escalation.scenario.yamlsource import SourceDocument, read_yaml, read_yaml_text


def load_scenario(path: str | os.PathLike[str]) -> Scenario:
    """Read, validate and compile a scenario file; ScenarioError lists every fault found."""
    return _from_document(read_yaml(path))


def load_scenario_text(text: str, name: str = "<string>") -> Scenario:
    """As ``load_scenario``, from YAML text (notebooks, tests)."""
    return _from_document(read_yaml_text(text, name))


def scenario_from_dict(data: dict[str, Any], name: str = "<dict>") -> Scenario:
    """As ``load_scenario``, from plain Python data (build a scenario step by step)."""
    return _from_document(SourceDocument(data, name))


def dump_scenario(scenario: Scenario | ScenarioSpec) -> str:
    """YAML text that loads back to an equal scenario (fields left at defaults omitted)."""
    spec = scenario.spec if isinstance(scenario, Scenario) else scenario
    data = spec.model_dump(mode="json", exclude_unset=True)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def _from_document(doc: SourceDocument) -> Scenario:
    spec = validate_spec(doc)
    if isinstance(spec, list):
        raise ScenarioError(spec)
    try:
        return compile_scenario(spec, doc.file)
    except ScenarioError as error:
        raise ScenarioError(_locate(problem, doc) for problem in error.problems) from None


def _locate(problem: Problem, doc: SourceDocument) -> Problem:
    location = problem.location or doc.locate(problem.path)
    column = _condition_column(problem.message)
    if column and location.line:
        location = Location(location.file, location.line, location.column + column - 1)
    return Problem(location, problem.path, problem.message)


def _condition_column(message: str) -> int:
    """Offset into a condition's text, when the message is about a condition."""
    prefix = "at character "
    if not message.startswith(prefix):
        return 0
    digits = message[len(prefix):].split(":", 1)[0]
    return int(digits) if digits.isdigit() else 0
