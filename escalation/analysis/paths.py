"""Escalation paths: which sequences of moves a batch's runs take, how often, where they end.

A run's ``path`` is 'actor:kind > actor:kind > ...' (warnings left out). Minor moves
(``drop_kinds``, criticism by default) are removed before counting, so that two runs differing
only by a protest follow the same path. Only completed runs count (failed runs have no path),
so shares are of the same runs as the outcome probabilities.
"""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Iterable

import numpy as np
import pandas as pd

from escalation.engine.tally import MOVE_SEPARATOR
from escalation.montecarlo.results import Results
from escalation.montecarlo.stats import wilson

MINOR_KINDS = ("criticize",)
HEAD = 7  # characters of an outcome's name in a printed table's header (a legend gives the rest)
NARROWEST_PATH = 30  # a path column narrower than this goes below its row's numbers instead
OTHER = "other"
NO_MOVES = "(no moves)"
Moves = tuple[str, ...]


def moves_of(path: str, depth: int | None = None, drop_kinds: Iterable[str] = MINOR_KINDS,
             actors: bool = True) -> Moves:
    """The moves of a path string, minor kinds removed, optionally only the kinds (``actors``
    False), cut to the first ``depth`` moves."""
    dropped = frozenset(drop_kinds)
    moves = []
    for move in path.split(MOVE_SEPARATOR) if path else ():
        actor, _, kind = move.rpartition(":")
        if kind in dropped:
            continue
        moves.append(move if actors or not actor else kind)
    return tuple(moves[:depth] if depth is not None else moves)


def outcome_classes(results: Results) -> list[str]:
    """The outcome classes in the scenario's order (then any others), as ``summary()`` and the
    figures' colours have them."""
    return [str(name) for name in results.summary().index]


def path_counts(results: Results, depth: int | None = None,
                drop_kinds: Iterable[str] = MINOR_KINDS, actors: bool = True
                ) -> dict[Moves, np.ndarray]:
    """Completed runs per distinct move sequence: for each, its runs in each outcome class
    (in ``outcome_classes`` order)."""
    if depth is not None and depth < 1:
        raise ValueError(f"depth must be at least 1 (or None for whole paths), got {depth}")
    classes = outcome_classes(results)
    done = results.completed
    counts: dict[Moves, np.ndarray] = {}
    if done.empty:
        return counts
    drop = tuple(drop_kinds)
    # Grouped before any string work: a million runs take only a few thousand distinct paths.
    grouped = done.groupby(["path", "outcome"], observed=True, sort=False).size()
    column = {name: i for i, name in enumerate(classes)}
    for (path, outcome), runs in zip(grouped.index.tolist(), grouped.tolist(), strict=True):
        key = moves_of(str(path), depth, drop, actors)
        if key not in counts:
            counts[key] = np.zeros(len(classes), dtype=np.int64)
        counts[key][column[outcome]] += runs
    return counts


def path_table(results: Results, depth: int | None = None,
               drop_kinds: Iterable[str] = MINOR_KINDS, actors: bool = True, top: int = 20
               ) -> pd.DataFrame:
    """The ``top`` most frequent move sequences, most frequent first (ties by path), then an
    'other' row for the rest (when there is a rest), so ``share`` adds up to 1.

    Columns: path ('(no moves)' for runs left without any), runs, share of the completed runs
    with its 95% Wilson interval (ci_low, ci_high), and ``outcome.<class>``: the share of the
    row's runs that ended in each outcome class."""
    classes = outcome_classes(results)
    counts = path_counts(results, depth, drop_kinds, actors)
    total = int(sum(c.sum() for c in counts.values()))
    order = sorted(counts, key=lambda key: (-int(counts[key].sum()), _label(key)))
    rows = [_row(_label(key), counts[key], classes, total) for key in order[:top]]
    if len(order) > top:
        rest = np.sum([counts[key] for key in order[top:]], axis=0)
        rows.append(_row(OTHER, rest, classes, total))
    columns = ["path", "runs", "share", "ci_low", "ci_high", *(f"outcome.{c}" for c in classes)]
    return pd.DataFrame(rows, columns=columns)


def path_tree(results: Results, depth: int = 4, drop_kinds: Iterable[str] = MINOR_KINDS,
              actors: bool = True, min_share: float = 0.01) -> pd.DataFrame:
    """The prefix tree of the first ``depth`` moves, one row per node, depth first (each node
    before its children, siblings most frequent first, ties by move).

    Columns: level (1 = first move), prefix (the moves so far, joined by ' > '), move, parent
    (the parent's prefix, '' for the first move), runs, share of all completed runs, ends
    (runs whose shown path stops at this node: shorter paths, the last level, 'other'), and
    ``outcome.<class>``: how many of the node's runs ended in each class. Siblings under
    ``min_share`` of all runs are folded into one 'other' node, which is not expanded."""
    if depth < 1:
        raise ValueError(f"depth must be at least 1, got {depth}")
    classes = outcome_classes(results)
    counts = path_counts(results, depth, drop_kinds, actors)
    total = int(sum(c.sum() for c in counts.values()))
    rows: list[dict[str, object]] = []
    _grow(counts, (), classes, total, min_share, rows)
    columns = ["level", "prefix", "move", "parent", "runs", "share", "ends",
               *(f"outcome.{c}" for c in classes)]
    return pd.DataFrame(rows, columns=columns).astype({"level": "int64", "runs": "int64",
                                                       "ends": "int64"})


