"""Conditions compiled to closures: the code that evaluates a scenario's conditions in the
inner loop, compiled with the engine (``escalation/native.py``).

A tree (``condition_tree``) is turned once into nested closures; evaluating one is then a
few calls, no dispatch on the tree. ``conditions.Expression`` holds the result.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from typing import Any

from escalation.scenario import condition_tree as tree

Evaluator = Callable[[Mapping[str, Any]], Any]


def _divide(left: float, right: float) -> float:
    """Division where ``x / 0`` is 0.0, so that no scenario condition can crash a run."""
    return left / right if right else 0.0


BINARY: Mapping[str, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": _divide,
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def compile_node(node: tree.Node) -> Evaluator:
    """Turn a tree into nested closures; all dispatch happens here, none per evaluation."""
    match node:
        case tree.Literal(value):
            return lambda namespace: value
        case tree.Name(name):
            return operator.itemgetter(name)
        case tree.Unary("-", operand):
            negated = compile_node(operand)
            return lambda namespace: -negated(namespace)
        case tree.Unary(_, operand):
            inverted = compile_node(operand)
            return lambda namespace: not inverted(namespace)
        case tree.Binary(op, left, right):
            return _compile_binary(BINARY[op], left, right)
        case tree.Logical(op, operands):
            return _compile_logical(op == "and", [compile_node(part) for part in operands])
        case tree.Membership(operand, values, negated):
            return _compile_membership(compile_node(operand), frozenset(values), negated)
        case tree.Call(function, args):
            return _compile_call(function, [compile_node(arg) for arg in args])
    raise TypeError(f"not an expression node: {node!r}")


def _compile_binary(function: Callable[[Any, Any], Any], left: tree.Node, right: tree.Node) -> Evaluator:
    """Specialise ``name op constant``, the commonest shape, to skip two closure calls."""
    if isinstance(right, tree.Literal):
        constant = right.value
        if function is _divide and constant:
            function = operator.truediv  # a nonzero constant divisor needs no zero check
        if isinstance(left, tree.Name):
            key = left.name
            return lambda namespace: function(namespace[key], constant)
        first = compile_node(left)
        return lambda namespace: function(first(namespace), constant)
    first, second = compile_node(left), compile_node(right)
    return lambda namespace: function(first(namespace), second(namespace))


def _compile_logical(conjunction: bool, parts: list[Evaluator]) -> Evaluator:
    if len(parts) == 2:
        first, second = parts
        if conjunction:
            return lambda namespace: first(namespace) and second(namespace)
        return lambda namespace: first(namespace) or second(namespace)
    if conjunction:  # plain loops: a generator per evaluation costs more than the parts
        def every(namespace: Mapping[str, object]) -> bool:
            for part in parts:  # noqa: SIM110
                if not part(namespace):
                    return False
            return True
        return every

    def some(namespace: Mapping[str, object]) -> bool:
        for part in parts:  # noqa: SIM110
            if part(namespace):
                return True
        return False
    return some


def _compile_membership(operand: Evaluator, values: frozenset[tree.Value], negated: bool) -> Evaluator:
    if negated:
        return lambda namespace: operand(namespace) not in values
    return lambda namespace: operand(namespace) in values


def _compile_call(function: str, args: list[Evaluator]) -> Evaluator:
    if function == "abs":
        (only,) = args
        return lambda namespace: abs(only(namespace))
    choose = min if function == "min" else max
    return lambda namespace: choose([arg(namespace) for arg in args])


