"""Read scenario YAML as plain data, remembering where every value came from.

Out come only dicts with str keys, lists, str, int, float, bool and None, built here from
nodes composed by PyYAML's pure-Python `SafeLoader` (libyaml's loader words errors
differently and recurses on the C stack, so deep nesting could crash Python).
Scalars follow YAML 1.1 (``on`` is a boolean, ``.nan`` a float) but dates and ``=`` stay
strings. Keys must be strings: a plain ``1:``, ``on:`` or ``~:`` is an error suggesting
quotes. Merge keys (``<<``) are rejected: YAML 1.2 dropped them and merged fields are
hard to trace. Aliases are allowed; one is located where used, its contents where
defined. Accepted tags: ``!!str !!int !!float !!bool !!null !!seq !!map``.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Mapping
from copy import copy
from dataclasses import dataclass, field
from typing import Any, NoReturn

import yaml
from yaml.events import Event
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from escalation.errors import Location, Path, Problem, ScenarioError

MAX_BYTES = 1024 * 1024  # scenario files are small; this bounds time and memory
MAX_DEPTH = 64  # deepest nesting of lists/mappings below the top-level mapping
MAX_NODES = 1_000_000  # nodes after alias expansion; stops "billion laughs"
MAX_PROBLEMS = 100  # stop collecting faults after this many
_MAX_NUMBER = 100  # characters in a number; longer ones are surely not meant

_STD = "tag:yaml.org,2002:"
STR, INT, FLOAT, BOOL, NULL, SEQ, MAP, MERGE = (
    _STD + t for t in ("str", "int", "float", "bool", "null", "seq", "map", "merge"))
_LINE_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")  # as PyYAML counts lines
_NEED_MAPPING = "expected a mapping of scenario fields such as `name:` and `actors:`"
_TOO_DEEP = (f"values are nested more than {MAX_DEPTH} levels deep; flatten the structure "
             "(or close brackets left open)")


@dataclass(frozen=True)
class SourceDocument:
    """Parsed data plus the source location of every value and mapping key in it."""

    data: Any
    file: str
    values: Mapping[Path, Location] = field(default_factory=dict, repr=False, compare=False)
    keys: Mapping[Path, Location] = field(default_factory=dict, repr=False, compare=False)

    def locate(self, path: Path) -> Location:
        """Where the value at ``path`` is; for a missing path, its nearest existing parent."""
        path = tuple(path)  # a list would not hash
        for end in range(len(path), -1, -1):
            found = self.values.get(path[:end])
            if found is not None:
                return found
        return Location(self.file, 1, 1)

    def locate_key(self, path: Path) -> Location:
        """Where the key of the mapping entry at ``path`` is (else where its value is)."""
        return self.keys.get(tuple(path)) or self.locate(path)


def read_yaml(path: str | os.PathLike[str]) -> SourceDocument:
    """Read and parse a scenario file; every fault is a `ScenarioError`."""
    name = os.fsdecode(path)
    raw = _read_bytes(name).removeprefix(b"\xef\xbb\xbf")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start].decode("utf-8")
        _fail(_position(name, before, len(before)), f"byte 0x{raw[exc.start]:02x} is not "
              "valid UTF-8; save the file as UTF-8 text")
    return read_yaml_text(text, name)


def read_yaml_text(text: str, file: str = "<string>") -> SourceDocument:
    """Parse scenario YAML text; ``file`` is the name used in messages."""
    text = text.removeprefix("\ufeff")
    if len(text) > MAX_BYTES:
        _fail(None, f"{file!r} has {len(text):,} characters, over the "
              f"{MAX_BYTES // 2**20} MB limit; scenario files must be smaller")
    bad = yaml.reader.Reader.NON_PRINTABLE.search(text)
    if bad:
        _fail(_position(file, text, bad.start()), f"character U+{ord(bad.group()):04X} is "
              "not allowed in YAML; delete it (in double quotes, write it as an escape)")
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
    except _Refused as exc:
        _fail(_where(file, exc.args[0]), exc.args[1])
    except RecursionError:
        _fail(_where(file, loader.get_mark()), _TOO_DEEP)
    except yaml.MarkedYAMLError as exc:
        _fail(_where(file, exc.problem_mark or exc.context_mark), _syntax_message(exc))
    except yaml.YAMLError as exc:
        _fail(_where(file, None), f"invalid YAML: {exc}")
    finally:
        loader.dispose()
    return _convert(root, file, loader)


class _Refused(Exception):
    """A rule broken while composing; ``args`` are the mark and the message."""


class _Loader(yaml.SafeLoader):
    """SafeLoader that limits nesting, marks aliases where used and keeps dates as text."""

    peek_event: Callable[[], Event]  # the stubs leave these untyped
    get_event: Callable[[], Event]
    resolve: Callable[[type[Node], str, tuple[bool, bool]], str]

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.depth = 0

    def get_single_node(self) -> Node | None:
        """Compose the one document, refusing a second one with a clear message."""
        self.get_event()
        root = None if self.check_event(yaml.StreamEndEvent) else self.compose_document()
        if not self.check_event(yaml.StreamEndEvent):
            raise _Refused(self.peek_event().start_mark, "found a second YAML document "
                           "(after '---'); a scenario file holds one document, so remove "
                           "the extra '---' or split the file")
        return root

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        """Stop at MAX_DEPTH, long before RecursionError; give aliases their own mark."""
        mark = self.peek_event().start_mark
        if self.check_event(yaml.AliasEvent):
            node = copy(super().compose_node(parent, index))  # shares the anchor's children
            if node is not None:
                node.start_mark = mark
            return node
        if self.depth > MAX_DEPTH:
            raise _Refused(mark, _TOO_DEEP)
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


_Loader.yaml_implicit_resolvers = {  # as SafeLoader, minus dates, '=' and the like
    first: [(tag, regexp) for tag, regexp in resolvers if tag in {INT, FLOAT, BOOL, NULL, MERGE}]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _convert(root: Node | None, file: str, loader: _Loader) -> SourceDocument:
    """Check that the root is a mapping, then convert it within the size limit."""
    if root is None or (root.tag == NULL and root.value == ""):
        _fail(_where(file, root and root.start_mark),
              f"the file is empty (or only comments); {_NEED_MAPPING}")
    if not isinstance(root, MappingNode):
        _fail(_where(file, root.start_mark), f"the top level is {_kind(root)}; {_NEED_MAPPING}")
    builder = _Builder(file, loader)
    builder.measure(root)
    data = builder.build(root, ())
    if builder.problems:
        raise ScenarioError(builder.problems)
    return SourceDocument(data, file, builder.values, builder.keys)


class _Builder:
    """Turns composed nodes into plain data, recording locations and collecting faults."""

    def __init__(self, file: str, loader: _Loader) -> None:
        self.file, self.loader = file, loader
        self.values: dict[Path, Location] = {}
        self.keys: dict[Path, Location] = {}
        self.problems: list[Problem] = []
        self.sizes: dict[int, int] = {}  # expanded size of each collection, by id(node.value)
        self.open: set[int] = set()  # ids of collections being built: finds alias loops

    def measure(self, node: Node) -> int:
        """Count nodes after alias expansion, each collection once, so that "billion
        laughs" fails fast. Document order meets each anchor before its aliases, so the
        recursion stays within the composer's depth limit."""
        if isinstance(node, ScalarNode):
            return 1
        if id(node.value) not in self.sizes:
            self.sizes[id(node.value)] = 0  # a loop back here adds nothing; build() reports it
            items = node.value if isinstance(node, SequenceNode) else [
                part for pair in node.value for part in pair]
            size = self.sizes[id(node.value)] = 1 + sum(self.measure(i) for i in items)
            if size > MAX_NODES:
                self.fatal(node, (), f"document expands to more than {MAX_NODES:,} nodes "
                           "(aliases?); use fewer or smaller aliased values")
        return self.sizes[id(node.value)]

    def build(self, node: Node, path: Path) -> Any:
        """Convert one node, expanding aliases, within the depth limit."""
        if len(path) > MAX_DEPTH:  # aliases can nest deeper than the text does
            self.fatal(node, path, _TOO_DEEP)
        self.values[path] = _where(self.file, node.start_mark)
        if isinstance(node, ScalarNode):
            return self.scalar(node, path)
        if id(node.value) in self.open:
            self.fatal(node, path, "this alias refers to a value that contains it; "
                       "a scenario cannot be recursive, so copy the value instead")
        if node.tag != (SEQ if isinstance(node, SequenceNode) else MAP):
            return self.report(node, path, _bad_tag(node))
        self.open.add(id(node.value))
        try:
            if isinstance(node, SequenceNode):
                return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
            return self.mapping(node, path)
        finally:
            self.open.discard(id(node.value))

    def mapping(self, node: Node, path: Path) -> dict[str, Any]:
        """Convert a mapping whose keys must be unique names."""
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = self.key(key_node, path)
            if key is None:
                continue
            child = (*path, key)
            if key in result:
                self.report(key_node, child, f"duplicate key '{key}' (first defined on line "
                            f"{self.keys[child].line}); remove one or merge their contents")
                continue
            self.keys[child] = _where(self.file, key_node.start_mark)
            result[key] = self.build(value_node, child)
        return result

    def key(self, node: Node, path: Path) -> str | None:
        """The key as a name, or None after reporting why it cannot be one."""
        if isinstance(node, ScalarNode) and node.tag == STR:
            return str(node.value)
        if not isinstance(node, ScalarNode):
            why = f"{_kind(node)} cannot be a key; keys must be names"
        elif node.tag == MERGE:
            why = ("merge keys ('<<') are not supported; write the fields out "
                   "(an alias such as *name can still reuse a whole value)")
        elif node.tag in (INT, FLOAT, BOOL, NULL) and node.value:
            what = {INT: "a number", FLOAT: "a number", BOOL: "a boolean"}.get(node.tag, "null")
            why = (f"key '{node.value}' is read by YAML 1.1 as {what}, but keys must be "
                   f"names; quote it (\"{node.value}\":) if you meant the name")
        elif node.tag == NULL:
            why = "this key is empty; write a name before the ':'"
        else:
            why = _bad_tag(node)
        self.report(node, path, why)
        return None

    def scalar(self, node: ScalarNode, path: Path) -> Any:
        """A scalar as str/int/float/bool/None; an explicit tag must fit the value."""
        tag, text = node.tag, node.value
        if tag == STR:
            return text
        if tag not in (INT, FLOAT, BOOL, NULL):
            return self.report(node, path, _bad_tag(node))
        implicit = self.loader.resolve(ScalarNode, text, (True, False))  # what the text reads as
        if implicit != tag and not (tag == FLOAT and implicit == INT):
            name = tag.removeprefix(_STD)
            return self.report(node, path, f"'{text}' is not a valid {name} for tag !!{name}; "
                               "fix the value or remove the tag")
        if len(text) > _MAX_NUMBER:  # int() of long digit strings is slow, then refused
            return self.report(node, path, f"the number '{text[:20]}...' is longer than "
                               f"{_MAX_NUMBER} characters; quote it if it is meant as text")
        try:
            value = self.loader.yaml_constructors[implicit](self.loader, node)
            return float(value) if tag == FLOAT else value
        except (ValueError, OverflowError):  # e.g. 0x_ matches YAML's int pattern
            return self.report(node, path, f"'{text}' looks like a number but cannot be read "
                               "as one; quote it if it is meant as text")

    def report(self, node: Node, path: Path, message: str) -> None:
        """Record a fault and carry on, so that one run reports many faults."""
        where = _where(self.file, node.start_mark)
        if any(p.location == where and p.message == message for p in self.problems):
            return  # the same fault met again through an alias
        self.problems.append(Problem(where, path, message))
        if len(self.problems) >= MAX_PROBLEMS:
            raise ScenarioError(self.problems)

    def fatal(self, node: Node, path: Path, message: str) -> NoReturn:
        """Stop at a fault that makes going on pointless (limits, loops)."""
        self.report(node, path, message)
        raise ScenarioError(self.problems)


