"""The JSON Schema of scenario files (``escalation schema``, committed as
docs/scenario.schema.json) accepts every file the loader accepts, variants included, and still
refuses what the loader refuses; the shipped scenarios name it for editors.

- The committed file is what ``escalation schema`` prints (regenerate it when the format changes).
- Every shipped scenario (variants with ``extends:`` + ``set:`` too) is valid against it.
- A variant written here, which the loader accepts, is valid; a field of the wrong type is not.
- Each shipped scenario's first line points the YAML language server at the committed schema.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

import escalation
from escalation.cli import main

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "docs" / "scenario.schema.json"
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
MODELINE = "# yaml-language-server: $schema=../docs/scenario.schema.json"


def printed_schema(capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["schema"]) == 0
    return capsys.readouterr().out


def validator() -> Any:
    """A validator of the committed schema; the test is skipped where jsonschema is missing
    (it comes with nbformat in the test extra)."""
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema validates the schema file")
    schema = json.loads(COMMITTED.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def problems(document: Any) -> list[str]:
    return [f"{'.'.join(map(str, error.absolute_path))}: {error.message}"
            for error in validator().iter_errors(document)]


def test_the_committed_schema_is_current(capsys: pytest.CaptureFixture[str]) -> None:
    assert COMMITTED.read_text(encoding="utf-8") == printed_schema(capsys), (
        "docs/scenario.schema.json is out of date: run "
        "escalation schema > docs/scenario.schema.json")


def test_there_are_shipped_scenarios_and_variants_among_them() -> None:
    variants = [path for path in SCENARIOS if "extends" in yaml.safe_load(path.read_text())]
    assert len(SCENARIOS) >= 5 and len(variants) >= 3


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda path: path.name)
def test_every_shipped_scenario_is_valid_against_the_schema(path: Path) -> None:
    escalation.load_scenario(path)  # the loader accepts it ...
    assert problems(yaml.safe_load(path.read_text(encoding="utf-8"))) == []  # ... and so must the schema


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda path: path.name)
def test_every_shipped_scenario_names_the_schema_for_editors(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == MODELINE
    assert (path.parent / first.split("$schema=", 1)[1]).resolve() == COMMITTED


def test_a_variant_the_loader_accepts_is_valid(tmp_path: Path) -> None:
    (tmp_path / "base.yaml").write_text((ROOT / "scenarios" / "two_state_template.yaml").read_text())
    variant = {"extends": "base.yaml", "name": "calmer", "title": "A calmer variant",
               "horizon_days": 20, "set": {"actors.alpha.resolve": 0.2}}
    path = tmp_path / "calmer.yaml"
    path.write_text(yaml.safe_dump(variant))
    assert escalation.load_scenario(path).name == "calmer"
    assert problems(variant) == []


@pytest.mark.parametrize("change", [{"horizon_days": "soon"}, {"actors": 3}],
                         ids=["scenario", "variant"])
def test_a_field_of_the_wrong_type_is_invalid(change: dict[str, Any]) -> None:
    """The schema is not vacuous: in a whole scenario and in a variant alike, a field that
    replaces another is checked as that field."""
    base = yaml.safe_load((ROOT / "scenarios" / "two_state_template.yaml").read_text())
    document = {**base, **change} if "horizon_days" in change else {
        "extends": "two_state_template.yaml", **change}
    assert problems(document)
