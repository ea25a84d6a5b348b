"""The tree of a parsed condition or value expression: what the parser builds, and what
``conditions.partial`` and ``evaluation.compile_node`` read.

Its own module so that the evaluators (``evaluation``, compiled with the engine) and the
language (``conditions``, interpreted) can both import it without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass

Value = float | str | bool


@dataclass(frozen=True, slots=True)
class Literal:
    value: Value


@dataclass(frozen=True, slots=True)
class Name:
    name: str


@dataclass(frozen=True, slots=True)
class Unary:
    op: str  # '-' or 'not'
    operand: Node


@dataclass(frozen=True, slots=True)
class Binary:
    op: str  # arithmetic or comparison operator
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Logical:
    op: str  # 'and' or 'or'; n-ary so that long chains stay shallow
    operands: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Membership:
    operand: Node
    values: tuple[Value, ...]
    negated: bool


@dataclass(frozen=True, slots=True)
class Call:
    function: str
    args: tuple[Node, ...]


Node = Literal | Name | Unary | Binary | Logical | Membership | Call
