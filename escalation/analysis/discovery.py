"""Scenario discovery: which combinations of assumptions (the ``param.*`` columns) lead to an
outcome, as a box of parameter ranges (PRIM) or as the rules of a small decision tree.

Both speak of the same three shares. For a set of runs (a box, a leaf): its *support* is the
share of all runs inside it, its *density* the share of the runs inside it that end in the
outcome, and its *coverage* the share of all runs ending in the outcome that fall inside it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from escalation.analysis.sensitivity import default_outcome
from escalation.montecarlo.results import Results
from escalation.montecarlo.stats import wilson

DEFAULT_OUTCOME = "war"
# A box less than 30% denser than all runs is weak, whatever its interval: peeling picks the
# densest slices of the very runs it is scored on, and on pure noise the size of the seed's
# batches (3,000 runs, 19 parameters, a 9% base rate) the chosen box's lift reached 1.19 in
# 30 draws.
MIN_LIFT = 1.3
LOW, HIGH = 0, 1
BOX_COLUMNS = ("parameter", "low", "high", "original_low", "original_high")


def target_outcome(results: Results, outcome: str | None = None) -> str:
    """The outcome to explain: ``outcome``, else 'war' if the scenario has it, else its last
    outcome class."""
    if outcome is not None:
        return outcome
    return default_outcome(results.outcome_ids) if results.outcome_ids else DEFAULT_OUTCOME


def parameter_table(results: Results, outcome: str | None = None) -> tuple[pd.DataFrame, np.ndarray, str]:
    """The completed runs' varying ``param.*`` columns, whether each run ended in the
    outcome, and the outcome's name."""
    name = target_outcome(results, outcome)
    done = results.completed
    columns = [c for c in done.columns if c.startswith("param.") and done[c].nunique() > 1]
    if not columns:
        raise ValueError("no parameter varies across these runs: nothing to discover")
    outcomes = done["outcome"].astype(str)
    known = set(results.outcome_ids) | set(outcomes)
    if name not in known:
        raise ValueError(f"unknown outcome '{name}'; the outcomes are {', '.join(sorted(known))}")
    hits = (outcomes == name).to_numpy()
    return done[columns].astype(float), hits, name


@dataclass(frozen=True)
class PrimResult:
    """PRIM's peeling trajectory and the box it chose.

    ``trajectory`` has one row per step (0 = all runs): runs, support, coverage, density
    with its 95% Wilson interval, how many and which parameters the box restricts.
    ``box`` is the chosen box: one row per restricted parameter (inclusive bounds, and the
    parameter's full range in the runs). ``box_at(step)`` gives any other box of the
    trajectory."""

    scenario: str
    outcome: str
    runs: int
    hits: int
    parameters: tuple[str, ...]
    ranges: np.ndarray  # parameters x (low, high) over all runs
    bounds: np.ndarray  # steps x parameters x (low, high)
    trajectory: pd.DataFrame
    step: int
    outcomes: tuple[str, ...] = ()

    @property
    def box(self) -> pd.DataFrame:
        return self.box_at(self.step)

    @property
    def coverage(self) -> float:
        return float(self.trajectory["coverage"].to_numpy()[self.step])

    @property
    def density(self) -> float:
        return float(self.trajectory["density"].to_numpy()[self.step])

    @property
    def base_rate(self) -> float:
        """The outcome's share of all runs: what a box must beat to mean anything."""
        return float(self.trajectory["density"].to_numpy()[0])

    @property
    def lift(self) -> float:
        """The chosen box's density over the base rate (1: no better than all runs)."""
        return self.density / self.base_rate if self.base_rate > 0 else float("nan")

    @property
    def weak(self) -> bool:
        """Whether the chosen box is no finding: its lift is under ``MIN_LIFT``, or its
        density's 95% Wilson interval reaches down to the base rate. The interval is
        optimistic (the box was chosen on the same runs), so a box flagged weak is surely
        weak, and one not flagged deserves a look on another batch."""
        low = float(self.trajectory["density_low"].to_numpy()[self.step])
        return bool(not self.lift >= MIN_LIFT or low <= self.base_rate)

    def headline(self) -> str:
        """One line on the chosen box: coverage, density against the base rate, lift, and
        whether it is weak, so that a box no denser than all runs is never read as a
        finding."""
        low = float(self.trajectory["density_low"].to_numpy()[self.step])
        high = float(self.trajectory["density_high"].to_numpy()[self.step])
        line = (f"PRIM box for '{self.outcome}': coverage {self.coverage:.1%} of its runs, density "
                f"{self.density:.1%} [{low:.1%}, {high:.1%}] inside against {self.base_rate:.1%} "
                f"in all runs, lift {self.lift:.2f} (step {self.step} of "
                f"{len(self.trajectory) - 1})")
        if self.weak:
            line += (f"\nweak box: lift under {MIN_LIFT} or a density interval reaching the base "
                     "rate: no combination of these assumptions clearly concentrates "
                     f"'{self.outcome}'; read the box as a hint, not a finding")
        return line

    def box_at(self, step: int) -> pd.DataFrame:
        bounds = self.bounds[step]
        rows = [(name, bounds[j, LOW], bounds[j, HIGH], self.ranges[j, LOW], self.ranges[j, HIGH])
                for j, name in enumerate(self.parameters) if _restricted(bounds[j], self.ranges[j])]
        return pd.DataFrame(rows, columns=list(BOX_COLUMNS))


