"""The generated reference of the scenario format: ``docs/reference.md``.

Everything here is read from live objects, so the page cannot drift from the code: the
pydantic models of the format (``escalation/scenario/schema*.py``), the policy registry
(``escalation/policies/registry.py``), the standard vocabulary
(``escalation/data/standard.yaml``) and the names conditions may read
(``escalation/model/namespace.py``). ``tests/test_docs.py`` checks that the committed page
equals ``render_reference()``.

    python -m escalation.reference                            # print the page
    python -m escalation.reference --write docs/reference.md  # rewrite it
"""

from __future__ import annotations

import argparse
import inspect
import json
import math
import re
import sys
import types
import typing
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeGuard

import annotated_types
import yaml
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from escalation.errors import ScenarioError
from escalation.model.namespace import policy_names, summary_names
from escalation.policies.registry import POLICIES
from escalation.scenario import schema_orders
from escalation.scenario.condition_parser import FUNCTIONS, MAX_DEPTH, MAX_LENGTH
from escalation.scenario.conditions import KEYWORDS
from escalation.scenario.distributions import DISTRIBUTION_NAMES, Distribution, _Distribution
from escalation.scenario.loader import scenario_from_dict
from escalation.scenario.schema import Effect, ScenarioSpec
from escalation.scenario.schema_orders import TARGET_ROLES
from escalation.scenario.schema_policies import PolicySpec
from escalation.scenario.standard import standard_kinds, standard_ladder, standard_outcomes

FORMAT_DOC = "scenario-format.md"
COMMAND = "python -m escalation.reference --write docs/reference.md"

# Named types of the format, shown by name instead of by their expansion.
_ALIASES: tuple[tuple[object, str], ...] = (
    (schema_orders.Probability, "[probability](#types)"),
    (schema_orders.Num, "[parameter](#types)"),
    (schema_orders.Variate, "[variate](#types)"),
    (schema_orders.Identifier, "[id](#types)"),
    (schema_orders.Condition, "[condition](#types)"),
    (schema_orders.Target, "[target](#targets)"),
    (schema_orders.OrderList, "list of [order](#order) (at least 1)"),
    (Distribution, "[distribution](#distributions)"),
    (PolicySpec, "[policy](#policies)"),
)
_SCALARS: dict[object, str] = {float: "number", int: "integer", str: "text", bool: "boolean",
                               type(None): "null"}
_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")


# -- small renderers -----------------------------------------------------------------------
def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return " ".join(text.split()).replace("|", "\\|")


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(value) for value in row) + " |" for row in rows]
    return [*lines, ""]


def _number(value: float) -> str:
    if math.isinf(value):
        return ".inf" if value > 0 else "-.inf"
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _flow(value: Any) -> str:
    """A value written as compact flow-style YAML, as an author would type it."""
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json", exclude_unset=True)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return _number(float(value))
    if isinstance(value, str):
        plain = _IDENTIFIER.match(value) and yaml.safe_load(value) == value
        return value if plain else json.dumps(value, ensure_ascii=False)
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{key}: {_flow(item)}" for key, item in value.items()) + "}"
    if isinstance(value, list | tuple | set | frozenset):
        return "[" + ", ".join(_flow(item) for item in value) + "]"
    return str(value)


def _code(text: str) -> str:
    return f"`{text}`"


def _summary(doc: str | None) -> str:
    """The first paragraph of a docstring, on one line, with Markdown code spans."""
    if not doc:
        return ""
    return " ".join(inspect.cleandoc(doc).split("\n\n")[0].split()).replace("``", "`")


def _own_doc(cls: type) -> str | None:
    """A class's own docstring (pydantic and ``object`` docstrings are not inherited here)."""
    doc = cls.__dict__.get("__doc__")
    return doc if isinstance(doc, str) else None


def _anchor(cls: type) -> str:
    return cls.__name__.lower()


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


# -- types ---------------------------------------------------------------------------------
def _alias(hint: object) -> str | None:
    for alias, text in _ALIASES:
        if hint is alias or hint == alias:
            return text
    return None


def _is_model(hint: object) -> TypeGuard[type[BaseModel]]:
    return isinstance(hint, type) and issubclass(hint, BaseModel)


