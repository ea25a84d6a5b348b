"""Tests for the scenario expression language: parsing, typing, errors and evaluation."""

from __future__ import annotations

import functools
import math
import pickle
from collections.abc import Callable, Mapping
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from escalation.scenario.condition_parser import MAX_DEPTH, MAX_LENGTH
from escalation.scenario.conditions import (
    BOOLEAN,
    NUMBER,
    STRING,
    Binary,
    Call,
    Expression,
    ExpressionError,
    Literal,
    Logical,
    Membership,
    Name,
    Node,
    Unary,
    ValueType,
    parse_condition,
    parse_expression,
)

NAMES: dict[str, ValueType] = {
    "perceived.deaths": NUMBER,
    "own.credibility": NUMBER,
    "tension": NUMBER,
    "max_rung": NUMBER,
    "deaths.total": NUMBER,
    "deaths.united_states": NUMBER,
    "perceived.kind": STRING,
    "ended_by": STRING,
    "own.is_nuclear": BOOLEAN,
    "crisis.public": BOOLEAN,
}
NAMESPACE: dict[str, object] = {
    "perceived.deaths": 3,
    "own.credibility": 0.25,
    "tension": -1.0,
    "max_rung": 7,
    "deaths.total": 120.0,
    "deaths.united_states": 0,
    "perceived.kind": "it's",
    "ended_by": "treaty",
    "own.is_nuclear": True,
    "crisis.public": False,
}


def evaluate(text: str, **overrides: object) -> object:
    namespace = NAMESPACE | {name.replace("__", "."): v for name, v in overrides.items()}
    return parse_expression(text, NAMES).evaluate(namespace)


def same(actual: object, expected: object) -> bool:
    """Equal values of the same type (True must not pass for 1.0); NaN matches NaN."""
    if type(actual) is not type(expected):
        return False
    if isinstance(actual, float) and isinstance(expected, float) and math.isnan(actual):
        return math.isnan(expected)
    return actual == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 + 2 * 3", 7.0),
        ("(1 + 2) * 3", 9.0),
        ("10 - 4 - 3", 3.0),  # left-associative
        ("24 / 4 / 2", 3.0),
        ("2 * 3 / 4 * 2", 3.0),
        ("-2 * 3 + 1", -5.0),
        ("2 * -3", -6.0),
        ("2 - -1", 3.0),
        ("- - 2", 2.0),
        ("-tension * 2", 2.0),
        ("-(tension + 1)", -0.0),
        ("1e3 + .5 + 1. + 2.5E-1", 1001.75),
        ("1 / 0", 0.0),
        ("perceived.deaths / (tension - tension)", 0.0),
        ("perceived.deaths / 2", 1.5),
        ("min(3, 1, 2) + max(1, 4) + abs(tension)", 6.0),
        ("min(perceived.deaths, 1 + 1) * 2", 4.0),
        ("max(own.credibility, tension)", 0.25),
        ("abs(-2.5)", 2.5),
        ("max_rung", 7),
    ],
)
def test_arithmetic_precedence_associativity_and_functions(text: str, expected: object) -> None:
    assert same(evaluate(text), expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("true or false and false", True),  # 'and' binds tighter than 'or'
        ("false and true or true", True),
        ("not false and false", False),  # 'not' binds tighter than 'and'
        ("not (false and false)", True),
        ("not not true", True),
        ("not 1 > 2", True),  # comparisons bind tighter than 'not'
        ("1 + 1 == 2", True),  # arithmetic binds tighter than comparisons
        ("perceived.deaths > 0 and own.credibility < 0.5", True),
        ("max_rung >= 7 or deaths.total >= 300", True),
        ("max_rung > 7 or deaths.total >= 300", False),
        ("max_rung <= 7 and max_rung != 8 and 0.25 == own.credibility", True),
        ("ended_by in ['treaty', \"war\"]", True),
        ("ended_by not in ['treaty']", False),
        ("tension in [0.5, -1]", True),
        ("tension not in []", True),
        ("own.is_nuclear in [false]", False),
        ('perceived.kind == "it\'s"', True),
        ("'say \"no\"' != perceived.kind", True),
        ("own.is_nuclear == true and own.is_nuclear != crisis.public", True),
        ("tension\n  <\t0", True),
    ],
)
def test_boolean_precedence_comparisons_and_membership(text: str, expected: bool) -> None:
    assert same(evaluate(text), expected)


