"""Compact paths: while a batch runs, a run's path is one character per move.

A path written out ('united_states:targeted_killing > iran:threat > ...') is ~250 bytes,
most of them repeated in every run, and paths are too varied to share a dictionary: a
million of them held in chunk tables would take more memory than all other columns
together. So chunks carry one character per move, from the scenario's vocabulary of moves
(every actor with every action kind), and the final table spells them out once per distinct
path, as a categorical column.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from escalation.engine.tally import MOVE_SEPARATOR
from escalation.scenario.compiled import Scenario

if TYPE_CHECKING:  # workers import this module to code paths: they need no pandas (~90 MiB each)
    import pandas as pd

ELLIPSIS = "…"  # the tally's mark for moves beyond its limit
_FIRST = 0x21  # codes start after the space (the first ones are readable in a chunk file)
_SURROGATES = range(0xD800, 0xE000)  # not characters: UTF-8 (Arrow, Parquet) cannot hold them
MAX_MOVES = 0x110000 - _FIRST - len(_SURROGATES)  # the code space: every other code point


def vocabulary(scenario: Scenario) -> tuple[str, ...]:
    """Every move a run of the scenario can make, in a fixed order, and the ellipsis."""
    return (*(f"{actor.id}:{kind}" for actor in scenario.actors for kind in sorted(scenario.kinds)),
            ELLIPSIS)


def codes(scenario: Scenario) -> dict[str, str]:
    """The character that stands for each move (compute once per chunk, not per run).

    Any code point from '!' on but the surrogates: a scenario may have ~1.1 million moves
    (actors x action kinds), and a code may take one to four bytes in UTF-8."""
    moves = vocabulary(scenario)
    if len(moves) > MAX_MOVES:
        raise ValueError(f"scenario '{scenario.name}' has {len(moves):,} possible moves (actors x "
                         f"action kinds); paths can code at most {MAX_MOVES:,}")
    return {move: chr(_code_point(index)) for index, move in enumerate(moves)}


def _code_point(index: int | np.ndarray) -> int | np.ndarray:
    point = index + _FIRST
    return point + (point >= _SURROGATES.start) * len(_SURROGATES)


def _index(point: np.ndarray) -> np.ndarray:
    """The vocabulary index of each code point (``_code_point`` inverted)."""
    return point - _FIRST - (point >= _SURROGATES.stop) * len(_SURROGATES)


def encode(codes: dict[str, str], moves: list[str]) -> str:
    return "".join(codes[move] for move in moves)


def spell_out(scenario: Scenario, column: pd.Series) -> pd.Series:
    """Coded paths as 'actor:kind > ...' strings, a categorical spelled out once per path.

    The spelling is done in Arrow, straight into the categories' storage: a Python string
    per path, and pandas' conversion of them, took 65 MiB for the 27,500 paths of 300,000
    runs of the seed scenario (6 MiB of text). Paths are read as code points (UTF-32), not
    bytes: a code beyond U+007F takes more than one byte in UTF-8."""
    import pandas as pd  # the batch's process only: workers import this module too
    import pyarrow as pa
    import pyarrow.compute as pc

    category = column.astype("category")
    coded = category.cat.categories
    lengths = np.fromiter(map(len, coded), np.int64, len(coded))
    ends = np.concatenate(([0], np.cumsum(lengths)))
    points = np.frombuffer("".join(coded).encode("utf-32-le"), np.uint32).astype(np.int64)
    moves = pa.array(vocabulary(scenario)).take(pa.array(_index(points)))
    paths = pa.LargeListArray.from_arrays(pa.array(ends), moves)
    spelled = pc.binary_join(paths, MOVE_SEPARATOR)
    return category.cat.rename_categories(pd.Index(spelled, dtype="str"))