def _type(hint: object) -> str:
    """A readable name for a type hint of the format."""
    named = _alias(hint)
    if named is not None:
        return named
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is typing.Annotated:
        return _type(args[0])
    if origin is typing.Literal:
        return " | ".join(_code(_flow(arg)) for arg in args)
    if origin in (typing.Union, types.UnionType):
        parts = [_type(arg) for arg in args if arg is not type(None)]
        return " | ".join(parts + (["null"] if type(None) in args else []))
    if origin in (list, tuple):
        return f"list of {_type(args[0])}"
    if origin is dict:
        return f"map of name → {_type(args[1])}"
    if hint in _SCALARS:
        return _SCALARS[hint]
    if isinstance(hint, type) and issubclass(hint, _Distribution):
        return "[distribution](#distributions)"
    if _is_model(hint):
        return f"[{_snake(hint.__name__).replace('_', ' ')}](#{_anchor(hint)})"
    return str(hint)


def _is_text(hint: object) -> bool:
    """Whether a hint is text, possibly optional or annotated."""
    if hint is str:
        return True
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is typing.Annotated:
        return _is_text(args[0])
    if origin in (typing.Union, types.UnionType):
        return any(_is_text(arg) for arg in args if arg is not type(None))
    return False


def _alias_metadata(hint: object) -> list[object]:
    """Constraints that come with a named type; its name already stands for them."""
    if _alias(hint) is None or typing.get_origin(hint) is not typing.Annotated:
        return []
    return [m for info in typing.get_args(hint)[1:] if isinstance(info, FieldInfo) for m in info.metadata]


def _constraints(info: FieldInfo, hint: object) -> str:
    """Bounds and lengths the schema enforces on a field, such as ``(≥ 0, ≤ 1)``."""
    implied = _alias_metadata(hint)
    found = _bounds([item for item in info.metadata if item not in implied], _is_text(hint))
    return f" ({', '.join(found)})" if found else ""


def _bounds(metadata: Sequence[object], text: bool) -> list[str]:
    """Readable constraints from pydantic field metadata."""
    def count(n: int) -> str:
        if text:
            return f"{n} character" + ("" if n == 1 else "s")
        return f"{n} entr" + ("y" if n == 1 else "ies")

    found = []
    for item in metadata:
        if isinstance(item, annotated_types.Ge):
            found.append(f"≥ {_flow(item.ge)}")
        elif isinstance(item, annotated_types.Gt):
            found.append(f"> {_flow(item.gt)}")
        elif isinstance(item, annotated_types.Le):
            found.append(f"≤ {_flow(item.le)}")
        elif isinstance(item, annotated_types.Lt):
            found.append(f"< {_flow(item.lt)}")
        elif isinstance(item, annotated_types.MinLen):
            found.append(f"at least {count(item.min_length)}")
        elif isinstance(item, annotated_types.MaxLen):
            found.append(f"at most {count(item.max_length)}")
        elif isinstance(pattern := getattr(item, "pattern", None), str):
            found.append(f"matches {_code(pattern)}")
    return found


def _generic_descriptions() -> set[str]:
    """Descriptions that belong to a named type (Num, Variate, ...), not to a field."""
    found = set()
    for alias, _ in _ALIASES:
        for item in typing.get_args(alias)[1:]:
            if isinstance(item, FieldInfo) and item.description:
                found.add(item.description)
    return found


@dataclass(frozen=True)
class FieldRow:
    """One field of one model, as the reference shows it."""

    name: str
    type: str
    default: str
    required: bool
    description: str


def field_rows(model: type[BaseModel]) -> list[FieldRow]:
    """Every field of ``model`` with its type, default, whether required and description."""
    hints = typing.get_type_hints(model, include_extras=True)
    generic = _generic_descriptions()
    rows = []
    fields = sorted(model.model_fields.items(), key=lambda item: item[0] not in ("policy", "dist"))
    for name, info in fields:
        hint = hints[name]
        kind = _type(hint) + _constraints(info, hint)
        if info.is_required():
            default = "—"
        elif info.default_factory is not None:
            made = info.default_factory()  # type: ignore[call-arg]
            default = _flow(made)
            if default == "{}" and isinstance(made, BaseModel):
                default = "all defaults"
        else:
            default = _flow(info.default)
        description = info.description or ""
        if description in generic:
            description = ""
        rows.append(FieldRow(name, kind, default, info.is_required(), description))
    return rows


