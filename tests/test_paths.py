"""Escalation paths, checked on a hand-made batch whose counts are known.

- ``path_table`` counts move sequences (minor kinds dropped, optionally cut to a depth or to
  kinds alone), most frequent first, with Wilson intervals and outcome shares, and an 'other'
  row so shares add to 1; a depth-1 table is the count of first moves.
- ``path_tree`` is the prefix tree: each node's runs are its children's plus those ending
  there; small siblings are folded into 'other'.
- ``path_icicle_chart`` draws each node as wide as its share, inside its parent, and ends
  every branch in outcome segments that tile the whole width.
- ``format_path_table`` fits any width and never cuts a path: two paths differing only after
  120 characters print differently.
"""

from __future__ import annotations

from collections import Counter
from itertools import pairwise

import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.patches import Rectangle

from escalation.analysis.paths import (
    NO_MOVES,
    OTHER,
    format_path_table,
    moves_of,
    path_table,
    path_tree,
)
from escalation.montecarlo.results import Results
from escalation.montecarlo.stats import wilson
from escalation.plotting.paths import path_icicle_chart

A, B, S, C = "a:strike", "b:strike", "a:stand_down", "b:criticize"
# (path, outcome), one per run; the last run failed and counts nowhere.
RUNS = [
    (f"{A} > {B} > {A}", "war"),
    (f"{A} > {B} > {A}", "war"),
    (f"{A} > {B} > {A}", "peace"),
    (f"{A} > {C} > {B} > {A}", "war"),  # the same path once the criticism is dropped
    (f"{A} > {B}", "peace"),
    (f"{A} > {B}", "peace"),
    (f"{A} > {S}", "peace"),
    (B, "peace"),
    (f"{A} > {C}", "peace"),  # just A once the criticism is dropped
    ("", "peace"),  # a run without any move
    ("", "failed"),
]
DONE = 10


def hand_made(runs: list[tuple[str, str]] = RUNS) -> Results:
    frame = pd.DataFrame({
        "run": range(len(runs)),
        "outcome": pd.Categorical([o for _, o in runs]),
        "path": pd.Categorical([p for p, _ in runs]),
        "duration_days": 1.0,
    })
    return Results("hand", 7, ("war", "peace"), frame)


def rows_by_path(table: pd.DataFrame) -> dict[str, dict[str, object]]:
    return {str(row["path"]): dict(row) for _, row in table.iterrows()}


# -- path_table ------------------------------------------------------------------------------
def test_path_table_counts_whole_paths_without_minor_moves() -> None:
    table = path_table(hand_made())
    assert list(table.columns) == ["path", "runs", "share", "ci_low", "ci_high", "outcome.war",
                                   "outcome.peace"]
    # Most frequent first; ties by path ('(' sorts before letters).
    assert list(table["path"]) == [f"{A} > {B} > {A}", f"{A} > {B}", NO_MOVES, A, f"{A} > {S}", B]
    assert list(table["runs"]) == [4, 2, 1, 1, 1, 1]
    first = table.iloc[0]
    assert first["share"] == 0.4
    assert (first["ci_low"], first["ci_high"]) == wilson(4, DONE)
    assert (first["outcome.war"], first["outcome.peace"]) == (0.75, 0.25)
    assert table["share"].sum() == pytest.approx(1.0)
    assert OTHER not in set(table["path"])  # nothing left over: no 'other' row


def test_path_table_folds_the_rest_into_other_so_shares_add_to_one() -> None:
    table = path_table(hand_made(), top=3)
    assert list(table["path"]) == [f"{A} > {B} > {A}", f"{A} > {B}", NO_MOVES, OTHER]
    other = table.iloc[-1]
    assert other["runs"] == 3 and other["share"] == pytest.approx(0.3)
    assert (other["ci_low"], other["ci_high"]) == wilson(3, DONE)
    assert (other["outcome.war"], other["outcome.peace"]) == (0.0, 1.0)
    assert table["runs"].sum() == DONE
    assert table["share"].sum() == pytest.approx(1.0)
    shares = table[["outcome.war", "outcome.peace"]].sum(axis=1)
    np.testing.assert_allclose(shares, 1.0)


def test_depth_one_table_is_the_count_of_first_moves() -> None:
    results = hand_made()
    table = path_table(results, depth=1, drop_kinds=())
    first = Counter(p.split(" > ")[0] or NO_MOVES for p, o in RUNS if o != "failed")
    assert dict(zip(table["path"], table["runs"], strict=True)) == dict(first)
    assert dict(zip(table["path"], table["runs"], strict=True)) == {A: 8, B: 1, NO_MOVES: 1}
    assert rows_by_path(table)[A]["outcome.war"] == 3 / 8


