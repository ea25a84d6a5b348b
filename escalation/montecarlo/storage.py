"""A batch's folder: chunk files written as they finish, then the final tables.

Chunks are written atomically (to a temporary name, then renamed), so an interrupted batch
leaves only whole chunks behind, and ``--resume`` reruns exactly the missing ones. A manifest
pins what the folder was made with, so a resume cannot mix two different batches.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from escalation.montecarlo.chunk import Coded

MANIFEST = "batch.json"
WIDE = frozenset({"run", "id", "cause"})  # integer columns kept 64-bit
SINGLE_PRECISION = ("rung_day.",)  # float columns that need no more than float32


class BatchFolderError(ValueError):
    """The output folder cannot be used for this batch (says why and what to do)."""


def table_of(columns: Mapping[str, Sequence[Any] | np.ndarray | Coded]) -> pa.Table:
    """Typed columns: repeated strings dictionary-encoded, numbers as numbers. A column its
    type cannot hold raises ``ColumnError`` naming it, not Arrow's bare 'value not in range'."""
    arrays = {}
    for name, values in columns.items():
        try:
            arrays[name] = _array(name, values)
        except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError) as error:
            raise ColumnError(_unstorable(name, values, columns.get("run"), error)) from error
    return pa.table(arrays)


class ColumnError(ValueError):
    """A chunk's column that its table type cannot hold (names the column, the run, and what
    to do)."""


def _array(name: str, values: Sequence[Any] | np.ndarray | Coded) -> pa.Array:
    """One column as Arrow stores it in the run and event tables."""
    if isinstance(values, Coded):  # already dictionary-encoded by the worker
        return pa.DictionaryArray.from_arrays(
            pa.array(values.codes, type=pa.int32()), pa.array(values.words, type=pa.string()))
    array = pa.array(values, type=pa.uint64() if name == "run_seed" else None)
    if pa.types.is_string(array.type) or pa.types.is_large_string(array.type):
        return array.dictionary_encode()
    if pa.types.is_integer(array.type) and name not in WIDE and name != "run_seed":
        return array.cast(pa.int32())  # counts: half the memory of a million-run batch
    if name.startswith(SINGLE_PRECISION):
        return array.cast(pa.float32())  # days to a second's precision; exact draws stay 64-bit
    return array


def numpy_column(name: str, values: np.ndarray) -> np.ndarray | None:
    """A chunk's number column as the run table keeps it, in the type ``_array`` gives it,
    without the round trip through Arrow (a batch that writes no folder), or None where only
    Arrow's conversion can say (objects; integers beyond 32 bits, which it refuses by name)."""
    kind = values.dtype.kind
    if kind in "iu":
        if name == "run_seed":
            return values.astype(np.uint64, copy=False)
        if name in WIDE:
            return values
        if len(values) and not (_INT32.min <= values.min() and values.max() <= _INT32.max):
            return None
        return values.astype(np.int32)
    if kind == "f":
        return values.astype(np.float32) if name.startswith(SINGLE_PRECISION) else values
    return values if kind == "b" else None


_INT32 = np.iinfo(np.int32)


def _type_range(name: str) -> tuple[str, int, int]:
    """The integer type a column is stored as, and its smallest and largest values."""
    if name == "run_seed":
        return "unsigned 64-bit", 0, 2**64 - 1
    if name in WIDE:
        return "64-bit", -(2**63), 2**63 - 1
    return "32-bit", -(2**31), 2**31 - 1


def _unstorable(name: str, values: Any, runs: Any, error: Exception) -> str:
    """Why a column cannot be stored: the first value out of its type's range and its run
    (found only now, on the error path), or Arrow's own words when no value is out of range."""
    kind, low, high = _type_range(name)
    for index, value in enumerate(values):
        if isinstance(value, int | np.integer) and not low <= int(value) <= high:
            run = str(int(runs[index])) if runs is not None and index < len(runs) else "RUN"
            return (f"column '{name}' holds {int(value):,} in run {run}, beyond what it is stored "
                    f"as ({kind} integers, {low:,} to {high:,}); no real crisis counts so many: "
                    "check the scenario's casualty rates, personnel and salvo sizes, and replay "
                    f"the run with: escalation trace FILE --seed SEED --run {run}")
    return (f"column '{name}' cannot be stored in the batch's table ({error}); please report "
            "this with the scenario and the command that ran it")