def prim(results: Results, outcome: str | None = None, peel_alpha: float = 0.05,
         min_support: float = 0.05, min_coverage: float = 0.5) -> PrimResult:
    """Friedman and Fisher's Patient Rule Induction Method (peeling only, no pasting).

    Starting from the box of all runs, each step peels off the ``peel_alpha`` share of the
    box's runs with the lowest, or the highest, values of one parameter: of all such
    slices, the one whose removal leaves the densest box (ties: the first parameter, low
    side first). A parameter with ties at the cut loses all its tied values at once.
    Peeling stops when the next box would hold less than ``min_support`` of the runs, when
    the box is pure, or when nothing is left to peel.

    The chosen box: among boxes covering at least ``min_coverage`` of the outcome's runs,
    find the densest; then choose the largest box (earliest step) that is not clearly less
    dense: whose density's 95% Wilson interval overlaps the densest box's. Peeling past it
    mostly fits noise, so the box stays as wide, and restricts as few parameters, as the
    data allow."""
    if not 0 < peel_alpha < 1 or not 0 <= min_support < 1:
        raise ValueError("peel_alpha must be in (0, 1) and min_support in [0, 1)")
    frame, hits, name = parameter_table(results, outcome)
    x = frame.to_numpy()
    ranges = np.column_stack([x.min(axis=0), x.max(axis=0)])
    inside = np.ones(len(x), dtype=bool)
    bounds = [ranges.copy()]
    least = min_support * len(x)
    while (peel := _best_peel(x[inside], hits[inside], peel_alpha, least)) is not None:
        column, side, keep = peel
        inside[np.flatnonzero(inside)[~keep]] = False
        box = bounds[-1].copy()
        values = x[inside, column]
        box[column, side] = values.min() if side == LOW else values.max()
        bounds.append(box)
    stacked = np.array(bounds)
    trajectory = _trajectory(x, hits, stacked, ranges, list(frame.columns))
    return PrimResult(scenario=results.scenario, outcome=name, runs=len(x), hits=int(hits.sum()),
                      parameters=tuple(frame.columns), ranges=ranges, bounds=stacked,
                      trajectory=trajectory, step=_choose(trajectory, min_coverage),
                      outcomes=tuple(results.outcome_ids))