def test_path_table_keeps_minor_moves_when_asked_and_can_drop_actors() -> None:
    kept = rows_by_path(path_table(hand_made(), drop_kinds=()))
    assert kept[f"{A} > {B} > {A}"]["runs"] == 3
    assert kept[f"{A} > {C} > {B} > {A}"]["runs"] == 1
    kinds = rows_by_path(path_table(hand_made(), actors=False))
    assert {p: r["runs"] for p, r in kinds.items()} == {
        "strike > strike > strike": 4, "strike > strike": 2, "strike": 2,
        "strike > stand_down": 1, NO_MOVES: 1}


def test_moves_of_cuts_drops_and_keeps_the_cap_marker() -> None:
    path = f"{A} > {C} > {B} > …"
    assert moves_of(path) == (A, B, "…")
    assert moves_of(path, depth=2, drop_kinds=()) == (A, C)
    assert moves_of(path, actors=False) == ("strike", "strike", "…")
    assert moves_of("") == ()
    with pytest.raises(ValueError, match="depth"):
        path_table(hand_made(), depth=0)


def test_path_table_of_a_batch_without_completed_runs_is_empty() -> None:
    table = path_table(hand_made([("", "failed")]))
    assert table.empty and "outcome.war" in table.columns


# -- path_tree -------------------------------------------------------------------------------
def test_path_tree_is_the_prefix_tree_with_hand_computed_counts() -> None:
    tree = path_tree(hand_made(), depth=2, min_share=0.0)
    expected = [  # level, prefix, runs, ends, war, peace; depth first, most frequent first
        (1, A, 8, 1, 3, 5),
        (2, f"{A} > {B}", 6, 6, 3, 3),
        (2, f"{A} > {S}", 1, 1, 0, 1),
        (1, B, 1, 1, 0, 1),
    ]
    got = list(tree[["level", "prefix", "runs", "ends", "outcome.war", "outcome.peace"]]
               .itertuples(index=False, name=None))
    assert got == expected
    assert list(tree["move"]) == [A, B, S, B]
    assert list(tree["parent"]) == ["", A, A, ""]
    np.testing.assert_allclose(tree["share"], tree["runs"] / DONE)


def test_path_tree_nodes_add_up() -> None:
    tree = path_tree(hand_made(), depth=4, min_share=0.0)
    assert tree["level"].max() == 3
    level_one = tree[tree["level"] == 1]
    assert level_one["share"].sum() + 1 / DONE == pytest.approx(1.0)  # + the run without moves
    for _, node in tree.iterrows():
        children = tree[tree["parent"] == node["prefix"]]
        assert node["runs"] == children["runs"].sum() + node["ends"]
        assert node["runs"] == node["outcome.war"] + node["outcome.peace"]


def test_path_tree_folds_small_siblings_into_other() -> None:
    tree = path_tree(hand_made(), depth=2, min_share=0.15)
    assert list(zip(tree["prefix"], tree["runs"], strict=True)) == [
        (A, 8), (f"{A} > {B}", 6), (f"{A} > {OTHER}", 1), (OTHER, 1)]
    assert list(tree["ends"]) == [1, 6, 1, 1]
    assert (tree["runs"] / DONE).min() < 0.15  # 'other' itself may be small: it is not folded


# -- the icicle chart ------------------------------------------------------------------------
def patches_by_gid(axes: Axes, prefix: str) -> dict[str, Rectangle]:
    return {str(p.get_gid())[len(prefix):]: p for p in axes.patches
            if isinstance(p, Rectangle) and str(p.get_gid()).startswith(prefix)}


@pytest.mark.parametrize("min_share", [0.0, 0.15])
def test_icicle_rectangles_are_as_wide_as_their_runs_and_sit_in_their_parent(min_share: float
                                                                             ) -> None:
    results = hand_made()
    tree = path_tree(results, depth=3, min_share=min_share)
    figure = path_icicle_chart(results, depth=3, min_share=min_share)
    (axes,) = figure.axes
    nodes = patches_by_gid(axes, "node-")
    assert sorted(nodes, key=int) == [str(i) for i in range(len(tree))]
    for i, node in tree.iterrows():
        rect = nodes[str(i)]
        assert rect.get_width() == pytest.approx(node["runs"] / DONE)
        assert rect.get_y() + rect.get_height() / 2 == pytest.approx(node["level"])
        if node["parent"]:
            parent = nodes[str(tree.index[tree["prefix"] == node["parent"]][0])]
            assert parent.get_x() - 1e-12 <= rect.get_x()
            assert rect.get_x() + rect.get_width() <= parent.get_x() + parent.get_width() + 1e-12


