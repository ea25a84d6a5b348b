"""Validate plain data against the scenario schema, explaining each fault in plain words.

Pydantic reports faults with machine locations (union branches, tags) and terse messages;
here each becomes a ``Problem`` at the real path in the file, with what was expected and,
for misspelt keys and names, a "did you mean".
"""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from escalation.errors import Path, Problem, did_you_mean
from escalation.scenario.distributions import DISTRIBUTION_NAMES
from escalation.scenario.schema import ScenarioSpec
from escalation.scenario.schema_policies import POLICY_NAMES, REGISTERED_POLICIES, Rule
from escalation.scenario.yamlsource import SourceDocument

_SCALAR_ERRORS = {"float_type", "float_parsing", "int_type", "int_parsing", "string_type",
                  "bool_type", "bool_parsing", "int_from_float", "none_required"}
_DISTRIBUTION_HINT = ("expected a number, or a distribution mapping such as "
                      "{dist: uniform, low: 0, high: 1} (dist: " + ", ".join(DISTRIBUTION_NAMES) + ")")


def validate_spec(doc: SourceDocument) -> ScenarioSpec | list[Problem]:
    """The validated spec, or the problems found, each located in the document."""
    try:
        return ScenarioSpec.model_validate(doc.data)
    except ValidationError as error:
        return explain_all(error, doc)


def explain_all(error: ValidationError, doc: SourceDocument) -> list[Problem]:
    grouped: dict[Path, list[Any]] = {}
    for item in error.errors(include_url=False):
        path = _real_path(item["loc"], doc.data, item["type"])
        grouped.setdefault(path, []).append(item)
    problems = []
    for path, items in grouped.items():
        for item in _best(items, _value_at(doc.data, path)):
            located = doc.locate_key(path) if item["type"] == "extra_forbidden" else doc.locate(path)
            problems.append(Problem(located, path, _message(item, path, doc.data)))
    return problems


def _real_path(loc: tuple[Any, ...], data: Any, kind: str) -> Path:
    """Drop pydantic's union-branch and tag entries, keeping only keys present in the data."""
    path: list[str | int] = []
    node = data
    for index, part in enumerate(loc):
        last = index == len(loc) - 1
        in_dict = isinstance(node, dict) and part in node
        if in_dict or (isinstance(node, list) and isinstance(part, int) and part < len(node)):
            node = node[part]
        elif last and kind == "missing":
            pass
        else:
            continue
        path.append(part)
    return tuple(path)


def _value_at(data: Any, path: Path) -> Any:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _best(items: list[Any], value: Any) -> list[Any]:
    """Of the errors several union branches gave for one value, those that fit its shape."""
    if len(items) == 1:
        return items
    if isinstance(value, dict):
        structural = [i for i in items if i["type"] not in _SCALAR_ERRORS]
        return structural or items[:1]
    scalar = [i for i in items if i["type"] in _SCALAR_ERRORS]
    if scalar:
        return [{**scalar[0], "type": "number_or_distribution"}]
    return items[:1]


def _message(item: Any, path: Path, data: Any) -> str:
    kind, ctx, value = item["type"], item.get("ctx") or {}, item.get("input")
    name = str(path[-1]) if path else "document"
    if kind == "missing":
        return f"required field '{name}' is missing; add `{name}: ...`"
    if kind == "extra_forbidden":
        allowed = _allowed_fields(path[:-1], data)
        hint = did_you_mean(name, allowed)
        return f"unknown field '{name}'{hint}; allowed fields: {', '.join(allowed)}"
    if kind == "union_tag_invalid":
        return _unknown_tag(str(ctx.get("tag")), path)
    if kind == "union_tag_not_found":
        return f"a distribution needs a `dist:` key, one of {', '.join(DISTRIBUTION_NAMES)}"
    if kind == "number_or_distribution":
        return f"{_DISTRIBUTION_HINT}; got {value!r}"
    if kind == "literal_error":
        expected = str(ctx.get("expected", ""))
        options = [o.strip(" '") for o in expected.replace(" or ", ",").split(",")]
        return f"expected {expected}; got {value!r}{did_you_mean(str(value), options)}"
    if kind == "string_pattern_mismatch":
        return f"'{value}' is not a valid id; use lowercase letters, digits and underscores"
    if kind == "finite_number":
        return f"must be a finite number; got {value!r}"
    if kind in _SCALAR_ERRORS:
        wanted = {"s": "text", "b": "true or false", "i": "a whole number"}.get(kind[0], "a number")
        return f"expected {wanted}; got {value!r}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"expected a mapping of fields; got {value!r}"
    if kind in ("list_type", "tuple_type"):
        return f"expected a list; got {value!r}"
    message = str(item["msg"]).removeprefix("Value error, ")
    return f"{message[0].lower()}{message[1:]}; got {value!r}" if value is not None else message


def _unknown_tag(tag: str, path: Path) -> str:
    if "dist" in path or (tag not in POLICY_NAMES and tag in DISTRIBUTION_NAMES):
        return f"unknown distribution '{tag}'{did_you_mean(tag, DISTRIBUTION_NAMES)}"
    return (f"unknown policy '{tag}'{did_you_mean(tag, POLICY_NAMES)}; registered policies: "
            f"{', '.join(POLICY_NAMES)}, or a rule with `when:` and `do:`")


def _allowed_fields(path: Path, data: Any) -> list[str]:
    """Field names of the model that the mapping at ``path`` is validated against."""
    annotation: Any = ScenarioSpec
    node = data
    for part in path:
        annotation = _model_of(annotation, node)
        annotation = _member_type(annotation, part)
        node = _value_at(node, (part,))
    model = _model_of(annotation, node)
    if isinstance(model, type) and issubclass(model, BaseModel):
        return list(model.model_fields)
    return []


def _member_type(annotation: Any, part: str | int) -> Any:
    """The annotation of field or item ``part`` of a model or container annotation."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        field = annotation.model_fields.get(str(part))
        return field.annotation if field else None
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is dict:
        return args[1]
    if origin in (list, tuple):
        return args[0]
    return None


def _model_of(annotation: Any, node: Any) -> Any:
    """Unwrap Annotated/Optional/unions to the member that fits ``node``."""
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        members = [_model_of(m, node) for m in typing.get_args(annotation)]
        models = [m for m in members if isinstance(m, type) and issubclass(m, BaseModel)]
        containers = [m for m in members if typing.get_origin(m) in (dict, list, tuple)]
        if isinstance(node, dict):
            if "policy" in node:
                return next((p for p in REGISTERED_POLICIES
                             if p.model_fields["policy"].annotation.__args__[0] == node["policy"]),  # type: ignore[union-attr]
                            Rule)
            if any("when" in m.model_fields and "do" in m.model_fields for m in models):
                return Rule
            for model in models:
                if "dist" in model.model_fields and node.get("dist") == _literal(model):
                    return model
            return models[0] if models else annotation
        return containers[0] if containers else annotation
    return annotation


def _literal(model: type[BaseModel]) -> Any:
    return typing.get_args(model.model_fields["dist"].annotation)[0]