def _best_peel(box: np.ndarray, box_hits: np.ndarray, alpha: float, least: float
               ) -> tuple[int, int, np.ndarray] | None:
    """The peel leaving the densest box, as (parameter, side, which of the box's runs stay);
    None when the box is pure or no peel leaves ``least`` runs."""
    if box_hits.all() or not box_hits.any():
        return None
    best: tuple[float, int, int, np.ndarray] | None = None
    for column in range(box.shape[1]):
        for side in (LOW, HIGH):
            keep = _slice(box[:, column], side, alpha)
            if keep is None or keep.sum() < least:
                continue
            density = float(box_hits[keep].mean())
            if best is None or density > best[0]:
                best = (density, column, side, keep)
    return None if best is None else best[1:]


def _slice(values: np.ndarray, side: int, alpha: float) -> np.ndarray | None:
    """Which values stay when the ``alpha`` share at one end is peeled off (all values tied
    at the cut go together); None if nothing, or everything, would be peeled."""
    if side == LOW:
        keep = values >= np.quantile(values, alpha)
        if keep.all():
            keep = values > values.min()
    else:
        keep = values <= np.quantile(values, 1 - alpha)
        if keep.all():
            keep = values < values.max()
    return keep if keep.any() else None


def _trajectory(x: np.ndarray, hits: np.ndarray, bounds: np.ndarray, ranges: np.ndarray,
                names: list[str]) -> pd.DataFrame:
    total_hits = int(hits.sum())
    rows = []
    for step, box in enumerate(bounds):
        inside = np.all((x >= box[:, LOW]) & (x <= box[:, HIGH]), axis=1)
        runs, in_hits = int(inside.sum()), int(hits[inside].sum())
        low, high = wilson(in_hits, runs)
        restricted = [n for j, n in enumerate(names) if _restricted(box[j], ranges[j])]
        rows.append({"step": step, "runs": runs, "support": runs / len(x),
                     "coverage": in_hits / total_hits if total_hits else float("nan"),
                     "density": in_hits / runs if runs else float("nan"),
                     "density_low": low, "density_high": high,
                     "restricted": len(restricted), "dimensions": ", ".join(restricted)})
    return pd.DataFrame(rows)


def _choose(trajectory: pd.DataFrame, min_coverage: float) -> int:
    wide = trajectory[trajectory["coverage"] >= min_coverage]
    density = wide["density"].to_numpy(dtype=float)
    if np.isnan(density).all():
        return 0
    densest_low = wide["density_low"].to_numpy(dtype=float)[np.nanargmax(density)]
    return int(wide["step"].to_numpy()[wide["density_high"].to_numpy(dtype=float) >= densest_low][0])


def _restricted(bounds: np.ndarray, full: np.ndarray) -> bool:
    return bool(bounds[LOW] > full[LOW] or bounds[HIGH] < full[HIGH])


# -- decision tree ---------------------------------------------------------------------------
RULE_COLUMNS = ("rule", "runs", "hits", "share", "ci_low", "ci_high", "coverage")


def decision_tree(results: Results, outcome: str | None = None, max_depth: int = 3,
                  min_leaf: int = 50, min_gain: float = 0.01) -> pd.DataFrame:
    """A small CART classification tree (Gini impurity) of the outcome on the parameters,
    as rules: one row per leaf, purest first.

    Each split is the threshold (midway between two observed values) on one parameter that
    most lowers the runs' Gini impurity, keeping at least ``min_leaf`` runs on each side; a
    node is a leaf at ``max_depth``, when pure, or when its best split lowers the total
    impurity (summed over runs) by less than ``min_gain`` times the root's (as rpart's
    complexity parameter, 0.01 by default): smaller gains split noise. A rule keeps
    only the tightest bound on each side of each parameter. Columns: rule, runs, hits
    (runs with the outcome), share (hits / runs) with its 95% Wilson interval, coverage
    (hits / all runs with the outcome)."""
    frame, hits, _ = parameter_table(results, outcome)
    x = frame.to_numpy()
    leaves: list[tuple[list[tuple[int, bool, float]], np.ndarray]] = []
    least_gain = min_gain * _impurity(hits)
    _grow(x, hits, np.arange(len(x)), [], max_depth, Growth(max(1, min_leaf), least_gain), leaves)
    total_hits = int(hits.sum())
    rows = []
    for conditions, members in leaves:
        runs, in_hits = len(members), int(hits[members].sum())
        low, high = wilson(in_hits, runs)
        rows.append({"rule": _rule_text(conditions, list(frame.columns)), "runs": runs,
                     "hits": in_hits, "share": in_hits / runs, "ci_low": low, "ci_high": high,
                     "coverage": in_hits / total_hits if total_hits else float("nan")})
    table = pd.DataFrame(rows, columns=list(RULE_COLUMNS))
    return table.sort_values(["share", "runs"], ascending=False, kind="stable").reset_index(drop=True)