def test_and_or_short_circuit_so_later_names_are_not_read() -> None:
    short = {"crisis.public": False, "own.is_nuclear": True}  # no numbers at all
    assert parse_condition("crisis.public and tension > 0", NAMES).evaluate(short) is False
    assert parse_condition("own.is_nuclear or tension > 0", NAMES).evaluate(short) is True
    chain = "crisis.public and tension > 0 and max_rung > 0"
    assert parse_condition(chain, NAMES).evaluate(short) is False
    with pytest.raises(KeyError, match="tension"):
        parse_condition("own.is_nuclear and tension > 0", NAMES).evaluate(short)


@pytest.mark.parametrize(
    "text", ["tension > 0", "crisis.public", "abs(tension) > 0", "1 < tension"]
)
def test_missing_name_at_evaluation_is_a_key_error(text: str) -> None:
    expression = parse_condition(text, NAMES)
    with pytest.raises(KeyError, match=r"tension|crisis\.public"):
        expression.evaluate({})


def test_expression_records_text_type_and_names_read() -> None:
    text = "min(tension, deaths.total) + tension"
    expression = parse_expression(text, NAMES, NUMBER)
    assert expression.text == text
    assert expression.type is NUMBER
    assert expression.names == frozenset({"tension", "deaths.total"})
    assert parse_expression("ended_by", NAMES).type is STRING
    assert parse_expression("1 < 2", NAMES).names == frozenset()


def test_expect_rejects_an_expression_of_another_type() -> None:
    with pytest.raises(ExpressionError) as caught:
        parse_expression("max_rung > 2", NAMES, expect=NUMBER)
    assert caught.value.message == "expected a number, but 'max_rung > 2' is a boolean"
    assert caught.value.column == 1


def test_long_or_chain_stays_shallow() -> None:
    text = "false or " * 200 + "true"
    assert len(text) <= MAX_LENGTH
    assert parse_condition(text, NAMES).evaluate({}) is True


def test_error_renders_message_and_caret() -> None:
    with pytest.raises(ExpressionError) as caught:
        parse_condition("perceived.deth > 0", NAMES)
    assert str(caught.value) == (
        "unknown name 'perceived.deth' (did you mean 'perceived.deaths'?)\n"
        "  perceived.deth > 0\n"
        "  ^"
    )


def test_error_caret_in_a_long_expression_stays_under_the_culprit() -> None:
    text = "tension > 0 and " * 20 + "tension > ended_by"
    with pytest.raises(ExpressionError) as caught:
        parse_condition(text, NAMES)
    *_, shown, caret = str(caught.value).split("\n")
    assert len(shown) < 100
    assert shown[caret.index("^") :].startswith("ended_by")


