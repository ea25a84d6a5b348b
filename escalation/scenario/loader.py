"""Load a scenario from a YAML file or from Python data, and write one back out."""

from __future__ import annotations

import os
import weakref
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

import yaml

from escalation.errors import Location, Problem, ScenarioError
from escalation.scenario.calibrated import FIELD, calibration_file, read_calibrated
from escalation.scenario.compiled import Scenario
from escalation.scenario.compiler import compile_scenario
from escalation.scenario.overrides import Setting, apply_settings, parse_setting
from escalation.scenario.schema import ScenarioSpec
from escalation.scenario.validation import validate_spec
from escalation.scenario.yamlsource import SourceDocument, read_yaml, read_yaml_text

SettingsArg = Iterable[Setting | str]
MAX_EXTENDS = 8


def load_scenario(path: str | os.PathLike[str], settings: SettingsArg = ()) -> Scenario:
    """Read, validate and compile a scenario file; ScenarioError lists every fault found.

    ``settings`` change assumptions before validation: ``'path=value'`` texts (as ``--set``)
    or ``Setting`` objects. A file with ``extends: BASE`` and ``set:`` is a variant of BASE."""
    doc = read_yaml(path)
    return _loaded(doc, settings, lambda: _file_bytes(doc.file))


def load_scenario_text(text: str, name: str = "<string>", settings: SettingsArg = ()) -> Scenario:
    """As ``load_scenario``, from YAML text (notebooks, tests)."""
    return _loaded(read_yaml_text(text, name), settings, lambda: text.encode("utf-8"))


def scenario_from_dict(data: dict[str, Any], name: str = "<dict>", settings: SettingsArg = ()
                       ) -> Scenario:
    """As ``load_scenario``, from plain Python data (build a scenario step by step)."""
    return _loaded(SourceDocument(data, name), settings, lambda: None)


def _loaded(doc: SourceDocument, settings: SettingsArg, source: Callable[[], bytes | None]
            ) -> Scenario:
    """The scenario of ``doc`` with ``settings``, remembered with ``source()`` (its text)
    when that text alone loads to it: no settings, no base file."""
    parsed = list(settings)
    root, layered = _layers(doc)
    final = _with_settings(apply_settings(root, layered) if layered else root, parsed)
    calibration = None
    path = calibration_file(final.data, final.file)
    if path is not None:  # its values first, then variants' set: and the settings given
        where = final.locate((FIELD,))
        calibrated = read_calibrated(path, where)
        chosen = calibrated.settings((p.name for p in _from_document(final).parameters.all),
                                     where)
        final = _with_settings(apply_settings(root, [*chosen, *layered]), parsed)
        calibration = calibrated.applied(chosen)
    scenario = _from_document(final)
    if calibration is not None:
        scenario = replace(scenario, calibration=calibration)
    text = source() if not parsed and not is_variant(doc) and calibration is None else None
    _AS_LOADED[id(scenario)] = (text, scenario.spec)
    weakref.finalize(scenario, _AS_LOADED.pop, id(scenario), None)
    return scenario


def _file_bytes(name: str) -> bytes | None:
    """The file just parsed, as bytes, kept as the scenario's text (None if it went away)."""
    try:
        with open(name, "rb") as handle:
            return handle.read()
    except OSError:
        return None


# What each live scenario this loader made was loaded from: the bytes of its text when that
# text alone loads to it (a self-contained file or string, no settings), else None, with the
# spec it was loaded as. Keyed by id (a Scenario holds dicts, so it does not hash); an entry
# goes with its scenario (weakref.finalize).
_AS_LOADED: dict[int, tuple[bytes | None, ScenarioSpec]] = {}


def loaded_text(scenario: Scenario) -> tuple[bool, bytes | None]:
    """(whether this loader made ``scenario`` in this process, the text it was loaded from
    when that text alone loads to it). A batch records the scenario as run from this instead
    of reading and compiling its file again (36-56 ms a batch, issue #14)."""
    kept = _AS_LOADED.get(id(scenario))
    if kept is None or kept[1] is not scenario.spec:
        return False, None
    return True, kept[0]


def compilations() -> int:
    """How many scenarios this process has validated and compiled from YAML or data: a
    command compiles each scenario it runs once (tests and benchmarks check it)."""
    return _COMPILED[0]


_COMPILED = [0]


def is_variant(doc: SourceDocument) -> bool:
    """Whether a document extends another file (so it is not self-contained)."""
    return isinstance(doc.data, dict) and "extends" in doc.data


def _with_settings(doc: SourceDocument, settings: SettingsArg) -> SourceDocument:
    parsed = [s if isinstance(s, Setting) else parse_setting(s) for s in settings]
    return apply_settings(doc, parsed) if parsed else doc


def _layers(doc: SourceDocument, seen: tuple[str, ...] = ()
            ) -> tuple[SourceDocument, list[Setting]]:
    """A variant (``extends`` + ``set``) as the file at the bottom of its ``extends`` chain
    and the settings of the variants above it, the bottom's first (a calibrated file's values
    go in before them); a document that extends nothing, with no settings."""
    if not is_variant(doc):
        return doc, []
    data = doc.data

    def fail(path: tuple[str, ...], message: str) -> ScenarioError:
        return ScenarioError([Problem(doc.locate(path), path, message)])

    base_name = data["extends"]
    if not isinstance(base_name, str) or not base_name.strip():
        raise fail(("extends",), "give the base scenario's file name, relative to this file")
    base = os.path.normpath(os.path.join(os.path.dirname(doc.file), base_name))
    if base in seen or len(seen) >= MAX_EXTENDS:
        raise fail(("extends",), f"variants extend each other in a loop or too deep "
                   f"({' -> '.join((*seen, base))}); extend the base scenario directly")
    if not os.path.isfile(base):
        raise fail(("extends",), f"no file {base}; the path is relative to this file's folder")
    changes = data.get("set", {})
    if not isinstance(changes, dict):
        raise fail(("set",), "'set' maps field paths to values, e.g. "
                   "actors.iran.policies.avenges.probability: 0.5")
    settings = [Setting(str(key), _relative_to(doc, key, value), doc.locate_key((key,)))
                for key, value in data.items() if key not in ("extends", "set")]
    settings += [Setting(str(key), value, doc.locate_key(("set", key)))
                 for key, value in changes.items()]
    root, below = _layers(read_yaml(base), (*seen, doc.file))
    return root, [*below, *settings]


def _relative_to(doc: SourceDocument, key: object, value: Any) -> Any:
    """A variant's value as the base should see it: a calibrated file named relative to the
    variant's folder becomes a path that does not depend on the folder it is read from."""
    if key == FIELD and isinstance(value, str) and value.strip():
        return os.path.abspath(os.path.join(os.path.dirname(doc.file), value))
    return value


def dump_scenario(scenario: Scenario | ScenarioSpec) -> str:
    """YAML text that loads back to an equal scenario (fields left at defaults omitted)."""
    spec = scenario.spec if isinstance(scenario, Scenario) else scenario
    data = spec.model_dump(mode="json", exclude_unset=True)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def _from_document(doc: SourceDocument) -> Scenario:
    _COMPILED[0] += 1
    spec = validate_spec(doc)
    if isinstance(spec, list):
        raise ScenarioError(spec)
    try:
        scenario = compile_scenario(spec, doc.file)
    except ScenarioError as error:
        raise ScenarioError(_locate(problem, doc) for problem in error.problems) from None
    if not scenario.warnings:
        return scenario
    return replace(scenario, warnings=tuple(_locate(warning, doc) for warning in scenario.warnings))


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
