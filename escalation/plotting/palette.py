"""Every colour the figures use, in one place, so that a colour keeps one meaning.

Two palettes are reserved: ``OUTCOMES`` for outcome classes (in the scenario's order) and
``ACTORS`` for actors (in the scenario's order, as the ``deaths.<actor>`` columns have them).
No actor colour is within 30 CIE76 ΔE units of an outcome colour, so a reader who learnt
"blue is war" in one figure never sees blue mean the United States in the next. Everything
else (fan charts, swing bars, rungs, the PRIM box's background) is drawn in neutral greys,
which belong to neither palette; ordered things (rungs) in shades of grey, darker for higher.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from matplotlib.colors import to_rgb

from escalation.montecarlo.results import Results

# tab10 without its grey and cyan: the outcome colours earlier versions used, in their order.
OUTCOMES = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
            "#bcbd22")
# Teal, navy, goldenrod, deep pink, dark olive, dark magenta, turquoise, near black: chosen
# far (ΔE76 > 33) from every outcome colour and (> 29) from each other; the most distinct
# first, as most scenarios have at most six actors.
ACTORS = ("#008080", "#000080", "#a6761d", "#ff1493", "#637939", "#8b008b", "#00ced1",
          "#1a1a1a")
NEUTRAL = "0.35"  # fans, a batch's own lines: no outcome, no actor
NEUTRAL_LIGHT = "0.72"
OTHER = "0.85"  # folded, 'other' categories
INTERVAL_ALPHA = 0.3  # interval bands: visible on white, lines still readable through them


def outcome_colour(index: int) -> str:
    """The colour of the outcome class at ``index`` in the scenario's order."""
    return OUTCOMES[index % len(OUTCOMES)]


def actor_colour(index: int) -> str:
    """The colour of the actor at ``index`` in the scenario's order."""
    return ACTORS[index % len(ACTORS)]


def outcome_colours(results: Results) -> dict[str, str]:
    """One colour per outcome class, by its place in the scenario's order (then classes only
    seen in runs), identical in every figure of the batch."""
    return {name: outcome_colour(i) for i, name in enumerate(results.summary().index)}


def colours_for(names: Iterable[str], outcome_ids: Iterable[str]) -> dict[str, str]:
    """Outcome colours for ``names`` when only the scenario's outcome order is known (a PRIM
    result, a sweep table): a name keeps the colour of its place in ``outcome_ids``."""
    order = list(dict.fromkeys([*outcome_ids, *names]))
    return {name: outcome_colour(order.index(name)) for name in names}


def actor_names(results: Results) -> list[str]:
    """The batch's actors in the scenario's order: its ``deaths.<actor>`` columns."""
    return [c[len("deaths."):] for c in results.runs.columns if c.startswith("deaths.")]


def actor_colours(results: Results, extra: Iterable[str] = ()) -> dict[str, str]:
    """One colour per actor, by its place in the scenario's order; actors only named in
    ``extra`` (e.g. moves of an actor without a deaths column) follow."""
    names = list(dict.fromkeys([*actor_names(results), *extra]))
    return {name: actor_colour(i) for i, name in enumerate(names)}


def tint(colour: str, strength: float = 0.35) -> tuple[float, float, float]:
    """``colour`` mixed with white (``strength`` of the colour): a background light enough
    for black text, still recognisably the colour of its legend entry."""
    rgb = np.array(to_rgb(colour))
    mixed = 1 - strength * (1 - rgb)
    return (float(mixed[0]), float(mixed[1]), float(mixed[2]))


def rung_colours(count: int) -> list[str]:
    """Greys for rungs 1 .. ``count``, darker for higher: ordered like the ladder, and
    neither an outcome nor an actor colour."""
    shades = np.linspace(0.62, 0.0, max(count, 1))
    return [f"{shade:.3f}" for shade in shades]