def missing_descriptions() -> list[str]:
    """Fields of the scenario models and policies with no description of their own, as
    ``Model.field``: the gaps the reference cannot fill."""
    models = [entry.model for entry in walk_models(ScenarioSpec)]
    models += [spec for spec in policy_specs().values() if spec not in models]
    gaps = []
    for model in models:
        for row in field_rows(model):
            if not row.description and row.name not in ("policy", "dist"):
                gaps.append(f"{model.__name__}.{row.name}")
    return gaps


# -- where each model appears --------------------------------------------------------------
@dataclass
class Placed:
    """A model of the format and the paths in a scenario file where it appears."""

    model: type[BaseModel]
    parents: list[tuple[type[BaseModel] | None, str]] = field(default_factory=list)


def _models_in(hint: object, suffix: str) -> Iterator[tuple[type[BaseModel], str]]:
    """Models reachable from a field's type, with the path suffix that reaches them."""
    if _is_model(hint):
        if not issubclass(hint, _Distribution):
            yield hint, suffix
        return
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is typing.Annotated:
        yield from _models_in(args[0], suffix)
    elif origin in (typing.Union, types.UnionType):
        for arg in args:
            yield from _models_in(arg, suffix)
    elif origin in (list, tuple):
        yield from _models_in(args[0], suffix + "[]")
    elif origin is dict:
        yield from _models_in(args[1], suffix + ".<id>")


def walk_models(root: type[BaseModel]) -> list[Placed]:
    """Every model reachable from ``root``, in the order of first appearance (depth first)."""
    placed: dict[type[BaseModel], Placed] = {root: Placed(root, [(None, "")])}

    def visit(model: type[BaseModel]) -> None:
        hints = typing.get_type_hints(model, include_extras=True)
        for name in model.model_fields:
            for child, suffix in _models_in(hints[name], name):
                seen = child in placed
                entry = placed.setdefault(child, Placed(child))
                if (model, suffix) not in entry.parents:
                    entry.parents.append((model, suffix))
                if not seen:
                    visit(child)

    visit(root)
    return list(placed.values())


def _prefixes(placed: list[Placed]) -> dict[type[BaseModel], str]:
    """The path prefix of each model's fields: a real path when the model appears in one
    place, else a placeholder such as ``<order>``."""
    by_model = {p.model: p for p in placed}
    prefixes: dict[type[BaseModel], str] = {}

    def prefix(model: type[BaseModel]) -> str:
        if model not in prefixes:
            parents = by_model[model].parents
            if len(parents) == 1:
                parent, suffix = parents[0]
                head = prefix(parent) if parent is not None else ""
                prefixes[model] = f"{head}.{suffix}" if head and suffix else head or suffix
            else:
                prefixes[model] = f"<{_snake(model.__name__)}>"
        return prefixes[model]

    for entry in placed:
        prefix(entry.model)
    return prefixes


def _locations(entry: Placed, prefixes: Mapping[type[BaseModel], str]) -> list[str]:
    paths = []
    for parent, suffix in entry.parents:
        head = prefixes[parent] if parent is not None else ""
        path = f"{head}.{suffix}" if head else suffix
        if path not in paths:
            paths.append(path)
    return paths


# -- policies and distributions ------------------------------------------------------------
def policy_specs() -> dict[str, type[BaseModel]]:
    """The YAML model of each policy name, read from the tagged union ``PolicySpec``."""
    union = typing.get_args(PolicySpec)[0]
    specs = {}
    for member in typing.get_args(union):
        cls, *metadata = typing.get_args(member)
        tag = next(item.tag for item in metadata if hasattr(item, "tag"))
        specs[tag] = cls
    return specs


def distribution_models() -> list[type[BaseModel]]:
    union = typing.get_args(Distribution)[0]
    return list(typing.get_args(union))


def _placeholder(hint: object) -> Any:
    """A minimal valid value for a required policy field, to compile a policy with it."""
    if hint == schema_orders.Condition:
        return "true"
    if hint == schema_orders.OrderList:
        return [{"action": "statement", "target": None}]
    return {"action": "statement", "target": None}


