"""Calibrated parameter sets: values that ``escalation calibrate`` found for shared parameters,
in a file any scenario can use (``calibration: FILE``), with how they were found.

The file maps name patterns to values (``parameters:``), as ``--params`` named them, and keeps
the calibration's provenance (``calibration:``: method, episodes, a hash of their files,
seed, budget, version). A scenario that names the file gets every per-run parameter a pattern
matches set to its value before it is validated, as ``--set`` would set it, and settings given
with the scenario (``--set``, a variant's ``set:``) still win. The compiled scenario keeps what
was set and the provenance (``Scenario.calibration``).
"""

from __future__ import annotations

import fnmatch
import math
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from escalation.errors import Location, Problem, ScenarioError
from escalation.scenario.overrides import Setting

FIELD = "calibration"  # the scenario's key naming a calibrated file


@dataclass(frozen=True)
class CalibratedSet:
    """The values of a calibrated file, its provenance, and where it is."""

    file: str
    parameters: Mapping[str, float]  # pattern -> value
    provenance: Mapping[str, Any]

    def settings(self, names: Iterable[str], where: Location) -> list[Setting]:
        """A setting for every parameter of ``names`` a pattern matches (the first pattern
        that matches it, in the file's order)."""
        chosen: dict[str, float] = {}
        for name in names:
            for pattern, value in self.parameters.items():
                if fnmatch.fnmatchcase(name, pattern):
                    chosen[name] = value
                    break
        return [Setting(name, value, where) for name, value in chosen.items()]

    def applied(self, settings: Iterable[Setting]) -> dict[str, Any]:
        """What a scenario records of its calibration: the file, what it set, the provenance."""
        return {"file": self.file, "set": {s.path: s.value for s in settings},
                "provenance": dict(self.provenance)}


def read_calibrated(path: str, where: Location) -> CalibratedSet:
    """The calibrated file at ``path``; a ScenarioError at ``where`` (the scenario's
    ``calibration`` key) says what is wrong with it and how to mend it."""
    def fail(message: str) -> ScenarioError:
        return ScenarioError([Problem(where, (FIELD,), f"{path}: {message}")])

    try:
        with open(path, encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except OSError as error:
        raise fail(f"cannot be read ({error.strerror or error}); the path is relative to the "
                   "scenario's folder (escalation calibrate --out DIR writes DIR/calibrated.yaml)"
                   ) from None
    except yaml.YAMLError as error:
        raise fail(f"is not valid YAML ({getattr(error, 'problem', None) or error})") from None
    if not isinstance(data, dict) or not isinstance(data.get("parameters"), dict) \
            or not data["parameters"]:
        raise fail("is not a calibrated parameter set: it needs 'parameters:' mapping name "
                   "patterns to numbers (and 'calibration:', how they were found)")
    parameters: dict[str, float] = {}
    for pattern, value in data["parameters"].items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or \
                not math.isfinite(value):
            raise fail(f"parameters.{pattern}: {value!r} is not a finite number")
        parameters[str(pattern)] = float(value)
    provenance = data.get(FIELD) or {}
    if not isinstance(provenance, dict):
        raise fail("'calibration:' should map what made the file (method, seed, ...) to values")
    return CalibratedSet(os.path.normpath(path), parameters, provenance)


def calibration_file(data: object, scenario_file: str) -> str | None:
    """The calibrated file a scenario's data names, relative to the scenario's folder."""
    if not isinstance(data, dict):
        return None
    value = data.get(FIELD)
    if not isinstance(value, str) or not value.strip():
        return None
    return os.path.normpath(os.path.join(os.path.dirname(scenario_file), value))


def write_calibrated(path: str | os.PathLike[str], parameters: Mapping[str, float],
                     provenance: Mapping[str, Any], note: str = "") -> None:
    """Write a calibrated parameter set (``read_calibrated`` reads it back)."""
    header = "".join(f"# {line}\n" for line in note.splitlines())
    body = yaml.safe_dump({FIELD: dict(provenance),
                           "parameters": {k: float(v) for k, v in parameters.items()}},
                          sort_keys=False, allow_unicode=True)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(header + body)
