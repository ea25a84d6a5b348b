"""Scenario conditions and value expressions: parsed once at load, evaluated in the inner loop.

Policy rules (``when: "perceived.deaths > 0 and own.credibility < 0.5"``) and outcome rules
(``max_rung >= 7 or deaths.total >= 300``) are written in a small, safe language: literals,
dotted names, ``or and not``, comparisons and ``in [...]``, ``+ - * /``, unary ``-``,
parentheses and ``min max abs``. No ``eval``, ``exec`` or Python ``ast`` is involved: the
grammar lives in `escalation.scenario.condition_parser`, the tree it builds in
`escalation.scenario.condition_tree`, and the closures a tree compiles into in
`escalation.scenario.evaluation` (compiled with the engine); this module holds the language's
types, errors and tokens, and the ``Expression`` that carries a parsed tree and its closure.

Semantics a scenario author can rely on:

* Every name has a declared type (number, string or boolean) and expressions are
  type-checked at load time; ``and``/``or``/``not`` need booleans (no truthiness).
* ``a / 0`` is ``0.0``: a scenario condition must never crash a simulation run.
* ``and``/``or`` short-circuit; comparisons of floats are plain; they do not chain.

A name missing from the namespace at evaluation time raises ``KeyError``: the engine failed
to supply a value it declared, which is a bug in the engine, not a user error. Namespace
values are trusted to have their declared types; nothing is checked per evaluation.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from escalation.model.vocabulary import ValueType
from escalation.scenario.condition_tree import Binary, Call, Literal, Logical, Membership, Name, Node, Unary
from escalation.scenario.evaluation import BINARY, Evaluator, compile_node

__all__ = [
    "BOOLEAN",
    "NUMBER",
    "STRING",
    "UNKNOWN",
    "Expression",
    "ExpressionError",
    "ValueType",
    "parse_condition",
    "parse_expression",
    "partial",
]

KEYWORDS = frozenset({"and", "or", "not", "in", "true", "false"})

NUMBER = ValueType.NUMBER
STRING = ValueType.STRING
BOOLEAN = ValueType.BOOLEAN


class ExpressionError(ValueError):
    """A mistake in an expression; ``column`` is the 1-based offset of the problem in it."""

    def __init__(self, message: str, column: int, text: str = "") -> None:
        super().__init__(message, column, text)  # args rebuild the error when unpickled
        self.message = message
        self.column = column
        self.text = text

    def __str__(self) -> str:
        if not self.text:
            return self.message
        line = "".join(" " if char.isspace() else char for char in self.text)
        start = max(0, self.column - 60)  # long expressions: show 80 characters around the caret
        shown = ("..." if start else "") + line[start : start + 80]
        caret = " " * (self.column - 1 - start + (3 if start else 0))
        return f"{self.message}\n  {shown}\n  {caret}^"




@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # 'number', 'string', 'name', 'keyword', 'op' or 'end'
    text: str
    start: int  # 0-based offset in the expression

    @property
    def end(self) -> int:
        return self.start + len(self.text)


_NUMBER = re.compile(r"(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
_WORD = re.compile(r"[A-Za-z0-9_.]*")
_OPERATORS = ("==", "!=", "<=", ">=", "<", ">", "+", "-", "*", "/", "(", ")", "[", "]", ",")
_HINTS = {  # two-character entries first: they must win over their one-character prefixes
    "&&": "use 'and' instead of '&&'",
    "||": "use 'or' instead of '||'",
    "=<": "use '<=' instead of '=<'",
    "=>": "use '>=' instead of '=>'",
    "<>": "use '!=' instead of '<>'",
    "&": "use 'and' instead of '&'",
    "|": "use 'or' instead of '|'",
    "!": "use 'not' instead of '!'",
    "=": "use '==' to compare values ('=' alone is not an operator)",
}


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens, ending with an 'end' token that marks where text stops."""
    tokens: list[Token] = []
    position = 0
    while True:
        while position < len(text) and text[position].isspace():
            position += 1
        if position == len(text):
            tokens.append(Token("end", "", position))
            return tokens
        tokens.append(_read_token(text, position))
        position = tokens[-1].end


def _read_token(text: str, start: int) -> Token:
    char = text[start]
    if char in "'\"":
        end = text.find(char, start + 1)
        if end < 0:
            raise ExpressionError(f"unterminated string: add the closing {char}", start + 1, text)
        return Token("string", text[start : end + 1], start)
    if match := _NUMBER.match(text, start):
        return _whole_word(text, Token("number", match.group(), start), "number")
    if match := _NAME.match(text, start):
        kind = "keyword" if match.group() in KEYWORDS else "name"
        return _whole_word(text, Token(kind, match.group(), start), "name")
    return _read_operator(text, start)