def default_triggers() -> dict[str, str]:
    """Each policy's trigger when ``when`` is omitted, read from policies compiled without
    one ('' where ``when`` is required)."""
    names, entries = [], []
    for name, spec in policy_specs().items():
        if spec.model_fields["when"].is_required():
            continue
        hints = typing.get_type_hints(spec, include_extras=True)
        entry: dict[str, Any] = {"policy": name}
        for field_name, info in spec.model_fields.items():
            if info.is_required() and field_name != "policy":
                entry[field_name] = _placeholder(hints[field_name])
        names.append(name)
        entries.append(entry)
    data = {"name": "reference", "actors": {"a": {"policies": entries}}}
    try:
        scenario = scenario_from_dict(data)
    except ScenarioError as error:  # pragma: no cover - a new policy needing other fields
        raise RuntimeError(f"cannot compile the policies to read their triggers: {error}") from error
    triggers = {name: "" for name in policy_specs()}
    for name, policy in zip(names, scenario.actors[0].policies, strict=True):
        triggers[name] = policy.trigger.text
    return triggers


# -- sections ------------------------------------------------------------------------------
def _header() -> list[str]:
    return [
        "# Reference",
        "",
        f"<!-- Generated by `{COMMAND}`.",
        "Do not edit by hand: tests/test_docs.py fails when this file differs from what",
        "escalation/reference.py renders. -->",
        "",
        "This page lists every field of a scenario file, every registered policy, the standard",
        "action kinds, the standard ladder and outcome classes, and the names conditions can read.",
        "It is generated from the code (`escalation/reference.py`), so it matches the version in",
        "this checkout. What the fields *do* is explained in",
        f"[the scenario format]({FORMAT_DOC}); how to write a scenario in",
        "[the authoring guide](authoring.md); the modelling choices behind them in",
        "[the modelling assumptions](assumptions.md).",
        "",
        "Contents: [Types](#types) · [Scenario fields](#scenario-fields)",
        "· [Targets](#targets) · [Policies](#policies) · [Distributions](#distributions) ·",
        "[Standard action kinds](#standard-action-kinds) · [Standard ladder](#standard-ladder) ·",
        "[Standard outcome classes](#standard-outcome-classes) ·",
        "[Condition language](#condition-language)",
        "",
    ]


def _types_section() -> list[str]:
    """The named types of the format: what each stands for and the constraints it carries."""
    rows = []
    for alias, text in _ALIASES[:6]:
        info = next(item for item in typing.get_args(alias)[1:] if isinstance(item, FieldInfo))
        label = text.split("]")[0].lstrip("[")
        meaning = (info.description or "").rstrip(".")
        constraints = ", ".join(_bounds(info.metadata, True))
        if constraints:
            meaning = f"{meaning}; {constraints}" if meaning else f"Text: {constraints}"
        rows.append([label, meaning + "."])
    return [
        "## Types",
        "",
        *_table(["type", "meaning"], rows),
        "A *parameter* (or *probability*) is drawn once per run and holds for the whole run; a",
        "*variate* is drawn anew each time it is used. Range checks (for example that a",
        "probability lies in [0, 1] or a delay is not negative) are made when the scenario is",
        "compiled, over the whole range of a distribution: see",
        f"[section 1.4]({FORMAT_DOC}#14-numbers-constants-parameters-and-variates) of the format.",
        "",
        "Columns of the field tables: *path* is where the field sits in the file (`<id>` is any",
        "key of a mapping, `[]` any entry of a list; `<order>` and the like stand for each place",
        "listed under *appears at*). A default of `—` means the field is required.",
        "",
    ]


def _model_section(entry: Placed, prefixes: Mapping[type[BaseModel], str]) -> list[str]:
    model = entry.model
    title = "Top level" if model is ScenarioSpec else model.__name__
    lines = [f"### {title}", ""]
    doc = _summary(_own_doc(model))
    if doc:
        lines += [doc, ""]
    where = _locations(entry, prefixes)
    if model is not ScenarioSpec:
        lines += ["Appears at: " + ", ".join(_code(path) for path in where) + ".", ""]
    prefix = prefixes[model]
    rows = [
        [_code(f"{prefix}.{row.name}" if prefix else row.name), row.type, _code(row.default)
         if row.default not in ("—", "all defaults") else row.default,
         "yes" if row.required else "no", row.description or "—"]
        for row in field_rows(model)
    ]
    lines += _table(["path", "type", "default", "required", "description"], rows)
    return lines