def _read_bytes(name: str) -> bytes:
    """The file's bytes, up to just over MAX_BYTES, with OS faults made readable."""
    try:
        mode = os.stat(name).st_mode
        if not stat.S_ISREG(mode):  # a FIFO or device could block or never end
            kind = "a directory" if stat.S_ISDIR(mode) else "not a regular file"
            _fail(None, f"{name!r} is {kind}; give the path of a scenario .yaml file")
        with open(name, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        _fail(None, f"{name!r}: no such file; check the path")
    except PermissionError:
        _fail(None, f"{name!r} cannot be read (permission denied); check its permissions")
    except (OSError, ValueError) as exc:
        _fail(None, f"{name!r} cannot be read ({getattr(exc, 'strerror', None) or exc}); "
              "check the path")
    if len(raw) > MAX_BYTES:
        _fail(None, f"{name!r} is larger than the {MAX_BYTES // 2**20} MB limit; "
              "scenario files must be smaller")
    return raw


def _position(file: str, text: str, index: int) -> Location:
    """Location of ``text[index]``, counting line breaks as PyYAML does."""
    breaks = list(_LINE_BREAK.finditer(text, 0, index))
    return Location(file, len(breaks) + 1, index - (breaks[-1].end() if breaks else 0) + 1)


def _syntax_message(exc: yaml.MarkedYAMLError) -> str:
    """PyYAML's own wording, its context and a hint at the usual causes."""
    message = f"invalid YAML: {exc.problem or 'syntax error'}"
    if exc.context:
        line = f" at line {exc.context_mark.line + 1}" if exc.context_mark else ""
        message += f" ({exc.context}{line})"
    if "\\t" in message:
        return message + "; indent with spaces, not tabs"
    if isinstance(exc, yaml.composer.ComposerError):
        return message + "; define each anchor (&name) once, before the aliases (*name) using it"
    return message + "; check the indentation, the ':' after keys and matching quotes or brackets"


def _where(file: str, mark: Any) -> Location:
    """Turn PyYAML's 0-based mark into a 1-based `Location` (start of file if unknown)."""
    return Location(file, mark.line + 1, mark.column + 1) if mark else Location(file, 1, 1)


def _kind(node: Node) -> str:
    """A user's word for a node's shape."""
    if isinstance(node, ScalarNode):
        return f"a single value ('{node.value[:40]}')"
    return "a list" if isinstance(node, SequenceNode) else "a mapping"


def _bad_tag(node: Node) -> str:
    """Message for any tag outside plain data; standard tags shown as ``!!name``."""
    tag = "!!" + node.tag.removeprefix(_STD) if node.tag.startswith(_STD) else node.tag
    return (f"tag '{tag}' is not allowed on {_kind(node)}; scenarios hold plain data only, "
            "so remove the tag (quote the value if it is text)")


def _fail(location: Location | None, message: str) -> NoReturn:
    """Raise a single-problem `ScenarioError` (hiding the OS or PyYAML error behind it)."""
    raise ScenarioError([Problem(location, (), message)]) from None
