"""Changing one assumption: ``path=value`` settings applied to a scenario's data before it is
validated, from the command line (``--set``) or from a variant file (``extends:`` + ``set:``).

Paths name fields the way parameter columns do: ``actors.iran.policies.avenges.probability``
(list entries by their ``id`` or by ``[index]``), or by a unique end of that name
(``avenges.probability``). Values are YAML, so a setting can pin a
number (``=0.5``), restore uncertainty (``={dist: uniform, low: 0, high: 1}``) or replace a
list (``=[]``). A setting applies to the validated document, so every check of the format
still runs, and its faults are reported at the setting, not in the file it changes.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from escalation.errors import Location, Path, Problem, ScenarioError, did_you_mean, format_path
from escalation.scenario.distributions import LogNormal
from escalation.scenario.standard import standard_data
from escalation.scenario.time_defaults import (
    DELIBERATION_HOURS,
    PERCEPTION_DELAY_HOURS,
    RELAY_DELAY_HOURS,
)
from escalation.scenario.yamlsource import SourceDocument

_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


@dataclass(frozen=True)
class Setting:
    """One ``path=value`` change and where it was written (for messages)."""

    path: str
    value: Any
    location: Location

    def __str__(self) -> str:
        return f"{self.path}={yaml.safe_dump(self.value, default_flow_style=True).strip()}"


def parse_setting(text: str, origin: str = "--set") -> Setting:
    """``'path=value'`` from the command line, the value read as YAML (safely)."""
    where = Location(f"{origin} '{text}'", 1, 1)
    path, equals, value = text.partition("=")
    if not equals or not path.strip():
        raise ScenarioError([Problem(where, (text,), "expected PATH=VALUE, e.g. "
                                     "actors.iran.policies.avenges.probability=0.5")])
    try:
        parsed = yaml.safe_load(value) if value.strip() else None
    except yaml.YAMLError as error:
        raise ScenarioError([Problem(where, (path,), f"the value is not valid YAML "
                                     f"({getattr(error, 'problem', None) or error}); quote "
                                     "text and write distributions as {dist: uniform, low: 0, high: 1}")
                             ]) from None
    if parsed is None:
        raise ScenarioError([Problem(where, (path,), "the value is empty; give a number, a text, a "
                                     "list or a distribution after '='")])
    return Setting(path.strip(), parsed, Location(where.file, 1, len(path) + 2))


def split_path(text: str) -> list[str | int]:
    """``'a.b[2].c'`` as ``['a', 'b', 2, 'c']``; ``ValueError`` when it is not a path."""
    parts: list[str | int] = []
    position = 0
    while position < len(text):
        if text[position] == "." and parts:
            position += 1
        match = _PART.match(text, position)
        if match is None:
            raise ValueError(f"'{text}' is not a field path (expected names joined by '.', "
                             "list entries as [index] or by their id)")
        parts.append(match.group(1) if match.group(1) is not None else int(match.group(2)))
        position = match.end()
    if not parts:
        raise ValueError("the field path is empty")
    return parts


def apply_settings(doc: SourceDocument, settings: Iterable[Setting]) -> SourceDocument:
    """A copy of ``doc`` with every setting applied; all faults reported together."""
    data = copy.deepcopy(doc.data)
    values = dict(doc.values)
    problems: list[Problem] = []
    for setting in settings:
        try:
            path = _resolve(data, setting.path)
        except _Unresolved as error:
            problems.append(Problem(setting.location, (setting.path,), str(error)))
            continue
        _assign(data, path, copy.deepcopy(setting.value))
        for known in [p for p in values if p[:len(path)] == path]:
            del values[known]
        for end in range(1, len(path) + 1):  # sections the setting created are located at it
            values.setdefault(path[:end], setting.location)
    if problems:
        raise ScenarioError(problems)
    return SourceDocument(data, doc.file, values, {k: v for k, v in doc.keys.items() if k in values})


class _Unresolved(Exception):
    pass


def _resolve(data: Any, text: str) -> Path:
    """The document path a field path names; a missing last mapping key is allowed (new).
    A path whose first name is not a section may be the unique end of a longer one:
    ``avenges.probability`` for ``actors.iran.policies.avenges.probability``."""
    try:
        parts = split_path(text)
    except ValueError as error:
        raise _Unresolved(str(error)) from None
    if isinstance(data, dict) and parts[0] not in data:
        found = [(name, path) for name, path in _named_paths(data) if name.endswith(f".{text}")]
        if len(found) > 1:
            raise _Unresolved(f"'{text}' ends {len(found)} paths ("
                              f"{', '.join(name for name, _ in found[:4])}); give more of it")
        if found:
            return found[0][1]
    node: Any = data
    path: list[str | int] = []
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        if isinstance(node, dict):
            kept = _default_delay((*path, part), parts[index + 1:])
            if part not in node and not (last or (not path and _creatable(parts[index + 1:]))
                                         or _standard_entry(path, part) or kept is not None):
                raise _Unresolved(_missing(path, part, node))
            key: str | int = str(part)
            if key not in node and not last:  # a section the file left out: a delay at its
                # default (to set its median), a standard kind or ladder (to change a field
                # of), or an optional section
                standard = standard_data((*map(str, path), str(key)))
                node[key] = kept if kept is not None else \
                    standard if isinstance(standard, dict) else {}
        elif isinstance(node, list):
            key = _entry(node, part, path)
        else:
            raise _Unresolved(f"'{format_path(tuple(path))}' is a value, not a section: it has "
                              f"no field '{part}'")
        path.append(key)
        if not last:
            node = node[key]
    return tuple(path)


def _named_paths(node: Any, name: str = "", path: Path = ()) -> Iterator[tuple[str, Path]]:
    """Every place in the document, named as settings and parameter columns name it."""
    if path:
        yield name, path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _named_paths(value, f"{name}.{key}" if name else str(key), (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            label = value.get("id") if isinstance(value, dict) else None
            step = f".{label}" if isinstance(label, str) else f"[{index}]"
            yield from _named_paths(value, name + step, (*path, index))


# Delays an actor may leave out, by their place below the actor: a setting of one's median
# (``actors.iran.deliberation_hours.median``, as calibration sets it) starts from the default.
_DEFAULT_DELAYS: dict[tuple[str | int, ...], LogNormal] = {
    ("deliberation_hours",): DELIBERATION_HOURS, ("relay_delay_hours",): RELAY_DELAY_HOURS,
    ("perception", "delay_hours"): PERCEPTION_DELAY_HOURS}


def _default_delay(path: Sequence[str | int], rest: Sequence[str | int]) -> dict[str, Any] | None:
    """What a setting that goes on with ``rest`` creates at the missing section ``path``,
    when it names the median of a delay the actor leaves at its default: the default, as a
    file writes it (an empty section on the way to it, such as ``perception``)."""
    if len(path) < 3 or path[0] != "actors" or list(rest[-1:]) != ["median"]:
        return None
    default = _DEFAULT_DELAYS.get((*path[2:], *rest[:-1]))
    if default is None:
        return None
    return default.model_dump(mode="json") if len(rest) == 1 else {}


def _standard_entry(path: Sequence[str | int], part: str | int) -> bool:
    """A standard action kind the file does not redefine: a setting may change one field."""
    return tuple(path) == ("action_kinds",) and standard_data(("action_kinds", str(part))) is not None


def _creatable(rest: Sequence[str | int]) -> bool:
    return all(isinstance(part, str) for part in rest)


def _entry(entries: list[Any], part: str | int, path: list[str | int]) -> int:
    if isinstance(part, int):
        if part < len(entries):
            return part
        raise _Unresolved(f"'{format_path(tuple(path))}' has {len(entries)} entries; "
                          f"[{part}] is out of range")
    ids = [e.get("id") for e in entries if isinstance(e, dict)]
    for position, entry in enumerate(entries):
        if isinstance(entry, dict) and entry.get("id") == part:
            return position
    named = ", ".join(str(i) for i in ids if i) or "none has an id; use [index]"
    raise _Unresolved(f"no entry with id '{part}' in '{format_path(tuple(path))}'"
                      f"{did_you_mean(str(part), [str(i) for i in ids if i])}; ids: {named}")


def _missing(path: list[str | int], part: str | int, node: Mapping[str, Any]) -> str:
    where = format_path(tuple(path)) if path else "the scenario"
    names = sorted(map(str, node))
    if tuple(path) == ("action_kinds",):  # a setting may also change a standard kind
        standard = standard_data(("action_kinds",))
        names = sorted({*names, *(standard if isinstance(standard, dict) else ())})
    return (f"'{where}' has no field '{part}'{did_you_mean(str(part), names)}; "
            f"its fields: {', '.join(names) or 'none'}")


def _assign(data: Any, path: Path, value: Any) -> None:
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
