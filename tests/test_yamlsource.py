"""Tests for reading scenario YAML safely, with the source location of every value."""

from __future__ import annotations

import math
import os
from pathlib import Path as FilePath
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from escalation.errors import Location, ScenarioError
from escalation.scenario import yamlsource
from escalation.scenario.yamlsource import (
    MAX_BYTES,
    MAX_NODES,
    MAX_PROBLEMS,
    SourceDocument,
    read_yaml,
    read_yaml_text,
)

FILE = "s.yaml"


def error_of(text: str) -> ScenarioError:
    """The ScenarioError that reading ``text`` as s.yaml raises."""
    with pytest.raises(ScenarioError) as info:
        read_yaml_text(text, FILE)
    return info.value


def file_error_of(path: FilePath) -> str:
    """The message of the ScenarioError that reading the file at ``path`` raises."""
    with pytest.raises(ScenarioError) as info:
        read_yaml(path)
    return str(info.value)


# --- well-formed input -------------------------------------------------------------

SCENARIO = """\
name: demo
actors:
  iran:
    policies:
      - k: 1
        when: "x > 1"
  usa: {budget: 3}
"""


def test_reads_plain_data() -> None:
    doc = read_yaml_text(SCENARIO)
    assert doc.file == "<string>"
    assert doc.data == {
        "name": "demo",
        "actors": {"iran": {"policies": [{"k": 1, "when": "x > 1"}]}, "usa": {"budget": 3}},
    }


@pytest.mark.parametrize(
    ("path", "line", "column"),
    [
        ((), 1, 1),
        (("name",), 1, 7),
        (("actors", "iran", "policies"), 5, 7),
        (("actors", "iran", "policies", 0), 5, 9),
        (("actors", "iran", "policies", 0, "k"), 5, 12),
        (("actors", "iran", "policies", 0, "when"), 6, 15),
        (("actors", "usa"), 7, 8),
        (("actors", "usa", "budget"), 7, 17),
        (("actors", "iran", "missing"), 4, 5),  # missing field: the mapping it belongs in
        (("actors", "usa", "nope", "deeper"), 7, 8),
        (("actors", "iran", "policies", 5), 5, 7),  # missing index: the list
    ],
)
def test_locate_values(path: tuple[str | int, ...], line: int, column: int) -> None:
    assert read_yaml_text(SCENARIO, FILE).locate(path) == Location(FILE, line, column)


@pytest.mark.parametrize(
    ("path", "line", "column"),
    [
        (("name",), 1, 1),
        (("actors", "iran"), 3, 3),
        (("actors", "iran", "policies", 0, "when"), 6, 9),
        (("actors", "usa", "budget"), 7, 9),
        (("actors", "iran", "policies", 0), 5, 9),  # list item: no key, so the value
        (("actors", "ghost"), 2, 1),  # missing: falls back to locate(), the parent's key
    ],
)
def test_locate_keys(path: tuple[str | int, ...], line: int, column: int) -> None:
    doc = read_yaml_text(SCENARIO, FILE)
    expected = Location(FILE, line, column)
    if path == ("actors", "ghost"):
        expected = doc.locate(("actors",))
    assert doc.locate_key(path) == expected


def test_document_without_locations_points_at_the_start() -> None:
    doc = SourceDocument({"a": 1}, "x.yaml")
    assert doc.locate(("a",)) == Location("x.yaml", 1, 1)
    assert doc.locate_key(("a",)) == Location("x.yaml", 1, 1)


def test_alias_is_located_where_used_and_its_contents_where_defined() -> None:
    doc = read_yaml_text("base: &b\n  x: 1\nother: *b\n", FILE)
    assert doc.data == {"base": {"x": 1}, "other": {"x": 1}}
    assert doc.data["other"] is not doc.data["base"]  # expanded, not shared
    assert doc.locate(("other",)) == Location(FILE, 3, 8)
    assert doc.locate(("other", "x")) == Location(FILE, 2, 6)