def _whole_word(text: str, token: Token, what: str) -> Token:
    """Reject '3x', '1e', 'own.' or 'a..b' as one bad word rather than two odd tokens."""
    word_end = _WORD.match(text, token.end)
    if word_end is None or word_end.end() == token.end:
        return token
    word = text[token.start : word_end.end()]
    rule = " (names are letters, digits and '_' between single dots)" if what == "name" else ""
    raise ExpressionError(f"invalid {what} '{word}'{rule}", token.start + 1, text)


def _read_operator(text: str, start: int) -> Token:
    for width in (2, 1):
        candidate = text[start : start + width]
        if candidate in _OPERATORS:
            return Token("op", candidate, start)
        if candidate in _HINTS and len(candidate) == width:
            raise ExpressionError(_HINTS[candidate], start + 1, text)
    raise ExpressionError(f"unexpected character {text[start]!r}", start + 1, text)


class _Unknown:
    """A value not known yet: the result of ``partial`` where the names it lacks matter."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = _Unknown()


def partial(node: Node, known: Mapping[str, Any]) -> Any:
    """The value of ``node`` from the names in ``known`` alone, or ``UNKNOWN`` when it depends
    on others: three-valued (Kleene) logic, so that ``false and x`` is false and ``true or x``
    true whatever ``x`` is. Sound: a known result is the one ``evaluate`` gives for every
    value the missing names could take (which is what lets the engine skip work on it)."""
    match node:
        case Literal(value):
            return value
        case Name(name):
            return known.get(name, UNKNOWN)
        case Unary(op, operand):
            value = partial(operand, known)
            return value if value is UNKNOWN else -value if op == "-" else not value
        case Binary(op, left, right):
            first, second = partial(left, known), partial(right, known)
            return UNKNOWN if UNKNOWN in (first, second) else BINARY[op](first, second)
        case Logical(op, operands):
            values = [partial(part, known) for part in operands]
            decisive = op == "or"  # the value that settles the whole: true for or, false for and
            if any(value is not UNKNOWN and bool(value) is decisive for value in values):
                return decisive
            return UNKNOWN if UNKNOWN in values else not decisive
        case Membership(operand, values, negated):
            value = partial(operand, known)
            return value if value is UNKNOWN else (value in values) is not negated
        case Call(function, args):
            parts = [partial(arg, known) for arg in args]
            if UNKNOWN in parts:
                return UNKNOWN
            return abs(parts[0]) if function == "abs" else (min if function == "min" else max)(parts)
    raise TypeError(f"not an expression node: {node!r}")


@dataclass(frozen=True)
class Expression:
    """A parsed, type-checked expression; ``evaluate`` runs a closure compiled once.

    Pickling keeps the tree and recompiles it on arrival (closures cannot be pickled), so
    expressions travel to worker processes with the scenario.
    """

    text: str
    type: ValueType
    names: frozenset[str]  # the names the expression reads
    tree: Node = field(repr=False, compare=False)
    # ``evaluate(namespace)``: the value in ``namespace`` (dotted name -> value), KeyError if a
    # name is missing. The compiled closure itself, not a method that calls it: conditions are
    # evaluated at every deliberation and after every event, and a call fewer counts.
    evaluate: Evaluator = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "evaluate", compile_node(self.tree))

    def __reduce__(self) -> tuple[Callable[..., Expression], tuple[object, ...]]:
        return (Expression, (self.text, self.type, self.names, self.tree))

    def could_hold(self, known: Mapping[str, Any]) -> bool:
        """Whether this condition may be true given only the names in ``known`` (false only
        when it is false whatever the other names are)."""
        return partial(self.tree, known) is not False


def parse_expression(
    text: str, names: Mapping[str, ValueType], expect: ValueType | None = None
) -> Expression:
    """Parse and type-check ``text`` against ``names``; raise ExpressionError on any mistake.

    ``expect`` requires the result to have that type, e.g. NUMBER for a value expression.
    """
    # Imported here because the parser builds this module's nodes: a top-level import
    # would be circular.
    from escalation.scenario.condition_parser import parse

    tree, value_type, used = parse(text, names, expect)
    return Expression(text, value_type, used, tree)


def parse_condition(text: str, names: Mapping[str, ValueType]) -> Expression:
    """Parse a ``when:``-style condition, which must be true or false."""
    return parse_expression(text, names, BOOLEAN)
