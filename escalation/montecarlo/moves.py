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
_FIRST = 0x21  # codes start after the space: no code is whitespace


def vocabulary(scenario: Scenario) -> tuple[str, ...]:
    """Every move a run of the scenario can make, in a fixed order, and the ellipsis."""
    return (*(f"{actor.id}:{kind}" for actor in scenario.actors for kind in sorted(scenario.kinds)),
            ELLIPSIS)


def codes(scenario: Scenario) -> dict[str, str]:
    """The character that stands for each move (compute once per chunk, not per run)."""
    return {move: chr(_FIRST + index) for index, move in enumerate(vocabulary(scenario))}


def encode(codes: dict[str, str], moves: list[str]) -> str:
    return "".join(codes[move] for move in moves)


def spell_out(scenario: Scenario, column: pd.Series) -> pd.Series:
    """Coded paths as 'actor:kind > ...' strings, a categorical spelled out once per path.

    The spelling is done in Arrow, straight into the categories' storage: a Python string
    per path, and pandas' conversion of them, took 65 MiB for the 27,500 paths of 300,000
    runs of the seed scenario (6 MiB of text)."""
    import pandas as pd  # the batch's process only: workers import this module too
    import pyarrow as pa
    import pyarrow.compute as pc

    category = column.astype("category")
    coded = pa.array(category.cat.categories, type=pa.large_string())
    ends = np.frombuffer(coded.buffers()[1], np.int64)[coded.offset:coded.offset + len(coded) + 1]
    data = coded.buffers()[2]
    codes = np.frombuffer(data if data is not None else b"", np.uint8)[ends[0]:ends[-1]]
    moves = pa.array(vocabulary(scenario)).take(pa.array(codes.astype(np.int64) - _FIRST))
    paths = pa.LargeListArray.from_arrays(pa.array(ends - ends[0]), moves)
    spelled = pc.binary_join(paths, MOVE_SEPARATOR)
    return category.cat.rename_categories(pd.Index(spelled, dtype="str"))