def test_yaml_11_scalars() -> None:
    text = (
        "t: yes\nf: off\ni: 0x1F\nu: 1_000\nn: ~\ne:\nfl: 1.5\nexp: 1.0e+3\n"
        "date: 2001-12-14\nstamp: 2001-12-14t21:59:43.10-05:00\neq: =\nq: '1'\n"
        "forced: !!str 12\nfloat: !!float 2\nplain: !!int '7'\nhex: !!float 0x1F\n"
    )
    assert read_yaml_text(text).data == {
        "t": True, "f": False, "i": 31, "u": 1000, "n": None, "e": None, "fl": 1.5,
        "exp": 1000.0, "date": "2001-12-14", "stamp": "2001-12-14t21:59:43.10-05:00",
        "eq": "=", "q": "1", "forced": "12", "float": 2.0, "plain": 7, "hex": 31.0,
    }


def test_nan_and_infinity_stay_floats() -> None:
    data = read_yaml_text("a: .nan\nb: .inf\nc: -.Inf\n").data
    assert math.isnan(data["a"])
    assert data["b"] == math.inf and data["c"] == -math.inf


def test_quoted_lookalike_keys_are_names() -> None:
    data = read_yaml_text("'1': a\n\"on\": b\n'no': c\n!!str 2: d\n").data
    assert data == {"1": "a", "on": "b", "no": "c", "2": "d"}


def test_bom_explicit_document_markers_and_crlf_are_fine(tmp_path: FilePath) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf---\r\nname: x\r\nactors: {}\r\n...\r\n")
    doc = read_yaml(path)
    assert doc.data == {"name": "x", "actors": {}}
    assert doc.file == str(path)
    assert doc.locate(("actors",)) == Location(str(path), 3, 9)
    assert read_yaml_text("\ufeffa: 1").locate(("a",)) == Location("<string>", 1, 4)


def test_nesting_up_to_the_limit_is_fine() -> None:
    depth = yamlsource.MAX_DEPTH - 1  # the list under "a" is level 1
    text = "a: " + "[" * depth + "1" + "]" * depth
    assert read_yaml_text(text).locate(("a",) + (0,) * depth) == Location("<string>", 1, 4 + depth)


# --- the file itself ---------------------------------------------------------------


def test_missing_file(tmp_path: FilePath) -> None:
    path = tmp_path / "nope.yaml"
    message = file_error_of(path)
    assert str(path) in message and "no such file; check the path" in message


def test_directory(tmp_path: FilePath) -> None:
    message = file_error_of(tmp_path)
    assert str(tmp_path) in message and "is a directory" in message


def test_fifo_is_refused_without_blocking(tmp_path: FilePath) -> None:
    path = tmp_path / "pipe.yaml"
    os.mkfifo(path)
    assert "not a regular file" in file_error_of(path)