def test_icicle_outcome_row_tiles_the_width_by_how_branches_end() -> None:
    results = hand_made()
    tree = path_tree(results, depth=3, min_share=0.0)
    (axes,) = path_icicle_chart(results, depth=3, min_share=0.0).axes
    ends = patches_by_gid(axes, "end-")
    spans = sorted((r.get_x(), r.get_width()) for r in ends.values())
    assert spans[0][0] == pytest.approx(0.0)
    for (x, w), (next_x, _) in pairwise(spans):
        assert x + w == pytest.approx(next_x)  # contiguous, no overlap
    assert sum(w for _, w in spans) == pytest.approx(1.0)
    by_outcome: Counter[str] = Counter()
    for gid, rect in ends.items():
        by_outcome[gid.rsplit("-", 1)[1]] += round(rect.get_width() * DONE)
    assert by_outcome == Counter({"war": 3, "peace": 7})
    # The A > B > A branch (3 war, 1 peace) ends below itself, split by outcome.
    deepest = str(tree.index[tree["prefix"] == f"{A} > {B} > {A}"][0])
    assert ends[f"{deepest}-war"].get_width() == pytest.approx(0.3)
    assert ends[f"{deepest}-peace"].get_width() == pytest.approx(0.1)
    assert ends["-1-peace"].get_width() == pytest.approx(0.1)  # the run without moves
    colours = {str(rect.get_gid()).rsplit("-", 1)[1]: rect.get_facecolor() for rect in ends.values()}
    assert colours["war"] != colours["peace"]
    legend = [t.get_text() for t in axes.figure.legends[0].get_texts()]
    p, (low, high) = 0.3, wilson(3, DONE)
    assert legend[0] == f"war: {p:.1%} [{low:.1%}, {high:.1%}]"


def test_icicle_labels_wide_nodes_only() -> None:
    results = hand_made(RUNS + [(f"{A} > {B}", "peace")] * 90)  # b:strike first: 1 run in 100
    tree = path_tree(results, depth=3, min_share=0.0)
    (axes,) = path_icicle_chart(results, depth=3, min_share=0.0).axes
    labels = {str(t.get_gid()): t.get_text() for t in axes.texts if t.get_gid()}
    low, high = wilson(98, 100)
    assert labels["node-label-0"] == f"a\nstrike\n98% [{low:.0%}, {high:.0%}]"
    narrow = tree.index[tree["prefix"] == B][0]
    assert tree.loc[narrow, "share"] == 0.01
    assert f"node-label-{narrow}" not in labels


def test_icicle_of_a_batch_without_completed_runs_says_so() -> None:
    (axes,) = path_icicle_chart(hand_made([("", "failed")])).axes
    assert any("no completed runs" in t.get_text() for t in axes.texts)
    assert not patches_by_gid(axes, "node-")


# -- printed tables --------------------------------------------------------------------------
LONG = " > ".join(["united_states:targeted_killing", "iran:ballistic_strike"] * 4)  # 215 chars


def long_paths() -> Results:
    """Two paths that agree on their first 215 characters and differ in their last move."""
    return hand_made([(f"{LONG} > a:strike", "war")] * 2 + [(f"{LONG} > b:strike", "peace")])


@pytest.mark.parametrize("width", [60, 80, 120, 250])
def test_paths_differing_after_120_characters_print_differently_at_any_width(width: int) -> None:
    table = path_table(long_paths())
    text = format_path_table(table, width)
    assert all(len(line) <= width for line in text.splitlines())
    flat = " ".join(text.split())  # continuation lines joined: nothing of a path is lost
    assert f"{LONG} > a:strike" in flat and f"{LONG} > b:strike" in flat


def test_narrow_tables_put_paths_below_their_numbers() -> None:
    table = path_table(hand_made())
    wide, narrow = format_path_table(table, 200), format_path_table(table, 50)
    assert wide.splitlines()[0].rstrip().endswith("path")
    assert "path" not in narrow.splitlines()[0]
    assert f"    {A} > {B} > {A}" in narrow.splitlines()
    assert any(line.endswith(f"{A} > {B} > {A}") and line.split()[0] == "4" for line in wide.splitlines())