@dataclass(frozen=True)
class Growth:
    """When a node may split: runs on each side, and least total impurity removed."""

    min_leaf: int
    least_gain: float


def _grow(x: np.ndarray, hits: np.ndarray, members: np.ndarray,
          conditions: list[tuple[int, bool, float]], depth: int, growth: Growth,
          leaves: list[tuple[list[tuple[int, bool, float]], np.ndarray]]) -> None:
    """Split ``members`` recursively; append each leaf's (conditions, members) to ``leaves``.
    A condition is (parameter, above, threshold): x > threshold if above, else x <= it."""
    split = _best_split(x[members], hits[members], growth) if depth > 0 else None
    if split is None:
        leaves.append((conditions, members))
        return
    column, threshold = split
    above = x[members, column] > threshold
    _grow(x, hits, members[~above], [*conditions, (column, False, threshold)], depth - 1,
          growth, leaves)
    _grow(x, hits, members[above], [*conditions, (column, True, threshold)], depth - 1,
          growth, leaves)


def _impurity(hits: np.ndarray) -> float:
    """Total Gini impurity of a set of runs: runs x 2p(1 - p)."""
    share = float(hits.mean()) if len(hits) else 0.0
    return len(hits) * 2 * share * (1 - share)


def _best_split(x: np.ndarray, hits: np.ndarray, growth: Growth) -> tuple[int, float] | None:
    """The (parameter, threshold) that most lowers the total Gini impurity, if by enough."""
    n, min_leaf = len(hits), growth.min_leaf
    parent = _impurity(hits)
    if n < 2 * min_leaf or parent == 0:
        return None
    best: tuple[float, int, float] | None = None
    left = np.arange(1, n)  # runs on the left of a cut after each sorted position
    usable = (left >= min_leaf) & (n - left >= min_leaf)
    for column in range(x.shape[1]):
        order = np.argsort(x[:, column], kind="stable")
        values, sorted_hits = x[order, column], hits[order]
        left_hits = np.cumsum(sorted_hits)[:-1]
        valid = usable & (values[1:] > values[:-1])  # never cut between equal values
        if not valid.any():
            continue
        p_left = left_hits / left
        p_right = (left_hits[-1] + sorted_hits[-1] - left_hits) / (n - left)
        impurity = left * 2 * p_left * (1 - p_left) + (n - left) * 2 * p_right * (1 - p_right)
        impurity = np.where(valid, impurity, np.inf)
        at = int(np.argmin(impurity))
        if best is None or impurity[at] < best[0]:
            best = (float(impurity[at]), column, float((values[at] + values[at + 1]) / 2))
    if best is None or parent - best[0] < max(growth.least_gain, 1e-9):
        return None
    return best[1], best[2]


def _rule_text(conditions: list[tuple[int, bool, float]], names: list[str]) -> str:
    """'param.x <= 0.31 and param.y > 12': the tightest bound per parameter and side, in the
    order the parameters were first split on."""
    tightest: dict[tuple[int, bool], float] = {}
    for column, above, threshold in conditions:
        key = (column, above)
        previous = tightest.get(key)
        if previous is None:
            tightest[key] = threshold
        else:
            tightest[key] = max(previous, threshold) if above else min(previous, threshold)
    order = list(dict.fromkeys(column for column, _, _ in conditions))
    parts = [f"{names[column]} {'>' if above else '<='} {tightest[(column, above)]:.4g}"
             for column in order for above in (True, False) if (column, above) in tightest]
    return " and ".join(parts) if parts else "all runs"
