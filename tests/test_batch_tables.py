"""A batch's run table held once (``RunTable``), and what keeps a batch's memory small.

- Chunk tables added in any order give the DataFrame that concatenating them in run order and
  converting gives (``pa.concat_tables`` then ``to_pandas``, the way batches were collected):
  text columns as categoricals with sorted categories, whole-number columns widened to floats
  where a failed run left NaN, codes widened past 127 categories.
- The chunks of an interrupted batch (not all of them) give their own rows, in run order.
- A batch's DataFrame has no object columns, and its paths read as 'actor:kind > ...'.
- Coded paths spell out to the moves they code, empty paths and the ellipsis included.
- Worker processes import neither pandas nor PyArrow (~90 MiB each).
- A chunk's columns made compact in the worker (``compact``) give the table its Python lists
  would have given.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import escalation
from escalation.engine.tally import MOVE_SEPARATOR
from escalation.montecarlo.batch import run_batch
from escalation.montecarlo.chunk import Coded, compact
from escalation.montecarlo.moves import ELLIPSIS, codes, encode, spell_out, vocabulary
from escalation.montecarlo.runtable import RunTable
from escalation.montecarlo.storage import table_of

ROOT = Path(__file__).resolve().parents[1]
US_IRAN = ROOT / "scenarios" / "us_iran_2020.yaml"
CHUNK = 40
CHUNKS = 5


def chunk_columns(start: int, failing: bool) -> dict[str, list[Any]]:
    """Columns like a chunk's: a run index, a count (NaN where a run failed), a float, a text
    column of few values and one of many (300 in all, more than int8 codes hold)."""
    rows = range(start, start + CHUNK)
    return {
        "run": list(rows),
        "count": [np.nan if failing and run % 7 == 0 else run % 5 for run in rows],
        "value": [run / 3 for run in rows],
        "outcome": ["failed" if failing and run % 7 == 0 else ("war", "peace")[run % 2]
                    for run in rows],
        "path": [f"p{(run * 37) % 300:03d}" for run in rows],
    }


def concatenated(tables: list[pa.Table]) -> pd.DataFrame:
    """What collecting a batch did before ``RunTable``."""
    frame = pa.concat_tables(tables, promote_options="permissive").to_pandas()
    for column in frame.columns:
        if isinstance(frame[column].dtype, pd.CategoricalDtype):
            frame[column] = frame[column].cat.reorder_categories(
                sorted(frame[column].cat.categories))
    return frame


@settings(max_examples=20, deadline=None)
@given(order=st.permutations(range(CHUNKS)), failing=st.sampled_from([None, 0, 3]),
       kept=st.sets(st.integers(0, CHUNKS - 1), min_size=1))
def test_chunks_in_any_order_give_the_concatenated_table(
    order: list[int], failing: int | None, kept: set[int]
) -> None:
    tables = {i * CHUNK: table_of(chunk_columns(i * CHUNK, i == failing)) for i in range(CHUNKS)}
    table = RunTable(CHUNK * CHUNKS)
    for i in order:
        table.add(i * CHUNK, tables[i * CHUNK])
    starts = sorted(i * CHUNK for i in kept)

    frame = table.frame(starts)

    expected = concatenated([tables[start] for start in starts])
    pd.testing.assert_frame_equal(frame, expected, check_exact=True)
    assert frame["run"].tolist() == [run for s in starts for run in range(s, s + CHUNK)]
    assert (frame["count"].dtype == np.float64) == (failing is not None and failing in kept)
    assert table.columns == {}, "the arrays were handed over to the frame"


def test_codes_widen_when_categories_outgrow_them() -> None:
    table = RunTable(2 * CHUNK * 4)
    for start in range(0, 2 * CHUNK * 4, CHUNK):
        table.add(start, table_of({"word": [f"w{start + i}" for i in range(CHUNK)]}))
    words = table.frame(sorted(table.chunks))["word"]
    assert words.cat.codes.dtype == np.int16
    assert words.tolist() == [f"w{i}" for i in range(2 * CHUNK * 4)]
    assert list(words.cat.categories) == sorted(words.tolist())


@pytest.fixture(scope="module")
def batch_folder(tmp_path_factory: pytest.TempPathFactory) -> tuple[escalation.Results, Path]:
    out = tmp_path_factory.mktemp("batch")
    scenario = escalation.load_scenario(US_IRAN)
    return run_batch(scenario, 60, 2, backend="serial", chunk_size=25, out=out,
                     progress=False), out


MOVE = r"[a-z_]+:[a-z_]+"


def test_a_batch_has_no_object_columns_and_spelled_out_paths(
    batch_folder: tuple[escalation.Results, Path],
) -> None:
    results, out = batch_folder
    runs = results.runs
    assert not [name for name in runs.columns if runs[name].dtype == object]
    text = ["outcome", "ended_by", "path", "error", *(c for c in runs if c.startswith("threat."))]
    assert all(isinstance(runs[name].dtype, pd.CategoricalDtype) for name in text)
    pattern = re.compile(rf"({MOVE}( > {MOVE})*( > …)?)?")
    assert all(pattern.fullmatch(path) for path in runs["path"]), runs["path"].head()
    assert (runs["path"].str.count(" > ") >= 1).any()
    pd.testing.assert_series_equal(pd.read_parquet(out / "runs.parquet")["path"], runs["path"])


@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_coded_paths_spell_out_to_their_moves(data: st.DataObject) -> None:
    scenario = escalation.load_scenario(US_IRAN)
    moves = [m for m in vocabulary(scenario) if m != ELLIPSIS]
    path = st.lists(st.sampled_from(moves), max_size=10).map(
        lambda chosen: [*chosen, ELLIPSIS] if len(chosen) == 10 else chosen)
    paths = data.draw(st.lists(path, min_size=1, max_size=20))
    coded = pd.Series(pd.Categorical([encode(codes(scenario), p) for p in paths]))

    spelled = spell_out(scenario, coded)

    assert spelled.tolist() == [MOVE_SEPARATOR.join(p) for p in paths]
    assert isinstance(spelled.dtype, pd.CategoricalDtype)


def test_worker_processes_need_neither_pandas_nor_pyarrow() -> None:
    """What a helper process imports to run chunks: pandas and PyArrow would be ~90 MiB more
    in each (they are the parent's business: its tables and files)."""
    code = (
        "import sys, escalation, escalation.montecarlo.backends\n"
        "from escalation.montecarlo.chunk import run_chunk\n"
        "from escalation.montecarlo.sampling import SamplingPlan\n"
        f"scenario = escalation.load_scenario({str(US_IRAN)!r})\n"
        "run_chunk(scenario, 0, 0, 3, SamplingPlan('independent', 0).for_chunk(0, 3))\n"
        "print(sorted({'pandas', 'pyarrow'} & set(sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


texts = st.lists(st.sampled_from(["war", "peace", "", "a:b > c:d", "…"]), min_size=1, max_size=30)


def drawn_columns(rows: int, data: st.DataObject) -> dict[str, list[Any]]:
    """A chunk's columns of every kind a run table holds, ``rows`` long."""
    same_length = {"min_size": rows, "max_size": rows}
    return {
        "run": data.draw(st.lists(st.integers(0, 2**40), **same_length)),
        "run_seed": data.draw(st.lists(st.integers(0, 2**64 - 1), **same_length)),
        "count": data.draw(st.lists(st.integers(0, 50), **same_length)),
        "deaths": data.draw(st.lists(st.one_of(st.integers(0, 9), st.just(np.nan)), **same_length)),
        "value": data.draw(st.lists(st.floats(allow_nan=True, width=64), **same_length)),
        "rung_day.3": data.draw(st.lists(st.floats(0, 60) | st.just(np.nan), **same_length)),
        "outcome": data.draw(st.lists(st.sampled_from(["war", "peace", "failed", ""]),
                                      **same_length)),
        "won": data.draw(st.lists(st.booleans(), **same_length)),
    }


@settings(max_examples=60, deadline=None)
@given(rows=st.integers(1, 30), data=st.data())
def test_compact_columns_give_the_table_their_lists_give(rows: int, data: st.DataObject) -> None:
    columns = drawn_columns(rows, data)
    compacted = compact(columns)
    assert isinstance(compacted["outcome"], Coded)
    assert all(isinstance(compacted[name], np.ndarray) for name in columns if name != "outcome")
    fast, plain = table_of(compacted), table_of(columns)
    assert fast.schema == plain.schema  # dictionary-encoded text, int32 counts, float32 days
    assert fast.to_pandas().equals(plain.to_pandas())  # (pandas counts NaN equal to NaN)


@settings(max_examples=60, deadline=None)
@given(rows=st.integers(1, 30), data=st.data())
def test_a_chunks_columns_go_into_the_run_table_as_its_arrow_table_would(
        rows: int, data: st.DataObject) -> None:
    """A batch that writes no folder puts a chunk's columns straight into the run table: the
    same values, types and categories as through the chunk's Arrow table."""
    compacted = compact(drawn_columns(rows, data))
    direct, via_arrow = RunTable(2 * rows), RunTable(2 * rows)
    for start in (rows, 0):  # chunks out of order
        assert direct.add_columns(start, compacted)
        via_arrow.add(start, table_of(compacted))
    pd.testing.assert_frame_equal(direct.frame([0, rows]), via_arrow.frame([0, rows]),
                                  check_exact=True)


def test_a_count_beyond_32_bits_is_left_to_arrow_which_names_it() -> None:
    table = RunTable(2)
    assert not table.add_columns(0, compact({"run": [0, 1], "count": [1, 2**40]}))
    assert (table.columns, table.chunks) == ({}, {}), "nothing written"