ERRORS = [
    ("", 1, "empty expression"),
    ("  \n ", 1, "empty expression"),
    ("tension > 0 @", 13, "unexpected character '@'"),
    ("tension # 1", 9, "unexpected character '#'"),
    ("ended_by == 'treaty", 13, "unterminated string: add the closing '"),
    ('ended_by == "treaty', 13, 'unterminated string: add the closing "'),
    ("perceived.deth > 0", 1, "unknown name 'perceived.deth' (did you mean 'perceived.deaths'?)"),
    ("tension > zzz", 11, "unknown name 'zzz'"),
    ("True or tension > 1", 1, "unknown name 'True' (write 'true' in lower case)"),
    ("tension > 1 AND true", 13, "unexpected 'AND' after a complete expression (missing "),
    ("3x > 1", 1, "invalid number '3x'"),
    ("own. > 1", 1, "invalid name 'own.' (names are letters, digits and '_' between single dots)"),
    (
        "perceived.deaths > perceived.kind",
        20,
        "cannot compare number with string: 'perceived.kind' is a string",
    ),
    ("perceived.kind == 3", 1, "cannot compare string with number: 'perceived.kind' is a string"),
    ("3 == own.is_nuclear", 6, "cannot compare number with boolean: 'own.is_nuclear' is a boolean"),
    ("ended_by < 'b'", 10, "'<' only orders numbers: 'ended_by' is a string (use == or !=)"),
    ("true >= false", 6, "'>=' only orders numbers: 'true' is a boolean (use == or !=)"),
    ("1 + ended_by == 2", 5, "'+' needs numbers: 'ended_by' is a string"),
    ("-ended_by == 2", 2, "'-' needs numbers: 'ended_by' is a string"),
    ("tension and true", 1, "'and' needs true/false values: 'tension' is a number"),
    ("true or (1 + 2)", 9, "'or' needs true/false values: '(1 + 2)' is a number"),
    ("not tension", 5, "'not' needs true/false values: 'tension' is a number"),
    ("min(1, ended_by) > 0", 8, "min() needs numbers: 'ended_by' is a string"),
    ("ended_by in ['a', 2]", 19, "the list holds a number, but 'ended_by' is a string"),
    ("tension in [-ended_by]", 13, "a list after 'in' holds only numbers, strings, true or false"),
    ("tension not in [tension]", 17, "a list after 'not in' holds only numbers"),
    ("tension in 3", 12, "expected a list such as [1, 2] after 'in'"),
    ("tension in [1, 2", 17, "missing ']' to close the '[' at column 12 (found the end"),
    ("tension in [1 2]", 15, "missing ']' to close the '[' at column 12 (found '2')"),
    ("tension >", 10, "expected a value after '>', but the expression ends there"),
    ("* 2 > 1", 1, "expected a value, but found '*'"),
    ("() > 1", 2, "expected a value after '(', but found ')'"),
    ("tension > 1 and", 16, "expected a value after 'and', but the expression ends there"),
    ("(tension > 1", 13, "missing ')' to close the '(' at column 1 (found the end"),
    ("min(1, 2 > 1", 13, "missing ')' to close the '(' at column 4"),
    ("tension > 1)", 12, "unmatched ')'"),
    ("tension > 1 tension", 13, "unexpected 'tension' after a complete expression"),
    ("mean(tension) > 1", 1, "unknown function 'mean' (available: abs, max, min)"),
    ("mim(tension, 1) > 1", 1, "unknown function 'mim' (did you mean 'min'?)"),
    ("tension(1) > 1", 1, "unknown function 'tension'"),
    ("abs(1, 2) > 1", 1, "abs() takes exactly 1 argument (got 2)"),
    ("abs() > 1", 1, "abs() takes exactly 1 argument (got 0)"),
    ("2 > max(1)", 5, "max() takes at least 2 arguments (got 1)"),
    ("true && false", 6, "use 'and' instead of '&&'"),
    ("true || false", 6, "use 'or' instead of '||'"),
    ("!true", 1, "use 'not' instead of '!'"),
    ("true & false", 6, "use 'and' instead of '&'"),
    ("max_rung = 7", 10, "use '==' to compare values"),
    ("max_rung => 7", 10, "use '>=' instead of '=>'"),
    ("max_rung =< 7", 10, "use '<=' instead of '=<'"),
    ("max_rung <> 7", 10, "use '!=' instead of '<>'"),
    ("1 < tension < 3", 13, "comparisons cannot be chained: join them with 'and'"),
    ("1 == 1 == true", 8, "comparisons cannot be chained"),
    ("ended_by in ['a'] not in [true]", 19, "comparisons cannot be chained"),
    ("tension", 1, "a condition must be true or false, but 'tension' is a number"),
    ("ended_by", 1, "but 'ended_by' is a string (compare it: 'ended_by == \"...\"')"),
    ("1" * (MAX_LENGTH + 1), MAX_LENGTH + 1, "expression is too long (2001 characters"),
    ("(" * (MAX_DEPTH + 1) + "true" + ")" * (MAX_DEPTH + 1), MAX_DEPTH + 1, "nested too deeply"),
    ("not " * MAX_DEPTH + "true", 1, "nested too deeply (more than 50 levels)"),
    ("-" * (MAX_DEPTH + 1) + "1 > 0", MAX_DEPTH + 1, "nested too deeply"),
    ("1" + " + 1" * (MAX_DEPTH - 1) + " > 0", 1, "nested too deeply"),  # '>' is level 51
]


