"""Recursive-descent parser and type checker for scenario expressions.

Scenario authors write these expressions by hand in YAML, so every mistake must come back
as an `ExpressionError` pinned to a column, never as a Python exception; nesting is capped
so that no input reaches RecursionError. Tokens, tree nodes and types come from
`escalation.scenario.conditions`, which compiles the trees built here into closures.

Grammar, lowest precedence first (comparisons do not chain)::

    or_expr    := and_expr ('or' and_expr)*
    and_expr   := not_expr ('and' not_expr)*
    not_expr   := 'not' not_expr | comparison
    comparison := sum [('==' | '!=' | '<' | '<=' | '>' | '>=') sum
                       | ['not'] 'in' '[' [literal (',' literal)*] ']']
    sum        := product (('+' | '-') product)*
    product    := unary (('*' | '/') unary)*
    unary      := '-' unary | primary
    primary    := number | string | 'true' | 'false' | name
                | function '(' [or_expr (',' or_expr)*] ')' | '(' or_expr ')'
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from escalation.errors import did_you_mean
from escalation.scenario.condition_tree import (
    Binary,
    Call,
    Literal,
    Logical,
    Membership,
    Name,
    Node,
    Unary,
    Value,
)
from escalation.scenario.conditions import KEYWORDS, ExpressionError, Token, ValueType, tokenize

MAX_LENGTH = 2000
MAX_DEPTH = 50  # keeps the parser, the compiled closures and pickling far from RecursionError
FUNCTIONS: Mapping[str, tuple[int, int | None]] = {  # name -> (fewest, most) arguments
    "abs": (1, 1),
    "max": (2, None),
    "min": (2, None),
}
_TOO_DEEP = f"expression is nested too deeply (more than {MAX_DEPTH} levels)"


@dataclass(frozen=True, slots=True)
class Typed:
    """A parsed subexpression: its tree, its type, its span in the text and its depth."""

    node: Node
    type: ValueType
    start: int
    end: int
    depth: int


def parse(
    text: str, names: Mapping[str, ValueType], expect: ValueType | None = None
) -> tuple[Node, ValueType, frozenset[str]]:
    """Parse and type-check ``text``: its tree, its type and the names it reads."""
    if len(text) > MAX_LENGTH:
        message = f"expression is too long ({len(text)} characters; the limit is {MAX_LENGTH})"
        raise ExpressionError(message, MAX_LENGTH + 1, text)
    parser = _Parser(text, names)
    result = parser.parse()
    if expect is not None and result.type is not expect:
        raise parser.error(parser.expect_message(result, expect), result.start)
    return result.node, result.type, frozenset(parser.used)


class _Parser:
    """One parse of one text; each method parses one grammar rule and returns it typed."""

    def __init__(self, text: str, names: Mapping[str, ValueType]) -> None:
        self.text = text
        self.names = names
        self.tokens = tokenize(text)
        self.index = 0
        self.nesting = 0
        self.used: set[str] = set()

    def error(self, message: str, offset: int) -> ExpressionError:
        return ExpressionError(message, offset + 1, self.text)

    @property
    def peek(self) -> Token:
        return self.tokens[self.index]

    def at(self, kind: str, *texts: str) -> bool:
        return self.peek.kind == kind and (not texts or self.peek.text in texts)

    def advance(self) -> Token:
        token = self.tokens[self.index]
        self.index = min(self.index + 1, len(self.tokens) - 1)
        return token

    @contextmanager
    def nested(self, token: Token) -> Iterator[None]:
        """Count nesting as the parser recurses: deep input must not end in RecursionError."""
        self.nesting += 1
        if self.nesting > MAX_DEPTH:
            raise self.error(_TOO_DEEP, token.start)
        yield
        self.nesting -= 1

    def build(
        self,
        node: Node,
        type_: ValueType,
        parts: Sequence[Typed],
        start: int | None = None,
        end: int | None = None,
    ) -> Typed:
        """Wrap a new node; operator chains deepen the tree too, so check the depth here."""
        depth = 1 + max((part.depth for part in parts), default=0)
        start = parts[0].start if start is None else start
        if depth > MAX_DEPTH:
            raise self.error(_TOO_DEEP, start)
        return Typed(node, type_, start, parts[-1].end if end is None else end, depth)

    def quote(self, part: Typed) -> str:
        source = " ".join(self.text[part.start : part.end].split())
        return f"'{source}'" if len(source) <= 40 else f"'{source[:37]}...'"

    def require(self, wanted: ValueType, what: str, part: Typed) -> None:
        if part.type is not wanted:
            noun = "true/false values" if wanted is ValueType.BOOLEAN else f"{wanted}s"
            message = f"{what} needs {noun}: {self.quote(part)} is {part.type.article}"
            raise self.error(message, part.start)

    def expect_message(self, result: Typed, expect: ValueType) -> str:
        source = self.quote(result)
        if expect is not ValueType.BOOLEAN:
            return f"expected {expect.article}, but {source} is {result.type.article}"
        bare = source[1:-1]
        example = f"{bare} > 0" if result.type is ValueType.NUMBER else f'{bare} == "..."'
        kind = result.type.article
        return (
            f"a condition must be true or false, but {source} is {kind} (compare it: '{example}')"
        )

    def parse(self) -> Typed:
        if self.at("end"):
            raise self.error("empty expression", 0)
        result = self.disjunction()
        if not self.at("end"):
            token = self.peek
            if token.text == ")":
                raise self.error("unmatched ')'", token.start)
            message = f"unexpected '{token.text}' after a complete expression (missing operator?)"
            raise self.error(message, token.start)
        return result

    def disjunction(self) -> Typed:
        return self.logical("or", self.conjunction)

    def conjunction(self) -> Typed:
        return self.logical("and", self.negation)

    def logical(self, op: str, operand: Callable[[], Typed]) -> Typed:
        parts = [operand()]
        while self.at("keyword", op):
            self.advance()
            parts.append(operand())
        if len(parts) == 1:
            return parts[0]
        for part in parts:
            self.require(ValueType.BOOLEAN, f"'{op}'", part)
        return self.build(Logical(op, tuple(part.node for part in parts)), ValueType.BOOLEAN, parts)

    def negation(self) -> Typed:
        if not self.at("keyword", "not"):
            return self.comparison()
        token = self.advance()
        with self.nested(token):
            operand = self.negation()
        self.require(ValueType.BOOLEAN, "'not'", operand)
        node = Unary("not", operand.node)
        return self.build(node, ValueType.BOOLEAN, [operand], start=token.start)

    def comparison_operator(self) -> str | None:
        """The comparison operator at the cursor ('not in' included), without consuming it."""
        token = self.peek
        if token.kind == "op" and token.text in ("==", "!=", "<", "<=", ">", ">="):
            return token.text
        if token.kind == "keyword" and token.text == "in":
            return "in"
        if token.kind != "keyword" or token.text != "not":
            return None
        following = self.tokens[self.index + 1]
        return "not in" if following.kind == "keyword" and following.text == "in" else None

    def comparison(self) -> Typed:
        left = self.sum()
        op = self.comparison_operator()
        if op is None:
            return left
        token = self.peek
        for _ in op.split():
            self.advance()
        result = self.membership(left, op) if op.endswith("in") else self.compare(token, left, self.sum())
        if self.comparison_operator() is not None:
            message = "comparisons cannot be chained: join them with 'and', as in 'a < b and b < c'"
            raise self.error(message, self.peek.start)
        return result

    def compare(self, token: Token, left: Typed, right: Typed) -> Typed:
        if left.type is not right.type:
            blame_left = isinstance(right.node, Literal) and not isinstance(left.node, Literal)
            culprit = left if blame_left else right
            what = f"{self.quote(culprit)} is {culprit.type.article}"
            message = f"cannot compare {left.type} with {right.type}: {what}"
            raise self.error(message, culprit.start)
        if token.text not in ("==", "!=") and left.type is not ValueType.NUMBER:
            what = f"{self.quote(left)} is {left.type.article}"
            message = f"'{token.text}' only orders numbers: {what} (use == or !=)"
            raise self.error(message, token.start)
        node = Binary(token.text, left.node, right.node)
        return self.build(node, ValueType.BOOLEAN, [left, right])

    def membership(self, left: Typed, op: str) -> Typed:
        opener = self.peek
        if not self.at("op", "["):
            raise self.error(f"expected a list such as [1, 2] after '{op}'", opener.start)
        self.advance()
        values: list[Value] = []
        while not self.at("op", "]") and (not values or self.at("op", ",")):
            if values:
                self.advance()
            values.append(self.list_item(left, op))
        closer = self.close(opener, "]")
        node = Membership(left.node, tuple(values), negated=op == "not in")
        return self.build(node, ValueType.BOOLEAN, [left], end=closer.end)

    def list_item(self, left: Typed, op: str) -> Value:
        token = self.advance()
        sign = -1.0 if token.text == "-" and token.kind == "op" and self.at("number") else 1.0
        item = self.advance() if sign < 0 else token
        value: Value
        if item.kind == "number":
            value, type_ = sign * float(item.text), ValueType.NUMBER
        elif item.kind == "string":
            value, type_ = item.text[1:-1], ValueType.STRING
        elif item.kind == "keyword" and item.text in ("true", "false"):
            value, type_ = item.text == "true", ValueType.BOOLEAN
        else:
            found = "the end of the expression" if item.kind == "end" else f"'{item.text}'"
            message = (
                f"a list after '{op}' holds only numbers, strings, true or false; found {found}"
            )
            raise self.error(message, item.start)
        if type_ is not left.type:
            what = f"{self.quote(left)} is {left.type.article}"
            message = f"the list holds {type_.article}, but {what}"
            raise self.error(message, token.start)
        return value

    def close(self, opener: Token, closer: str) -> Token:
        if self.at("op", closer):
            return self.advance()
        token = self.peek
        found = "the end of the expression" if token.kind == "end" else f"'{token.text}'"
        where = f"the '{opener.text}' at column {opener.start + 1}"
        message = f"missing '{closer}' to close {where} (found {found})"
        raise self.error(message, token.start)

    def sum(self) -> Typed:
        return self.arithmetic(("+", "-"), self.product)

    def product(self) -> Typed:
        return self.arithmetic(("*", "/"), self.unary)

    def arithmetic(self, ops: tuple[str, str], operand: Callable[[], Typed]) -> Typed:
        left = operand()
        while self.peek.kind == "op" and self.peek.text in ops:
            token = self.advance()
            right = operand()
            for part in (left, right):
                self.require(ValueType.NUMBER, f"'{token.text}'", part)
            node = Binary(token.text, left.node, right.node)
            left = self.build(node, ValueType.NUMBER, [left, right])
        return left

    def unary(self) -> Typed:
        if not self.at("op", "-"):
            return self.primary()
        token = self.advance()
        with self.nested(token):
            operand = self.unary()
        self.require(ValueType.NUMBER, "'-'", operand)
        if isinstance(operand.node, Literal) and isinstance(operand.node.value, float):
            negative = Literal(-operand.node.value)
            return Typed(negative, ValueType.NUMBER, token.start, operand.end, 1)
        return self.build(Unary("-", operand.node), ValueType.NUMBER, [operand], start=token.start)

    def primary(self) -> Typed:
        token = self.peek
        if token.kind == "name":
            self.advance()
            return self.call(token) if self.at("op", "(") else self.name(token)
        if token.kind == "op" and token.text == "(":
            return self.parenthesized()
        leaf: tuple[Value, ValueType] | None = None
        if token.kind == "number":
            leaf = float(token.text), ValueType.NUMBER
        elif token.kind == "string":
            leaf = token.text[1:-1], ValueType.STRING
        elif token.kind == "keyword" and token.text in ("true", "false"):
            leaf = token.text == "true", ValueType.BOOLEAN
        if leaf is None:
            raise self.missing_value()
        self.advance()
        return Typed(Literal(leaf[0]), leaf[1], token.start, token.end, 1)

    def missing_value(self) -> ExpressionError:
        token = self.peek
        after = f" after '{self.tokens[self.index - 1].text}'" if self.index > 0 else ""
        found = "the expression ends there" if token.kind == "end" else f"found '{token.text}'"
        return self.error(f"expected a value{after}, but {found}", token.start)

    def name(self, token: Token) -> Typed:
        if token.text not in self.names:
            lower = token.text.lower()
            hint = did_you_mean(token.text, self.names)
            if lower in KEYWORDS:
                hint = f" (write '{lower}' in lower case)"
            raise self.error(f"unknown name '{token.text}'{hint}", token.start)
        self.used.add(token.text)
        return Typed(Name(token.text), self.names[token.text], token.start, token.end, 1)

    def call(self, name: Token) -> Typed:
        if name.text not in FUNCTIONS:
            available = f" (available: {', '.join(sorted(FUNCTIONS))})"
            hint = did_you_mean(name.text, FUNCTIONS) or available
            raise self.error(f"unknown function '{name.text}'{hint}", name.start)
        opener = self.advance()
        args: list[Typed] = []
        with self.nested(opener):
            while not self.at("op", ")") and (not args or self.at("op", ",")):
                if args:
                    self.advance()
                args.append(self.disjunction())
        closer = self.close(opener, ")")
        low, high = FUNCTIONS[name.text]
        if len(args) < low or (high is not None and len(args) > high):
            count = f"exactly {low}" if low == high else f"at least {low}"
            plural = "s" if low > 1 else ""
            message = f"{name.text}() takes {count} argument{plural} (got {len(args)})"
            raise self.error(message, name.start)
        for arg in args:
            self.require(ValueType.NUMBER, f"{name.text}()", arg)
        node = Call(name.text, tuple(arg.node for arg in args))
        return self.build(node, ValueType.NUMBER, args, start=name.start, end=closer.end)

    def parenthesized(self) -> Typed:
        opener = self.advance()
        with self.nested(opener):
            inner = self.disjunction()
        closer = self.close(opener, ")")
        return Typed(inner.node, inner.type, opener.start, closer.end, inner.depth)