def test_unreadable_file(tmp_path: FilePath, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "secret.yaml"
    path.write_text("a: 1\n")

    def denied(*args: Any, **kwargs: Any) -> Any:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(yamlsource, "open", denied, raising=False)  # tests run as root
    message = file_error_of(path)
    assert str(path) in message and "permission denied" in message


def test_file_over_the_size_limit(tmp_path: FilePath) -> None:
    path = tmp_path / "huge.yaml"
    path.write_bytes(b"#" * (MAX_BYTES + 1))
    message = file_error_of(path)
    assert str(path) in message and f"{MAX_BYTES // 2**20} MB limit" in message


def test_text_over_the_size_limit() -> None:
    assert "MB limit" in str(error_of("#" * (MAX_BYTES + 1)))


def test_bytes_that_are_not_utf8(tmp_path: FilePath) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("name: x\nactors: é".encode() + b"\xff\n")  # column counts characters
    message = file_error_of(path)
    assert f"{path}:2:10:" in message and "0xff is not valid UTF-8" in message


def test_utf16_file_is_reported_as_not_utf8(tmp_path: FilePath) -> None:
    path = tmp_path / "utf16.yaml"
    path.write_bytes("a: 1\n".encode("utf-16"))
    assert f"{path}:1:1:" in file_error_of(path)


# --- bad documents -----------------------------------------------------------------

BAD_DOCUMENTS = [
    ("", "s.yaml:1:1:", "the file is empty"),
    ("# only a comment\n\n", "s.yaml:1:1:", "expected a mapping of scenario fields"),
    ("---\n", "s.yaml:2:1:", "the file is empty"),
    ("a: 1\n---\nb: 2\n", "s.yaml:2:1:", "second YAML document"),
    ("a: 1\n---\n", "s.yaml:2:1:", "remove the extra '---'"),
    ("- a\n- b\n", "s.yaml:1:1:", "the top level is a list; expected a mapping"),
    ("hello\n", "s.yaml:1:1:", "the top level is a single value ('hello')"),
    ("a: b: c\n", "s.yaml:1:5:", "mapping values are not allowed here; check the indentation"),
    ("a: [1, 2\n", "s.yaml:2:1:", "expected ',' or ']'"),
    ('a: "open\n', "s.yaml:2:1:", "found unexpected end of stream"),
    ("a:\n\tb: 1\n", "s.yaml:2:1:", "indent with spaces, not tabs"),
    ("a: *nowhere\n", "s.yaml:1:4:", "found undefined alias 'nowhere'; define each anchor"),
    ("a: &x 1\nb: &x 2\n", "s.yaml:2:4:", "duplicate anchor 'x'"),
    ("a: 1\nb: \x00\n", "s.yaml:2:4:", "character U+0000 is not allowed in YAML"),
    ("a: 1\r\nb: \x07\n", "s.yaml:2:4:", "U+0007"),
    # tags outside plain data
    ("a: !!python/object:os.system {}\n", "s.yaml:1:4:", "tag '!!python/object:os.system'"),
    ("a: !!python/name:os.system ''\n", "s.yaml:1:4:", "tag '!!python/name:os.system'"),
    ("a: !!python/object/apply:os.system [ls]\n", "s.yaml:1:4:", "plain data only"),
    ("a:\n  b: !foo 1\n", "s.yaml:2:6:", "tag '!foo' is not allowed on a single value"),
    ("a: !!binary aGVsbG8=\n", "s.yaml:1:4:", "tag '!!binary'"),
    ("a: !!set {x, y}\n", "s.yaml:1:4:", "tag '!!set' is not allowed on a mapping"),
    ("a: !!omap [x: 1]\n", "s.yaml:1:4:", "tag '!!omap' is not allowed on a list"),
    ("a: !!timestamp 2001-01-01\n", "s.yaml:1:4:", "tag '!!timestamp'"),
    ("a: !<tag:example.com,2000:x> 1\n", "s.yaml:1:4:", "tag 'tag:example.com,2000:x'"),
    ("a: !!map [1]\n", "s.yaml:1:4:", "tag '!!map' is not allowed on a list"),
    ("!foo {a: 1}\n", "s.yaml:1:1:", "tag '!foo' is not allowed on a mapping"),
    ("a: !!int abc\n", "s.yaml:1:4:", "'abc' is not a valid int for tag !!int"),
    ("a: !!bool maybe\n", "s.yaml:1:4:", "not a valid bool"),
    ("a: !!null x\n", "s.yaml:1:4:", "not a valid null"),
    ("a: !!int ''\n", "s.yaml:1:4:", "not a valid int"),
    # keys
    ("a: 1\nb: 2\na: 3\n", "s.yaml:3:1:", "duplicate key 'a' (first defined on line 1)"),
    ("x:\n  k: 1\n  k: 2\n", "s.yaml:3:3:", "x.k: duplicate key 'k'"),
    ("1: x\n", "s.yaml:1:1:", "key '1' is read by YAML 1.1 as a number, but keys must be names"),
    ("a:\n  1.5: x\n", "s.yaml:2:3:", "a: key '1.5' is read by YAML 1.1 as a number"),
    ("on: x\n", "s.yaml:1:1:", "key 'on' is read by YAML 1.1 as a boolean"),
    ("yes: x\n", "s.yaml:1:1:", "quote it (\"yes\":)"),
    ("No: x\n", "s.yaml:1:1:", "as a boolean, but keys must be names"),
    ("!!bool maybe: x\n", "s.yaml:1:1:", "'maybe' is read by YAML 1.1 as a boolean"),
    ("~: x\n", "s.yaml:1:1:", "key '~' is read by YAML 1.1 as null"),
    ("? \n: x\n", "s.yaml:1:2:", "this key is empty"),
    ("? [a, b]\n: x\n", "s.yaml:1:3:", "a list cannot be a key; keys must be names"),
    ("? {a: 1}\n: x\n", "s.yaml:1:3:", "a mapping cannot be a key"),
    ("!foo a: 1\n", "s.yaml:1:1:", "tag '!foo'"),
    ("base: &b {x: 1}\nc:\n  <<: *b\n", "s.yaml:3:3:", "merge keys ('<<') are not supported"),
    ("a: " + "1" * 5000 + "\n", "s.yaml:1:4:", "is longer than 100 characters; quote it"),
    ("a: 1" + ":0" * 100_000 + "\n", "s.yaml:1:4:", "is longer than 100 characters"),
    ("a: 0x_\n", "s.yaml:1:4:", "'0x_' looks like a number but cannot be read as one"),
    ("a: !!float 1" + "0" * 99 * 4 + "\n", "s.yaml:1:4:", "longer than"),
    # aliases
    ("a: &a [1, *a]\n", "s.yaml:1:11:", "a[1]: this alias refers to a value that contains it"),
    ("a: &a {b: *a}\n", "s.yaml:1:11:", "a.b: this alias refers to a value"),
]


@pytest.mark.parametrize(("text", "where", "phrase"), BAD_DOCUMENTS)
def test_bad_documents(text: str, where: str, phrase: str) -> None:
    message = str(error_of(text))
    assert message.startswith(where), message
    assert phrase in message, message


def test_bad_documents_read_from_a_file_name_the_file(tmp_path: FilePath) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("a: 1\na: 2\n")
    assert file_error_of(path).startswith(f"{path}:2:1: a: duplicate key")


def test_all_key_and_tag_faults_are_reported_at_once() -> None:
    error = error_of("1: a\non: b\nx: 1\nx: 2\ny: !foo 3\n")
    assert [p.location.line for p in error.problems if p.location] == [1, 2, 4, 5]


def test_a_fault_met_again_through_an_alias_is_reported_once() -> None:
    error = error_of("a: &a {1: x}\nb: *a\nc: *a\n")
    assert len(error.problems) == 1 and error.problems[0].path == ("a",)


def test_fault_collection_stops_at_the_limit() -> None:
    text = "".join(f"'{i % 2}': {i}\n" for i in range(3 * MAX_PROBLEMS))
    assert len(error_of(text).problems) == MAX_PROBLEMS


def test_billion_laughs_fails_fast() -> None:
    lines = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, 20):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}" if i > 1 else "*a"] * 10) + "]")
    message = str(error_of("\n".join(lines)))
    assert f"document expands to more than {MAX_NODES:,} nodes (aliases?)" in message
    assert message.startswith("s.yaml:6:5:")  # the first value that grows past the limit