@pytest.mark.parametrize(("text", "column", "message"), ERRORS)
def test_errors_say_what_and_where(text: str, column: int, message: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        parse_condition(text, NAMES)
    assert message in caught.value.message
    assert caught.value.column == column


@pytest.mark.parametrize(
    "text",
    [
        "(" * MAX_DEPTH + "true" + ")" * MAX_DEPTH,
        "not " * (MAX_DEPTH - 1) + "true",
        "-" * MAX_DEPTH + "1 > 0",
        "1" + " + 1" * (MAX_DEPTH - 2) + " > 0",
    ],
)
def test_nesting_up_to_the_limit_is_accepted(text: str) -> None:
    assert isinstance(parse_condition(text, NAMES).evaluate({}), bool)


@pytest.mark.parametrize("text", ["(" * 1999, "-" * 1999 + "1", "not " * 499 + "true"])
def test_pathological_nesting_is_an_expression_error_not_a_recursion_error(text: str) -> None:
    with pytest.raises(ExpressionError, match="nested too deeply"):
        parse_expression(text, NAMES)


def test_expression_error_survives_pickling() -> None:
    with pytest.raises(ExpressionError) as caught:
        parse_condition("tension > zzz", NAMES)
    copy = pickle.loads(pickle.dumps(caught.value))
    assert (copy.message, copy.column, str(copy)) == (
        caught.value.message,
        caught.value.column,
        str(caught.value),
    )


@pytest.mark.parametrize(
    "text",
    [
        "perceived.deaths > 0 and own.credibility < 0.5",
        "ended_by not in ['treaty', 'war'] or not crisis.public",
        "min(tension, 2) / (deaths.united_states) + abs(-max_rung) * 2",
        "(" * 40 + "tension + 1" + ")" * 40,
    ],
)
@pytest.mark.parametrize("protocol", [2, pickle.HIGHEST_PROTOCOL])
def test_pickling_round_trip_preserves_evaluation(text: str, protocol: int) -> None:
    expression = parse_expression(text, NAMES)
    expression.evaluate(NAMESPACE)  # the compiled closure exists and must not break pickling
    copy = pickle.loads(pickle.dumps(expression, protocol=protocol))
    assert copy == expression
    assert copy.tree == expression.tree
    for namespace in (NAMESPACE, NAMESPACE | {"tension": 5.0, "ended_by": "war"}):
        assert same(copy.evaluate(namespace), expression.evaluate(namespace))


# Property tests: random well-typed trees, rendered fully parenthesised, must parse back to
# the same tree and evaluate like the reference evaluator below.

_NUMBERS = st.floats(allow_nan=False, allow_infinity=False, width=64)
_STRINGS = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="'"), max_size=5)
_VALUES: dict[ValueType, st.SearchStrategy[Any]] = {
    NUMBER: _NUMBERS,
    STRING: _STRINGS,
    BOOLEAN: st.booleans(),
}
_NAMESPACE_VALUES: dict[ValueType, st.SearchStrategy[Any]] = {
    NUMBER: st.one_of(st.integers(-1000, 1000), st.floats(-1e6, 1e6), st.just(0.0)),
    STRING: st.sampled_from(["", "treaty", "war", "it's"]) | _STRINGS,
    BOOLEAN: st.booleans(),
}
namespaces = st.fixed_dictionaries({name: _NAMESPACE_VALUES[kind] for name, kind in NAMES.items()})


@functools.cache
def trees(kind: ValueType, depth: int) -> st.SearchStrategy[Node]:
    """Well-typed trees of ``kind`` at most ``depth`` operators deep."""
    names = sorted(name for name, declared in NAMES.items() if declared is kind)
    leaves = st.one_of(_VALUES[kind].map(Literal), st.sampled_from(names).map(Name))
    if depth == 0 or kind is STRING:
        return leaves
    numbers, booleans = trees(NUMBER, depth - 1), trees(BOOLEAN, depth - 1)
    if kind is NUMBER:
        negated = numbers.filter(lambda node: not isinstance(node, Literal))  # folded by parser
        return st.one_of(
            leaves,
            st.builds(Unary, st.just("-"), negated),
            st.builds(Binary, st.sampled_from("+-*/"), numbers, numbers),
            st.builds(Call, st.just("abs"), st.tuples(numbers)),
            st.builds(
                Call,
                st.sampled_from(["min", "max"]),
                st.lists(numbers, min_size=2, max_size=3).map(tuple),
            ),
        )
    any_kind = st.sampled_from(list(ValueType))
    return st.one_of(
        leaves,
        st.builds(Unary, st.just("not"), booleans),
        st.builds(
            Logical,
            st.sampled_from(["and", "or"]),
            st.lists(booleans, min_size=2, max_size=3).map(tuple),
        ),
        st.builds(Binary, st.sampled_from(["<", "<=", ">", ">=", "==", "!="]), numbers, numbers),
        any_kind.flatmap(
            lambda k: st.builds(
                Binary, st.sampled_from(["==", "!="]), trees(k, depth - 1), trees(k, depth - 1)
            )
        ),
        any_kind.flatmap(
            lambda k: st.builds(
                Membership,
                trees(k, depth - 1),
                st.lists(_VALUES[k], max_size=3).map(tuple),
                st.booleans(),
            )
        ),
    )


def render_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"'{value}'"
    return repr(value)


