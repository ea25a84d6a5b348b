"""The escalation-path figure: the prefix tree of the runs' first moves as an icicle chart.

One row per move, read top down; each rectangle is a path prefix as wide as its share of the
runs, split below into the moves that followed. The bottom row shows how every branch ended,
in outcome classes coloured as in the other figures, so a glance tells which opening moves
lead to war.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import PercentFormatter

from escalation.analysis.paths import MINOR_KINDS, OTHER, outcome_classes, path_tree
from escalation.montecarlo.results import Results
from escalation.montecarlo.stats import wilson
from escalation.plotting.outcomes import new_axes, no_data
from escalation.plotting.palette import OTHER as OTHER_COLOUR
from escalation.plotting.palette import actor_colours, outcome_colours, tint

HEIGHT = 0.92  # of a row: a thin white gap between rows
FONT = 7.0  # points
CHAR = 0.6 * FONT  # points per character, about, for deciding whether a label fits
KIND_COLOUR = "0.93"  # moves without their actor: one neutral shade, no actor's colour
ROOT = -1  # the index given to the root in gids (runs left without any move end there)


def path_icicle_chart(results: Results, depth: int = 4, drop_kinds: Iterable[str] = MINOR_KINDS,
                      actors: bool = True, min_share: float = 0.01) -> Figure:
    """The path tree of ``path_tree`` (same arguments) as an icicle chart.

    Node rectangles have gid 'node-<row of the tree>'; the bottom row's segments, one per
    (node where runs end, outcome class), have gid 'end-<row>-<class>' ('end--1-...' for runs
    without any move). Widths are shares of the completed runs."""
    drop = tuple(drop_kinds)
    what = f"escalation paths, first {depth} moves" + (f" (without {', '.join(drop)})" if drop else "")
    figure, axes = new_axes(results, what)
    tree = path_tree(results, depth, drop, actors, min_share)
    total = len(results.completed)
    if tree.empty:
        no_data(axes, "no completed runs" if total == 0 else "no moves")
        return figure
    levels = int(tree["level"].max())
    figure.set_size_inches(11.0, 1.6 + 0.75 * (levels + 1))
    left = _layout(tree)
    _draw_nodes(figure, axes, tree, left, total, _node_colours(results, tree, actors))
    _draw_ends(figure, axes, results, tree, left, total, levels + 1)
    if actors:
        _actor_legend(figure, results, tree)
    axes.set_ylim(levels + 1 + HEIGHT / 2 + 0.05, 1 - HEIGHT / 2 - 0.05)
    axes.set_yticks(range(1, levels + 2), [*(f"move {i}" for i in range(1, levels + 1)), "outcome"])
    axes.set_xlim(0, 1)
    axes.set_xlabel(f"share of the {total:,} completed runs"
                    f" (prefixes under {min_share:.0%} of runs folded into '{OTHER}')")
    axes.xaxis.set_major_formatter(PercentFormatter(xmax=1))
    axes.tick_params(axis="y", length=0)
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    return figure


def _layout(tree: pd.DataFrame) -> np.ndarray:
    """Each node's left edge: children fill their parent from its left, in the tree's order
    (most frequent first); runs that end at a node take the rest of its width."""
    edge = {"": 0}  # next free position (in runs) under each prefix
    left = np.zeros(len(tree), dtype=np.int64)
    for i, (prefix, parent, runs) in enumerate(tree[["prefix", "parent", "runs"]].itertuples(False)):
        left[i] = edge[parent]
        edge[parent] += runs
        edge[prefix] = left[i]
    return left


def _node_colours(results: Results, tree: pd.DataFrame, actors: bool) -> list[object]:
    """Each node's fill: its actor's colour from the actor palette, lightened so its label
    reads (and never mistaken for an outcome's full colour), with a legend of the actors
    shown; 'other' grey; one neutral shade when moves are shown without their actor."""
    moves = [str(m) for m in tree["move"]]
    if not actors:
        return [OTHER_COLOUR if m == OTHER else KIND_COLOUR for m in moves]
    who = [m.rpartition(":")[0] for m in moves]
    palette = actor_colours(results, who)
    return [OTHER_COLOUR if m == OTHER else tint(palette[a]) for a, m in zip(who, moves, strict=True)]


def _actor_legend(figure: Figure, results: Results, tree: pd.DataFrame) -> None:
    """The legend of the nodes' actor colours, right of the chart (the outcome legend is
    below it)."""
    shown = dict.fromkeys(str(m).rpartition(":")[0] for m in tree["move"] if m != OTHER)
    palette = actor_colours(results, shown)
    handles = [Patch(facecolor=tint(palette[a]), edgecolor=palette[a], label=a) for a in shown if a]
    if handles:
        figure.legend(handles=handles, loc="outside right upper", fontsize=8, title="actor",
                      title_fontsize=8, frameon=False)


def _draw_nodes(figure: Figure, axes: Axes, tree: pd.DataFrame, left: np.ndarray, total: int,
                colours: list[object]) -> None:
    moves = [str(m) for m in tree["move"]]
    runs = tree["runs"].to_numpy(dtype=np.int64)
    levels = tree["level"].to_numpy(dtype=np.int64)
    bars = axes.barh(levels, runs / total, left=left / total, height=HEIGHT, color=colours,
                     edgecolor="white", linewidth=0.8)
    width_points = axes.get_position().width * figure.get_figwidth() * 72
    for i, bar in enumerate(bars):
        bar.set_gid(f"node-{i}")
        label = _fitting_label(moves[i], int(runs[i]), total, runs[i] / total * width_points)
        if label:
            axes.text((left[i] + runs[i] / 2) / total, levels[i], label, ha="center",
                      va="center", fontsize=FONT, gid=f"node-label-{i}")


def _fitting_label(move: str, runs: int, total: int, room: float) -> str:
    """The longest of: move and share with its interval, move, kind, that fits ``room``
    points; '' when none does."""
    actor, _, kind = move.rpartition(":")
    low, high = wilson(runs, total)
    share = f"{runs / total:.0%} [{low:.0%}, {high:.0%}]"
    for lines in ([actor, kind, share], [actor, kind], [kind]):
        shown = [line for line in lines if line]
        if max(len(line) for line in shown) * CHAR + 4 <= room:
            return "\n".join(shown)
    return ""


def _draw_ends(figure: Figure, axes: Axes, results: Results, tree: pd.DataFrame, left: np.ndarray, total: int,
               row: int) -> None:
    """The bottom row: below each node, its runs that end there, split by outcome class."""
    classes = outcome_classes(results)
    colours = outcome_colours(results)
    counts = tree[[f"outcome.{c}" for c in classes]].to_numpy(dtype=np.int64)
    children = np.zeros_like(counts)
    positions = {prefix: i for i, prefix in enumerate(tree["prefix"])}
    root = np.zeros(len(classes), dtype=np.int64)
    for i, parent in enumerate(tree["parent"]):
        if parent:
            children[positions[parent]] += counts[i]
        else:
            root += counts[i]
    ending = counts - children
    start = left + children.sum(axis=1)  # children fill the left of a node; ends the rest
    everything = results.completed["outcome"].astype(str).value_counts()
    root = np.array([int(everything.get(c, 0)) for c in classes]) - root
    spans = [(ROOT, int(tree["runs"][tree["level"] == 1].sum()), root),
             *((i, int(start[i]), ending[i]) for i in range(len(tree)))]
    for node, x, by_class in spans:
        for name, runs in zip(classes, by_class, strict=True):
            if runs <= 0:
                continue
            bar = axes.barh(row, runs / total, left=x / total, height=HEIGHT,
                            color=colours[name], edgecolor="white", linewidth=0.5)[0]
            bar.set_gid(f"end-{node}-{name}")
            x += int(runs)
    summary = results.summary()
    handles = [Patch(color=colours[name], label=f"{name}: {p:.1%} [{lo:.1%}, {hi:.1%}]")
               for name, p, lo, hi in zip(classes, summary["probability"], summary["ci_low"],
                                          summary["ci_high"], strict=True)]
    figure.legend(handles=handles, loc="outside lower center", ncols=min(4, len(handles)),
                       fontsize=8, title="outcome class: probability [95% Wilson interval]",
                       title_fontsize=8, frameon=False)