@pytest.mark.parametrize(
    "text",
    ["a: " + "[" * 100_000, "[" * 100_000, "a: " + "{a: " * 100_000,
     "".join(" " * i + "- \n" for i in range(1_000))],
)
def test_deep_nesting_fails_fast_with_a_clear_error(text: str) -> None:
    message = str(error_of(text))
    assert f"nested more than {yamlsource.MAX_DEPTH} levels deep" in message


def test_nesting_one_past_the_limit() -> None:
    depth = yamlsource.MAX_DEPTH
    message = str(error_of("a: " + "[" * depth + "1" + "]" * depth))
    assert message.startswith(f"s.yaml:1:{4 + depth}:") and "nested more than" in message


def test_aliases_cannot_nest_past_the_limit() -> None:
    half = 40
    text = f"a: &a {'[' * half}1{']' * half}\nb: {'[' * half}*a{']' * half}\n"
    assert "nested more than" in str(error_of(text))


def test_recursion_error_becomes_the_same_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlsource, "MAX_DEPTH", 10**9)  # let PyYAML's composer hit the limit
    assert "levels deep" in str(error_of("a: " + "[" * 100_000))


# --- properties ----------------------------------------------------------------------

KEYS = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABC0123456789_- .", max_size=12)
SCALARS = (
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text()
)
VALUES = st.recursive(
    SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=25,
)
SLOW = settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)