def _fields_section() -> list[str]:
    placed = walk_models(ScenarioSpec)
    prefixes = _prefixes(placed)
    shown = [p for p in placed if p.model not in policy_specs().values()]
    lines = ["## Scenario fields", "",
             "One section per model of the format, in the order they first appear in a file.", ""]
    for entry in shown:
        lines += _model_section(entry, prefixes)
    return lines


def _targets_section() -> list[str]:
    return [
        "## Targets",
        "",
        "An order's `target` is an asset id, an actor id, a role, a",
        "[target selector](#targetselector) mapping, or `null` (a public act with no target; not",
        "allowed for kinetic effects). Roles, resolved from the perceived event that prompted",
        "the decision: " + ", ".join(_code(role) for role in TARGET_ROLES) + ". See",
        f"[section 2.9.2]({FORMAT_DOC}#292-targets) of the format for what each resolves to.",
        "",
    ]


def _policies_section() -> list[str]:
    specs = policy_specs()
    triggers = default_triggers()
    lines = [
        "## Policies",
        "",
        "The registered policies (`escalation.policies.registry.POLICIES`), in registry order.",
        "An entry of `actors.<id>.policies` names one with `policy:`; an entry without `policy:`",
        "is a `rule`. The engine asks an actor's policies in list order (see",
        f"[section 2.5]({FORMAT_DOC}#25-policies) of the format).",
        "",
    ]
    lines += _table(
        ["policy", "summary", "default `when`"],
        [[_code(name), _summary(_own_doc(cls) or sys.modules[cls.__module__].__doc__),
          _code(triggers[name]) if triggers.get(name) else "required"]
         for name, cls in POLICIES.items()],
    )
    for name, cls in POLICIES.items():
        spec = specs[name]
        lines += [f"### {name}", ""]
        summary = _summary(_own_doc(cls) or sys.modules[cls.__module__].__doc__)
        spec_doc = _summary(_own_doc(spec))
        lines += [line for line in (summary, spec_doc) if line]
        lines.append("")
        traits = ", ".join(f"{key}: {_flow(value)}" for key, value in sorted(cls.traits.items()))
        lines += [
            f"- Implementation: `{cls.__module__}.{cls.__name__}`; YAML model: "
            f"`{spec.__module__}.{spec.__name__}`.",
            f"- Traits: {traits}.",
            "- Default `when`: " + (_code(triggers[name]) if triggers.get(name) else "none; "
                                    "`when` is required") + ".",
            "",
        ]
        rows = [[_code(row.name), row.type, _code(row.default) if row.default not in (
            "—", "all defaults") else row.default, "yes" if row.required else "no",
            row.description or "—"] for row in field_rows(spec)]
        lines += _table(["field", "type", "default", "required", "description"], rows)
    return lines


def _distributions_section() -> list[str]:
    lines = [
        "## Distributions",
        "",
        "Any parameter or variate may be given as a mapping with a `dist` key instead of a",
        "number. Available: " + ", ".join(_code(name) for name in DISTRIBUTION_NAMES) + ".",
        "",
    ]
    for model in distribution_models():
        name = typing.get_args(model.model_fields["dist"].annotation)[0]
        lines += [f"### dist: {name}", "", _summary(_own_doc(model)), ""]
        rows = [[_code(row.name), row.type, row.default if row.default == "—" else
                 _code(row.default), "yes" if row.required else "no"]
                for row in field_rows(model) if row.name != "dist"]
        lines += _table(["field", "type", "default", "required"], rows)
    return lines