def render(node: Node) -> str:
    """Text for ``node`` with every operation parenthesised, so precedence cannot matter."""
    match node:
        case Literal(float() as number) if math.copysign(1.0, number) < 0:
            return f"(-{-number!r})"
        case Literal(value):
            return render_value(value)
        case Name(name):
            return name
        case Unary(op, operand):
            return f"({op} {render(operand)})"
        case Binary(op, left, right):
            return f"({render(left)} {op} {render(right)})"
        case Logical(op, operands):
            return "(" + f" {op} ".join(render(part) for part in operands) + ")"
        case Membership(operand, values, negated):
            items = ", ".join(render_value(value) for value in values)
            return f"({render(operand)} {'not in' if negated else 'in'} [{items}])"
        case Call(function, args):
            return f"{function}({', '.join(render(arg) for arg in args)})"
    raise AssertionError(node)


def reference(node: Node, namespace: Mapping[str, Any]) -> Any:
    """A deliberately plain interpreter of the documented semantics."""
    match node:
        case Literal(value):
            return value
        case Name(name):
            return namespace[name]
        case Unary("-", operand):
            return -reference(operand, namespace)
        case Unary("not", operand):
            return not reference(operand, namespace)
        case Binary(op, left, right):
            a, b = reference(left, namespace), reference(right, namespace)
            results: dict[str, Callable[[], Any]] = {
                "+": lambda: a + b,
                "-": lambda: a - b,
                "*": lambda: a * b,
                "/": lambda: a / b if b != 0 else 0.0,
                "==": lambda: a == b,
                "!=": lambda: a != b,
                "<": lambda: a < b,
                "<=": lambda: a <= b,
                ">": lambda: a > b,
                ">=": lambda: a >= b,
            }
            return results[op]()
        case Logical("and", operands):
            return all(reference(part, namespace) for part in operands)
        case Logical("or", operands):
            return any(reference(part, namespace) for part in operands)
        case Membership(operand, values, negated):
            return (reference(operand, namespace) in values) != negated
        case Call(function, args):
            evaluated = [reference(arg, namespace) for arg in args]
            return (
                abs(evaluated[0])
                if function == "abs"
                else {"min": min, "max": max}[function](evaluated)
            )
    raise AssertionError(node)


@given(st.sampled_from(list(ValueType)).flatmap(lambda kind: trees(kind, 4)), namespaces)
def test_random_trees_parse_back_and_match_the_reference(
    tree: Node, namespace: dict[str, Any]
) -> None:
    text = render(tree)
    assume(len(text) <= MAX_LENGTH)
    expression = parse_expression(text, NAMES)
    assert expression.tree == tree
    assert same(expression.evaluate(namespace), reference(tree, namespace))


_TOKENS = [
    *NAMES,
    *("own.", "zzz", "min", "max", "abs", "mean", "and", "or", "not", "in", "true", "false"),
    *("0", "1.5", "1e3", "'a'", '"b', "==", "!=", "<", "<=", ">", ">=", "=", "&&", "!"),
    *("+", "-", "*", "/", "(", ")", "[", "]", ","),
]
_ANY_NUMBER = _NUMBERS | st.just(0.0)  # full float range: overflow to inf or NaN must not raise
_FULL_NAMESPACES = st.fixed_dictionaries(
    {name: _ANY_NUMBER if kind is NUMBER else _VALUES[kind] for name, kind in NAMES.items()}
)
_RESULT_TYPES: dict[ValueType, tuple[type, ...]] = {
    NUMBER: (int, float),
    STRING: (str,),
    BOOLEAN: (bool,),
}


def check_parse(text: str, namespace: Mapping[str, object]) -> None:
    """Parsing gives an Expression that evaluates without error, or an ExpressionError."""
    try:
        expression = parse_expression(text, NAMES)
    except ExpressionError as error:
        assert 1 <= error.column <= len(text) + 1
        if text:
            *_, shown, caret = str(error).split("\n")
        if text and error.column <= len(text) and not text[error.column - 1].isspace():
            assert shown[caret.index("^")] == text[error.column - 1]
        return
    assert isinstance(expression, Expression)
    result = expression.evaluate(namespace)
    assert isinstance(result, _RESULT_TYPES[expression.type])
    assert not isinstance(result, bool) or expression.type is BOOLEAN


@given(st.text(), _FULL_NAMESPACES)
def test_any_text_parses_or_raises_expression_error(text: str, namespace: dict[str, Any]) -> None:
    check_parse(text, namespace)


@given(
    st.lists(st.sampled_from(_TOKENS), max_size=25), st.sampled_from([" ", ""]), _FULL_NAMESPACES
)
def test_token_soup_parses_or_raises_expression_error(
    tokens: list[str], separator: str, namespace: dict[str, Any]
) -> None:
    check_parse(separator.join(tokens), namespace)