def _label(key: Moves) -> str:
    return MOVE_SEPARATOR.join(key) if key else NO_MOVES


def _row(path: str, by_class: np.ndarray, classes: list[str], total: int) -> dict[str, object]:
    runs = int(by_class.sum())
    low, high = wilson(runs, total)
    return {"path": path, "runs": runs, "share": runs / total, "ci_low": low, "ci_high": high,
            **{f"outcome.{c}": int(n) / runs for c, n in zip(classes, by_class, strict=True)}}


def _grow(counts: dict[Moves, np.ndarray], prefix: Moves, classes: list[str], total: int,
          min_share: float, rows: list[dict[str, object]]) -> int:
    """Add the children of ``prefix`` and their subtrees to ``rows``; ``counts`` holds the
    sequences that pass through ``prefix``. Returns the runs that go on past ``prefix``."""
    level = len(prefix) + 1
    children: dict[str, dict[Moves, np.ndarray]] = {}
    for key, by_class in counts.items():
        if len(key) >= level:
            children.setdefault(key[level - 1], {})[key] = by_class
    sums = {move: np.sum(list(below.values()), axis=0) for move, below in children.items()}
    moves = sorted(sums, key=lambda move: (-int(sums[move].sum()), move))
    kept = [move for move in moves if sums[move].sum() >= min_share * total]
    parent = MOVE_SEPARATOR.join(prefix)
    for move in kept:
        row = _node((*prefix, move), parent, sums[move], classes, total)
        rows.append(row)
        row["ends"] = int(sums[move].sum()) - _grow(children[move], (*prefix, move), classes,
                                                    total, min_share, rows)
    folded = [sums[move] for move in moves if move not in kept]
    if folded:
        rows.append(_node((*prefix, OTHER), parent, np.sum(folded, axis=0), classes, total))
    return int(sum(s.sum() for s in sums.values()))


def _node(node: Moves, parent: str, by_class: np.ndarray, classes: list[str], total: int
          ) -> dict[str, object]:
    runs = int(by_class.sum())
    return {"level": len(node), "prefix": MOVE_SEPARATOR.join(node), "move": node[-1],
            "parent": parent, "runs": runs, "share": runs / total, "ends": runs,
            **{f"outcome.{c}": int(n) for c, n in zip(classes, by_class, strict=True)}}


# -- text ------------------------------------------------------------------------------------
def format_path_table(table: pd.DataFrame, width: int | None = None) -> str:
    """``path_table``'s table as text no wider than ``width`` (default: the terminal's).

    Numbers first (runs, share with its interval, each outcome's share), then the whole path,
    wrapped between moves onto as many lines as it needs and never cut: two different paths
    always print differently. When the numbers leave less than ``NARROWEST_PATH`` columns,
    each path goes on its own lines below its numbers. Outcome names longer than ``HEAD``
    are shortened in the header, with a legend line for them."""
    width = width or shutil.get_terminal_size((100, 24)).columns
    classes = [c[len("outcome."):] for c in table.columns if c.startswith("outcome.")]
    heads = _short_names(classes, HEAD)
    cells = [_number_cells(row, classes) for _, row in table.iterrows()]
    header = ["runs", "share", "95% interval", *heads]
    sizes = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(header)]
    numbers = sum(sizes) + 2 * len(sizes)
    beside = width - numbers >= NARROWEST_PATH
    indent = numbers if beside else 4
    lines = [_joined(header, sizes) + ("path" if beside else "")]
    for row_cells, path in zip(cells, table["path"], strict=True):
        wrapped = _wrapped(str(path), max(width - indent, 8))
        first = _joined(row_cells, sizes)
        lines.append(first + wrapped[0] if beside else first.rstrip())
        lines.extend(" " * indent + part for part in (wrapped[1:] if beside else wrapped))
    shortened = [f"{h} = {c}" for h, c in zip(heads, classes, strict=True) if h != c]
    if shortened:
        lines += textwrap.wrap("outcome columns (share of the row's runs): " + ", ".join(shortened),
                               width, subsequent_indent="  ")
    return "\n".join(line.rstrip() for line in lines)


def _wrapped(path: str, width: int) -> list[str]:
    """A path on lines of at most ``width`` characters, broken only after a separator (a
    move longer than a line is broken inside): every character of it is kept."""
    glued = path.replace(MOVE_SEPARATOR, "\u00a0>\u00a0\n").replace("\u00a0\n", " ")
    parts = textwrap.wrap(glued, width, break_on_hyphens=False) or [""]
    return [part.replace("\u00a0", " ") for part in parts]


def _number_cells(row: pd.Series, classes: list[str]) -> list[str]:
    return [f"{int(row['runs']):,}", f"{row['share']:.1%}",
            f"[{row['ci_low']:.1%}, {row['ci_high']:.1%}]",
            *(f"{row[f'outcome.{c}']:.0%}" for c in classes)]


def _joined(cells: list[str], sizes: list[int]) -> str:
    """Cells right-aligned to their column's size, two spaces after each."""
    return "".join(f"{cell:>{size}}  " for cell, size in zip(cells, sizes, strict=True))


def _short_names(names: list[str], size: int) -> list[str]:
    """Each name cut to ``size`` characters, longer where needed to keep them distinct."""
    for length in range(size, max((len(n) for n in names), default=size) + 1):
        short = [n[:length] for n in names]
        if len(set(short)) == len(short):
            return short
    return names