def _kinds_section() -> list[str]:
    shown = ("effect", "cameo", "goldstein", "rung", "description", "source")
    rows = []
    for kid, kind in standard_kinds().items():
        other = ", ".join(f"{name}: {_flow(getattr(kind, name))}"
                          for name in type(kind).model_fields if name in kind.model_fields_set
                          and name not in shown)
        rows.append([_code(kid), _code(kind.effect), _code(kind.cameo) if kind.cameo else "—",
                     _flow(kind.goldstein), str(kind.rung), kind.description, other or "—",
                     kind.source or "—"])
    lines = [
        "## Standard action kinds",
        "",
        "Always present (`escalation/data/standard.yaml`); a scenario may add kinds or replace",
        "one by defining its id under `action_kinds`. Goldstein scores run from −10 (conflict)",
        "to +10 (cooperation); an act is *hostile* when its score is below 0.",
        "",
    ]
    lines += _table(["kind", "effect", "CAMEO", "Goldstein", "rung", "description",
                     "other fields", "source"], rows)
    effects = typing.get_args(Effect)
    used = {effect: [kid for kid, kind in standard_kinds().items() if kind.effect == effect]
            for effect in effects}
    lines += ["Effects an action kind may have, and the standard kinds with each:", ""]
    lines += _table(["effect", "standard kinds"],
                    [[_code(effect), ", ".join(_code(k) for k in used[effect]) or "—"]
                     for effect in effects])
    return lines


def _ladder_section() -> list[str]:
    ladder = standard_ladder()
    lines = ["## Standard ladder", "", "Used when a scenario has no `ladder`.", ""]
    lines += _table(["rung", "name", "description"],
                    [[str(index), rung.name, rung.description]
                     for index, rung in enumerate(ladder.rungs)])
    lines += _table(["threshold", "rung"],
                    [[_code(name), str(getattr(ladder, name))]
                     for name in ("nationals_killed", "homeland_struck", "mutual_homeland", "war_deaths")])
    return lines


def _outcomes_section() -> list[str]:
    lines = ["## Standard outcome classes", "",
             "Used when a scenario has no `outcomes`; checked in this order.", ""]
    lines += _table(["id", "when", "terminal", "description"],
                    [[_code(o.id), _code(o.when), "yes" if o.terminal else "no", o.description]
                     for o in standard_outcomes()])
    return lines


def _conditions_section() -> list[str]:
    policy = policy_names(["<actor>"], ["<item>"])
    outcome = summary_names(["<actor>"])
    functions = ", ".join(
        f"`{name}` ({low}{'' if high == low else ' or more' if high is None else f'–{high}'} "
        f"argument{'s' if (high or 2) > 1 else ''})"
        for name, (low, high) in sorted(FUNCTIONS.items()))
    lines = [
        "## Condition language",
        "",
        f"Keywords: {', '.join(_code(k) for k in sorted(KEYWORDS))}. Functions: {functions}.",
        f"An expression is at most {MAX_LENGTH} characters long and nested at most {MAX_DEPTH}",
        f"levels deep. Grammar and semantics: [section 3]({FORMAT_DOC}#3-the-condition-language)",
        "of the format.",
        "",
        "### Names for policy conditions",
        "",
        "Readable in a policy's `when`, `red_line`, `issue_when` and `reengage_when`. `<actor>` is",
        "any actor id, `<item>` any item in any actor's `inventory`. Meanings:",
        f"[section 3.4]({FORMAT_DOC}#34-names-for-policies) of the format.",
        "",
    ]
    lines += _table(["name", "type"], [[_code(n), str(t)] for n, t in policy.items()])
    lines += [
        "### Names for outcome conditions",
        "",
        "Readable in an outcome class's `when`. Meanings:",
        f"[section 3.5]({FORMAT_DOC}#35-names-for-outcomes) of the format.",
        "",
    ]
    lines += _table(["name", "type"], [[_code(n), str(t)] for n, t in outcome.items()])
    return lines


def render_reference() -> str:
    """The whole of ``docs/reference.md``, as Markdown."""
    lines = [
        *_header(), *_types_section(), *_fields_section(), *_targets_section(),
        *_policies_section(), *_distributions_section(), *_kinds_section(), *_ladder_section(),
        *_outcomes_section(), *_conditions_section(),
    ]
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(line.rstrip() for line in lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Print the reference, or write it with ``--write PATH``."""
    parser = argparse.ArgumentParser(prog="python -m escalation.reference",
                                     description="Render the generated reference (Markdown).")
    parser.add_argument("--write", metavar="PATH", help="write to this file instead of printing")
    args = parser.parse_args(argv)
    text = render_reference()
    if args.write:
        Path(args.write).write_text(text, encoding="utf-8")
        print(f"wrote {args.write}")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