@SLOW
@given(st.dictionaries(KEYS, VALUES, min_size=1, max_size=5))
def test_safe_dump_round_trips(data: dict[str, Any]) -> None:
    assert read_yaml_text(yaml.safe_dump(data)).data == data


@SLOW
@given(st.dictionaries(KEYS, VALUES, min_size=1, max_size=5), st.booleans())
def test_every_value_is_located(data: dict[str, Any], flow: bool) -> None:
    text = yaml.safe_dump(data, default_flow_style=flow)
    doc = read_yaml_text(text)
    lines = text.splitlines()
    values = list(walk(doc.data))
    assert len(values) > len(data)  # the document itself, and each key's value at least
    for path, value in values:
        location = doc.locate(path)
        assert 1 <= location.line <= len(lines) + 1
        if path and isinstance(value, int) and not isinstance(value, bool):
            assert lines[location.line - 1][location.column - 1] in "-+0123456789'\""


def walk(value: Any, path: tuple[str | int, ...] = ()) -> list[tuple[Any, Any]]:
    """Every (path, value) pair in nested data."""
    found: list[tuple[Any, Any]] = [(path, value)]
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(
        value, list) else []
    for key, child in items:
        found += walk(child, (*path, key))
    return found


YAMLISH = st.text(alphabet=[*"ab01x_e+.:-?[]{},&*!#|>'\"%@`~<=\n\t \\", "\ufeff", "é"])
TOKENS = st.lists(st.sampled_from([
    "!!bool ", "!!int ", "!!float ", "!!null ", "!!str ", "!!seq ", "!!map ", "!x ", "&a ", "*a ",
    "&b ", "*b ", "<<: ", "? ", "- ", "[", "]", "{", "}", ", ", ": ", "\n", "  ", "yes", "0x_",
    "._", "1:2", "~", "a", "b", "'q'", "---\n", ".nan", "2001-01-01", "=",
])).map("".join)


@SLOW
@given(st.text() | YAMLISH | TOKENS)
def test_any_text_parses_or_raises_scenario_error(text: str) -> None:
    try:
        doc = read_yaml_text(text)
    except ScenarioError as error:
        assert all(str(p.location).startswith("<string>:") for p in error.problems)
    else:
        assert isinstance(doc.data, dict)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> FilePath:
    """One file that the byte fuzzer overwrites (tmp_path is per test, not per example)."""
    return tmp_path_factory.mktemp("fuzz") / "fuzz.yaml"


@SLOW
@given(st.binary() | YAMLISH.map(lambda text: text.encode("utf-8")))
def test_any_bytes_parse_or_raise_scenario_error(scratch: FilePath, raw: bytes) -> None:
    scratch.write_bytes(raw)
    try:
        read_yaml(scratch)
    except ScenarioError as error:
        assert str(scratch) in str(error)
