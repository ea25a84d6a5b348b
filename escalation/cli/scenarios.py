"""Commands about scenario files themselves: the shipped library and the JSON Schema."""

from __future__ import annotations

import argparse
import json
from typing import Any

from escalation.cli.options import command

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def scenario_schema() -> dict[str, Any]:
    """The JSON Schema of every file the loader accepts: a whole scenario, or a variant
    (``extends: BASE`` and ``set:`` of field paths, ``escalation.scenario.loader._layers``).
    A variant's other top-level keys are settings too: a field's name replaces that whole
    field, so its value is checked as the field; a dotted path (``actors.iran.resolve``) or
    the unique end of one is left to the loader, which resolves it against the base file."""
    from escalation.scenario.schema import ScenarioSpec

    spec = ScenarioSpec.model_json_schema()
    definitions = spec.pop("$defs", {})
    variant = {
        "title": "Variant",
        "description": "A scenario written as changes to another file: extends names the base "
                       "file (relative to this one), set maps field paths to their new values.",
        "type": "object",
        "required": ["extends"],
        "properties": {
            **spec.get("properties", {}),
            "extends": {"type": "string", "minLength": 1,
                        "description": "the base scenario's file name, relative to this file"},
            "set": {"type": "object", "description": "field paths (as --set takes them, e.g. "
                    "actors.iran.policies.avenges.probability) and their new values"},
        },
    }
    return {
        "$schema": SCHEMA_DIALECT,
        "title": spec.get("title", "ScenarioSpec"),
        "description": "An escalation scenario file, or a variant of one (extends + set).",
        "$defs": {**definitions, "ScenarioFile": spec, "VariantFile": variant},
        "if": {"type": "object", "required": ["extends"]},
        "then": {"$ref": "#/$defs/VariantFile"},
        "else": {"$ref": "#/$defs/ScenarioFile"},
    }


def schema_text() -> str:
    """The schema as ``escalation schema`` prints it and docs/scenario.schema.json holds it."""
    return json.dumps(scenario_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _schema(args: argparse.Namespace) -> int:
    print(schema_text(), end="")
    return 0


def _scenarios(args: argparse.Namespace) -> int:
    from escalation.library import library_folder, shipped_scenarios

    found = shipped_scenarios()
    if not found:
        print(f"no scenario files in {library_folder()}: the installation is incomplete; "
              "reinstall escalation")
        return 0
    width = max(len(s.name) for s in found)
    for scenario in found:
        print(f"{scenario.name:<{width}}  {scenario.title}")
    print(f"\n{len(found)} scenarios in {library_folder()}; run one by name, e.g. "
          f"escalation run {found[0].name}, or copy its file to change it")
    return 0


def register(commands: Any) -> None:
    listing = command(commands, "scenarios", "list the scenarios shipped with the package",
                      "escalation scenarios")
    listing.set_defaults(handler=_scenarios)
    schema = command(commands, "schema", "print the JSON Schema of scenario files (for editors)",
                     "escalation schema > scenario.schema.json",
                     "Prints the JSON Schema of scenario files and of their variants (extends + "
                     "set). Editors with the YAML language server use it through a first line "
                     "'# yaml-language-server: $schema=PATH' (docs/scenario.schema.json in the "
                     "repository).")
    schema.set_defaults(handler=_schema)
