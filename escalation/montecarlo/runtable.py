"""A batch's run table, held once: one array per column, filled in place as chunks arrive.

Keeping every chunk's Arrow table until the end and concatenating them held each run twice at
the peak, and the allocator could not reuse the small freed chunk buffers for the large final
columns: at 300,000 runs of the seed scenario the parent's memory rose by 100 MiB while a
90 MiB table was converted. Here each column is one array sized for the whole batch (its
pages become resident only as chunks fill them), text columns are category codes, and the
final DataFrame wraps the arrays without copying them.

The DataFrame is the one concatenating the kept chunks' tables gave: a column's type and a
text column's categories come from the chunks kept, not from others finished meanwhile (which
a stop at a precise prefix leaves out, and which differ from one backend to another).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from escalation.montecarlo.chunk import Coded, Column
from escalation.montecarlo.storage import numpy_column


class RunTable:
    """Every finished run's row of one batch, in run order whatever order chunks come in."""

    def __init__(self, runs: int) -> None:
        self.runs = runs
        self.columns: dict[str, np.ndarray] = {}  # values, or category codes for text columns
        self.words: dict[str, dict[str, int]] = {}  # text column -> {category: code}
        self.chunks: dict[int, int] = {}  # start of each chunk added -> its rows
        self.types: dict[int, dict[str, np.dtype]] = {}  # start -> its number columns' types

    def add(self, start: int, table: pa.Table) -> None:
        """Writes a chunk's rows (runs ``start`` .. ``start + rows - 1``) into place."""
        types = {}
        for name, column in zip(table.column_names, table.columns, strict=True):
            values = column.combine_chunks()
            if _is_text(values.type):
                self._put(name, start, self._codes(name, values))
            else:
                types[name] = self._put(name, start, values.to_numpy(zero_copy_only=False))
        self.chunks[start], self.types[start] = table.num_rows, types

    def add_columns(self, start: int, columns: dict[str, Column]) -> bool:
        """Writes a chunk's columns as its worker sent them (``chunk.compact``) into place,
        in the types ``add`` would give them, without building an Arrow table. Returns False,
        having written nothing, where a column needs Arrow's conversion (``add`` then)."""
        arrays: dict[str, np.ndarray | Coded] = {}
        for name, values in columns.items():
            array = values if isinstance(values, Coded) else numpy_column(name, values)
            if array is None:
                return False
            arrays[name] = array
        types = {}
        for name, array in arrays.items():
            if isinstance(array, Coded):
                self._put(name, start, self._recode(name, list(array.words), array.codes))
            else:
                types[name] = self._put(name, start, array)
        self.chunks[start], self.types[start] = len(columns["run"]), types
        return True

    def frame(self, starts: list[int]) -> pd.DataFrame:
        """The rows of the chunks at ``starts`` (ascending) as a DataFrame, text columns as
        categoricals with sorted categories. It takes the arrays over: the table is empty after."""
        rows = self._rows(starts)
        data: dict[str, np.ndarray | pd.Categorical[str]] = {}
        for name in list(self.columns):
            array = self.columns.pop(name)
            if rows is not None:  # some chunks: a copy of their rows, in their own type
                array = array[rows] if name in self.words else \
                    array[rows].astype(np.result_type(*(self.types[s][name] for s in starts)))
            data[name] = self._categorical(name, array, rows is not None) \
                if name in self.words else array
        self.words.clear()
        return pd.DataFrame(data, copy=False)

    def _put(self, name: str, start: int, values: np.ndarray) -> np.dtype:
        self._column(name, values.dtype)[start:start + len(values)] = values
        return values.dtype

    def _column(self, name: str, dtype: np.dtype) -> np.ndarray:
        """The column's array, widened when a chunk needs a wider type: counts become floats
        when a failed run left NaN in them, codes grow with their categories."""
        array = self.columns.get(name)
        if array is None:
            array = self.columns[name] = np.empty(self.runs, dtype)
        elif np.result_type(array.dtype, dtype) != array.dtype:
            wider = np.empty(self.runs, np.result_type(array.dtype, dtype))
            for start, rows in self.chunks.items():  # only the rows written so far, so that
                wider[start:start + rows] = array[start:start + rows]  # the rest stays unused
            array = self.columns[name] = wider
        return array

    def _codes(self, name: str, values: pa.Array) -> np.ndarray:
        """Text as codes into the column's categories, which it extends."""
        if not pa.types.is_dictionary(values.type):
            values = values.dictionary_encode()
        return self._recode(name, values.dictionary.to_pylist(),
                            values.indices.to_numpy(zero_copy_only=False))

    def _recode(self, name: str, chunk_words: list[str], indices: np.ndarray) -> np.ndarray:
        """A chunk's codes into its own ``chunk_words`` as codes into the column's
        categories, which it extends."""
        words = self.words.setdefault(name, {})
        lookup = np.array([words.setdefault(word, len(words)) for word in chunk_words],
                          dtype=np.int64)
        codes = lookup[indices]
        return codes.astype(_code_type(len(words)))

    def _rows(self, starts: list[int]) -> np.ndarray | None:
        """Indices of the rows kept, or None for all of them (no copy)."""
        if sum(self.chunks[start] for start in starts) == self.runs:
            return None
        return np.concatenate([np.arange(start, start + self.chunks[start]) for start in starts])

    def _categorical(self, name: str, codes: np.ndarray, some: bool) -> pd.Categorical[str]:
        """Codes in order of arrival as a categorical whose categories are sorted, so that
        the table is the same however the chunks were run. With ``some`` rows only, only the
        categories they use."""
        words = self.words[name]
        if some:
            used = set(np.unique(codes).tolist())
            words = {word: code for word, code in words.items() if code in used}
        categories = sorted(words)
        order = np.empty(len(self.words[name]), dtype=codes.dtype)
        order[[words[word] for word in categories]] = np.arange(len(categories))
        return pd.Categorical.from_codes(order[codes], categories=pd.Index(categories))


def _is_text(kind: pa.DataType) -> bool:
    return pa.types.is_dictionary(kind) or pa.types.is_string(kind) or \
        pa.types.is_large_string(kind)


def _code_type(categories: int) -> np.dtype:
    """The smallest signed integer type that holds codes 0 .. categories - 1."""
    return np.min_scalar_type(-max(categories, 1))