def unusable_folder(path: str | os.PathLike[str]) -> str | None:
    """Why ``path`` cannot be a folder to write into (it is a file, or lies under one), or
    None. Checked before a batch or an analysis starts, not at its first write hours later."""
    path = Path(path)
    for place in (path, *path.parents):
        if place.is_dir():
            return _unwritable(path, place)
        if place.exists():
            where = "is a file" if place == path else f"lies under {place}, which is a file"
            return (f"{path} {where}: choose a folder to write into (--out DIR); a missing "
                    "one is created")
    return None


def _unwritable(path: Path, folder: Path) -> str | None:
    """Why nothing can be written into ``folder`` (``path`` itself, or the folder ``path``
    would be created in), or None. ``os.access`` answers for this user, so a read-only
    folder is caught before the work; an immutable one that it misses fails at the first
    write, which the command reports as cleanly."""
    if os.access(folder, os.W_OK | os.X_OK):
        return None
    where = "is read-only" if folder == path else f"cannot be created: {folder} is read-only"
    return (f"{path} {where} (for this user): choose a folder you can write to (--out DIR), "
            f"or make it writable (chmod u+w {folder})")


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class BatchFolder:
    def __init__(self, root: str | os.PathLike[str], manifest: dict[str, Any], resume: bool) -> None:
        problem = unusable_folder(root)
        if problem:
            raise BatchFolderError(problem)
        self.root = Path(root)
        self.chunks = self.root / "chunks"
        existing = self.root / MANIFEST
        if existing.exists():
            found = json.loads(existing.read_text())
            if not resume:
                raise BatchFolderError(
                    f"{self.root} already holds a batch; pass --resume to finish it, or choose "
                    "another --out")
            mismatched = [k for k in manifest if found.get(k) != manifest[k]]
            if mismatched:
                raise BatchFolderError(
                    f"{self.root} holds a different batch (differs in {', '.join(mismatched)}); "
                    "resume with the same scenario and options, or choose another --out")
        if not self.finished():  # a finished batch has no chunks left, nor needs them
            self.chunks.mkdir(parents=True, exist_ok=True)
        _atomic_write(existing, json.dumps(manifest, indent=2, sort_keys=True).encode())

    def done(self) -> set[int]:
        return {int(p.name[5:14]) for p in self.chunks.glob("runs-*.parquet")}

    def save(self, start: int, runs: pa.Table, events: pa.Table | None) -> None:
        """Writes a finished chunk's tables (built once: the batch also reads its rows off them)."""
        if events is not None:
            self._write(f"events-{start:09d}.parquet", events)
        self._write(f"runs-{start:09d}.parquet", runs)

    def load(self, start: int, events: bool) -> tuple[pa.Table, pa.Table | None]:
        runs = pq.read_table(self.chunks / f"runs-{start:09d}.parquet")
        path = self.chunks / f"events-{start:09d}.parquet"
        return runs, (pq.read_table(path) if events and path.exists() else None)

    def _write(self, name: str, table: pa.Table) -> None:
        temporary = self.chunks / f".{name}.tmp"
        pq.write_table(table, temporary)
        os.replace(temporary, self.chunks / name)

    def finished(self) -> bool:
        """Whether the batch's final files are all written (summary.json is written last)."""
        return all((self.root / name).is_file() for name in FINAL)

    def finish(self, runs: pd.DataFrame, events: pd.DataFrame | None, summary: dict[str, Any],
               scenario_file: bytes) -> None:
        """Writes the final tables, then drops the chunk files, which they now hold: a
        finished batch keeps one copy of its runs. Each file is written under a temporary
        name first, and the chunks go only once summary.json is in place, so an interruption
        here leaves either the chunks or the final files for ``--resume``."""
        _atomic_parquet(self.root / "runs.parquet", runs)
        if events is not None:
            _atomic_parquet(self.root / "events.parquet", events)
        _atomic_write(self.root / "scenario.yaml", scenario_file)
        _atomic_write(self.root / "summary.json",
                      json.dumps(summary, indent=2, sort_keys=True, default=float).encode())
        shutil.rmtree(self.chunks, ignore_errors=True)


FINAL = ("runs.parquet", "scenario.yaml", "summary.json")  # what a finished batch folder holds


def _atomic_parquet(path: Path, frame: pd.DataFrame) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    frame.to_parquet(temporary, index=False)
    os.replace(temporary, path)


def _atomic_write(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)
