"""Which uncertain assumptions move an outcome's probability most.

Two views. ``sensitivity`` runs a SALib design (Sobol' or Morris) over the uniforms of every
uncertain parameter, so each parameter is explored over its own distribution, and ranks the
parameters by their indices. ``swing_table`` needs no extra runs: from any batch it compares
the outcome's probability among the runs in the lowest and highest fifth of each parameter.

A run is stochastic beyond its parameters (salvo sizes, delays, perception noise). Design
points run independently would drown every index in that noise; here the points of one base
sample share their random streams (common random numbers), so the indices measure what
changing an assumption does with chance held fixed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from escalation.engine.guard import RunStopped
from escalation.extras import require
from escalation.montecarlo.batch import BatchRequest, Prepared, prepare, run_batches
from escalation.montecarlo.chunk import FAILED
from escalation.montecarlo.progress import progress_bar
from escalation.montecarlo.results import Results
from escalation.montecarlo.stats import wilson
from escalation.scenario.compiled import Scenario

METHODS = ("sobol", "morris")
START_SAMPLES = 512  # Sobol' base samples of the first round; doubled until precise enough
MAX_SAMPLES = 4096  # ... or this many: the seed's 19 parameters take 86,016 runs, minutes on 2 cores
PRECISION = 0.05  # stop once every ST's 95% interval is at most ±0.05 wide
MORRIS_SAMPLES = 512  # trajectories, when not given


@dataclass
class Sensitivity:
    """Indices per parameter (sorted, most influential first) and how they were obtained.

    ``indices`` has, per parameter, each index with its 95% interval's half-width
    (``S1``/``S1_conf``, ``ST``/``ST_conf``; Morris: ``mu_star``/``mu_star_conf``) and, for
    each, whether that interval includes 0 (``S1_zero``, ``ST_zero``, ``mu_star_zero``): such
    an index cannot be told from zero at this sample size. ``swing`` is the one-at-a-time
    view on the design's own base runs (as ``swing_table``), to check the ranking against;
    ``stopped_by`` says why sampling stopped ('samples' given, 'precision' reached, or the
    'budget' of ``MAX_SAMPLES``)."""

    outcome: str
    method: str
    runs: int
    indices: pd.DataFrame
    base_probability: float
    swing: pd.DataFrame | None = None
    stopped_by: str = "samples"
    samples: int = 0
    notes: list[str] = field(default_factory=list)

    def indistinguishable(self) -> list[str]:
        """Parameters whose ranking index (ST, or Morris mu*) has a 95% interval that
        includes 0: nothing at this sample size says they matter."""
        column = "ST_zero" if self.method == "sobol" else "mu_star_zero"
        return [str(name) for name in self.indices.index[self.indices[column].to_numpy(dtype=bool)]]

    def format(self) -> str:
        """The indices as text: each with its interval, '≈ 0' where the interval includes 0,
        what the sum of ST says about precision, and how the ranking compares with the swing
        chart's."""
        return "\n".join([*_index_lines(self), *self.notes, *_agreement_lines(self)])


def default_outcome(outcome_ids: tuple[str, ...] | list[str]) -> str:
    """'war' when the scenario has it, else its last (by convention most severe) class."""
    return "war" if "war" in outcome_ids else outcome_ids[-1]


def sensitivity(
    scenario: Scenario, outcome: str | None = None, method: str = "sobol", samples: int | None = None,
    seed: int = 0, replicates: int = 1, workers: int = 1, precision: float = PRECISION,
    max_samples: int = MAX_SAMPLES, progress: bool = False, backend: str | None = None,
    scheduler: str | None = None,
) -> Sensitivity:
    """Sobol' (first and total order, with 95% bootstrap intervals) or Morris (mu*, sigma)
    indices of ``P(outcome)`` for every uncertain parameter of ``scenario``.

    Every point of one base sample (Sobol': A, B and each A-with-one-column-of-B; Morris: one
    trajectory) runs with the same run seed, so chance (salvos, delays, perception) is held
    fixed while the assumptions change: a parameter that never matters gets exactly zero, and
    the indices are shares of the outcome's total variance, chance included (1 - sum of S1 is
    the share of chance and of interactions; as a parameter interacts with the chance it is
    run with, sum of ST may exceed 1). ``replicates`` runs each point with that many seeds.
    Sobol' costs ``samples x (parameters + 2) x replicates`` runs (``samples`` a power of 2),
    Morris ``samples x (parameters + 1) x replicates`` (``samples`` trajectories).

    Without ``samples``, Sobol' starts at ``START_SAMPLES`` and doubles (keeping the runs
    done: the design of 2N begins with the design of N) until every ST's interval is at most
    ±``precision`` or ``max_samples`` is reached: fixed small defaults left most indices
    inside their own noise. ``progress`` shows a bar of the runs done (a terminal, Jupyter).

    The runs go through the batch machinery (``run_batches``: ``backend`` "serial",
    "processes" or "dask", default serial for one worker, else processes), one pool per
    round of samples, so the indices are the same on every backend and worker count."""
    require("SALib")  # the extra first: before any other check, a missing one is named
    target = _check(scenario, outcome, method, samples, replicates)
    pool = {"workers": workers, "scheduler": scheduler,
            "backend": backend or ("serial" if workers <= 1 else "processes")}
    with progress_bar(None, 0, progress) as bar:
        run = _Design(prepare(scenario), seed, replicates, target, pool, bar)
        return _indices(run, target, method, samples, seed, precision, max_samples)


def _indices(run: _Design, target: str, method: str, samples: int | None, seed: int,
             precision: float, max_samples: int) -> Sensitivity:
    from SALib.sample import morris as morris_sample

    names = [p.name for p in run.scenario.scenario.parameters.uncertain]
    problem = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}
    replicates = run.replicates
    if method == "morris":
        count = samples or MORRIS_SAMPLES
        design = morris_sample.sample(problem, count, num_levels=4, seed=seed)
        y = run.evaluate(design, len(design) // count)
        return _result(target, method, _morris_table(problem, design, y, seed), y, replicates,
                       "samples", count, None)
    count, design, y, stopped = _adaptive_sobol(problem, run, seed, samples, precision, max_samples)
    table = _sobol_table(problem, y, seed)
    swing = _design_swing(design, y, names, len(names) + 2)
    return _result(target, method, table, y, replicates, stopped, count, swing)


@dataclass(frozen=True)
class _Design:
    """What every design point needs to run: the scenario, seed, replicates, the outcome
    counted, and the batch options (``run_batches``'s pool)."""

    scenario: Prepared
    seed: int
    replicates: int
    outcome: str
    pool: dict[str, Any]
    bar: Any = None  # a progress bar, moved as runs finish

    def evaluate(self, design: np.ndarray, block: int, start: int = 0) -> np.ndarray:
        """P(outcome) at each point (its share over replicates); the points of one base
        sample (``block`` rows, counted from row ``start`` of the whole design) share chance.

        Base sample i's replicate r is run i x replicates + r of the batch, so the points
        at one place p in the blocks form one batch of those runs, and all the places of a
        round go through one pool."""
        first, count, r = start // block, len(design) // block, self.replicates
        requests = [BatchRequest(self.scenario, count * r, self.seed,
                                 design=np.repeat(design[place::block], r, axis=0),
                                 first_run=first * r) for place in range(block)]
        hits = [_hits(results, self.outcome) for results in
                run_batches(requests, progress=False, bar=self.bar, **self.pool)]
        y = np.empty(len(design))
        for place, hit in enumerate(hits):
            y[place::block] = hit.reshape(count, r).mean(axis=1)
        return y


def _adaptive_sobol(problem: dict[str, Any], run: _Design, seed: int, samples: int | None,
                    precision: float, max_samples: int) -> tuple[int, np.ndarray, np.ndarray, str]:
    """The Sobol' design and its results: ``samples`` base samples when given, else doubled
    from ``START_SAMPLES`` until every ST interval is within ±``precision`` or the budget is
    spent. Returns (base samples, design, results, why it stopped)."""
    from SALib.sample import sobol as sobol_sample

    block = problem["num_vars"] + 2
    count = samples or min(START_SAMPLES, max_samples)
    design = sobol_sample.sample(problem, count, calc_second_order=False, seed=seed)
    y = run.evaluate(design, block)
    while samples is None:
        widest = float(np.nanmax(_sobol_table(problem, y, seed)["ST_conf"].to_numpy(dtype=float)))
        if widest <= precision:
            return count, design, y, "precision"
        if count * 2 > max_samples:
            return count, design, y, "budget"
        count *= 2
        design = sobol_sample.sample(problem, count, calc_second_order=False, seed=seed)
        y = np.concatenate([y, run.evaluate(design[len(y):], block, start=len(y))])
    return count, design, y, "samples"


def _sobol_table(problem: dict[str, Any], y: np.ndarray, seed: int) -> pd.DataFrame:
    from SALib.analyze import sobol as sobol_analyze

    found = sobol_analyze.analyze(problem, y, calc_second_order=False, seed=seed)
    table = pd.DataFrame({"S1": found["S1"], "S1_conf": found["S1_conf"], "ST": found["ST"],
                          "ST_conf": found["ST_conf"]}, index=problem["names"])
    return _flag_zero(table, ("S1", "ST")).sort_values("ST", ascending=False)


def _morris_table(problem: dict[str, Any], design: np.ndarray, y: np.ndarray, seed: int) -> pd.DataFrame:
    from SALib.analyze import morris as morris_analyze

    found = morris_analyze.analyze(problem, design, y, num_levels=4, seed=seed)
    table = pd.DataFrame({"mu_star": found["mu_star"], "mu_star_conf": found["mu_star_conf"],
                          "sigma": found["sigma"], "mu": found["mu"]}, index=problem["names"])
    return _flag_zero(table, ("mu_star",)).sort_values("mu_star", ascending=False)


def _flag_zero(table: pd.DataFrame, indices: tuple[str, ...]) -> pd.DataFrame:
    """Add ``<index>_zero``: whether the index's 95% interval (index ± conf) includes 0.
    A NaN interval (an outcome that never or always happens) counts as including 0."""
    for name in indices:
        low = (table[name] - table[f"{name}_conf"]).to_numpy(dtype=float)
        high = (table[name] + table[f"{name}_conf"]).to_numpy(dtype=float)
        table[f"{name}_zero"] = ~((low > 0) | (high < 0))
    return table


def _result(target: str, method: str, table: pd.DataFrame, y: np.ndarray, replicates: int,
            stopped: str, samples: int, swing: pd.DataFrame | None) -> Sensitivity:
    table.index.name = "parameter"
    result = Sensitivity(target, method, len(y) * replicates, table, float(np.mean(y)), swing,
                         stopped, samples)
    result.notes.extend(_precision_notes(result))
    return result


def _hits(results: Results, outcome: str) -> np.ndarray:
    """1.0 where a run of the batch ended in ``outcome``, else 0.0, in run order. A run that
    hit one of its bounds counts as not reaching it (as in any batch); any other failure
    stops the analysis, saying how to replay the run."""
    runs = results.runs
    failed = runs[runs["outcome"].astype(str) == FAILED]
    faults = failed[~failed["error"].astype(str).str.startswith(_BOUND_STOPS)]
    if len(faults):
        run, error = int(faults["run"].iloc[0]), str(faults["error"].iloc[0])
        raise RuntimeError(f"a sensitivity run failed ({error}); the same chance is run {run} "
                           f"of seed {results.seed}: escalation trace FILE --seed "
                           f"{results.seed} --run {run}")
    return (runs["outcome"].astype(str) == outcome).to_numpy(dtype=float)


# How a run stopped at one of its bounds is described ('RunawayRun: ...'): a bound, not a fault.
_BOUND_KINDS: tuple[type[RunStopped], ...] = (RunStopped, *RunStopped.__subclasses__())
_BOUND_STOPS = tuple(f"{kind.__name__}: " for kind in _BOUND_KINDS)


def _check(scenario: Scenario, outcome: str | None, method: str, samples: int | None,
           replicates: int) -> str:
    if method not in METHODS:
        raise ValueError(f"unknown method '{method}'; use one of {', '.join(METHODS)}")
    target = outcome or default_outcome(scenario.outcome_ids)
    if target not in scenario.outcome_ids:
        raise ValueError(f"'{target}' is not an outcome class of {scenario.name}; "
                         f"choose one of {', '.join(scenario.outcome_ids)}")
    count = len(scenario.parameters.uncertain)
    if count < 2:
        raise ValueError(f"{scenario.name} has {count} uncertain parameter(s); sensitivity "
                         "ranks two or more (give assumptions as distributions)")
    if (samples is not None and samples < 2) or replicates < 1:
        raise ValueError("samples must be at least 2 and replicates at least 1")
    return target


def swing_table(results: Results, outcome: str | None = None, share: float = 0.2) -> pd.DataFrame:
    """P(outcome) among runs in the lowest and highest ``share`` of each sampled parameter,
    with 95% Wilson intervals, sorted by the swing (high minus low), largest first.

    No extra runs: it reads the batch's own parameter columns. It shows one-at-a-time
    association, not interactions (see ``sensitivity`` for those)."""
    done = results.completed
    if done.empty:
        raise ValueError("no completed runs to compare")
    target = outcome or default_outcome(results.outcome_ids)
    hit = (done["outcome"].astype(str) == target).to_numpy()
    columns = {c[len("param."):]: done[c].to_numpy(dtype=float) for c in done.columns
               if c.startswith("param.")}
    return swings(columns, hit, share)


SWING_COLUMNS = ["parameter", "low_value", "high_value", "p_low", "p_low_ci_low", "p_low_ci_high",
                 "p_high", "p_high_ci_low", "p_high_ci_high", "swing"]


def swings(columns: Mapping[str, np.ndarray], hit: np.ndarray, share: float = 0.2) -> pd.DataFrame:
    """The swing table of runs with these parameter values (by name) and outcomes (``hit``):
    shared by ``swing_table`` (a batch) and ``sensitivity`` (its design's base runs)."""
    rows = []
    for name, values in columns.items():
        low_cut, high_cut = np.nanquantile(values, [share, 1 - share])
        if low_cut == high_cut:
            continue
        low, high = hit[values <= low_cut], hit[values >= high_cut]
        low_ci, high_ci = wilson(int(low.sum()), low.size), wilson(int(high.sum()), high.size)
        rows.append({"parameter": name, "low_value": low_cut, "high_value": high_cut,
                     "p_low": low.mean(), "p_low_ci_low": low_ci[0], "p_low_ci_high": low_ci[1],
                     "p_high": high.mean(), "p_high_ci_low": high_ci[0],
                     "p_high_ci_high": high_ci[1], "swing": high.mean() - low.mean()})
    table = pd.DataFrame(rows, columns=SWING_COLUMNS)
    order = table["swing"].abs().sort_values(ascending=False).index
    return table.loc[order].set_index("parameter").assign(base=float(hit.mean()) if hit.size else np.nan)


def clear_swings(table: pd.DataFrame) -> list[str]:
    """Parameters whose lowest- and highest-fifth intervals do not overlap: a swing the
    chart shows clearly."""
    apart = ((table["p_low_ci_high"] < table["p_high_ci_low"])
             | (table["p_high_ci_high"] < table["p_low_ci_low"]))
    return [str(name) for name in table.index[apart.to_numpy(dtype=bool)]]


def _design_swing(design: np.ndarray, y: np.ndarray, names: list[str], block: int) -> pd.DataFrame:
    """The swing table of the Sobol' design's base runs (its A and B rows: independent draws
    of every parameter), so the Sobol' ranking can be checked against the swing chart's. The
    A and B runs of one base sample share chance, so these intervals are a little narrower
    than a batch's would be."""
    rows = np.arange(len(design)) % block
    base = (rows == 0) | (rows == block - 1)
    hit = y[base] >= 0.5  # a point's result is its share over replicates
    return swings({name: design[base, j] for j, name in enumerate(names)}, hit)


# -- text ------------------------------------------------------------------------------------
def _interval(value: float, half: float) -> str:
    return f"{value:+.3f} [{value - half:+.3f}, {value + half:+.3f}]"


def _index_lines(result: Sensitivity) -> list[str]:
    """A header, then one line per parameter: its indices with their 95% intervals and
    '≈ 0' where the ranking index's interval includes 0."""
    stop = {"precision": "stopped when every ST interval was narrow enough",
            "budget": "stopped at the sample budget before every ST interval was narrow enough",
            "samples": "samples as given"}[result.stopped_by]
    lines = [f"what moves P({result.outcome}) (base {result.base_probability:.3f}): {result.method}, "
             f"{result.runs:,} runs ({result.samples:,} base samples, {stop}); 95% intervals"]
    table = result.indices
    width = max([len(str(name)) for name in table.index] + [9])
    sobol = result.method == "sobol"
    head = (f"{'first order S1 (alone)':<26}  {'total order ST (with interactions)':<34}" if sobol
            else f"{'mu* (mean absolute effect)':<30}  sigma")
    lines.append(f"  {'parameter':<{width}}  {head}")
    zero = set(result.indistinguishable())
    for label, row in table.iterrows():
        name = str(label)
        cells = (f"{_interval(row['S1'], row['S1_conf']):<26}  {_interval(row['ST'], row['ST_conf']):<34}"
                 if sobol else f"{_interval(row['mu_star'], row['mu_star_conf']):<30}  {row['sigma']:.3f}")
        note = "≈ 0: interval includes 0" if name in zero else ""
        lines.append(f"  {name:<{width}}  {cells}  {note}".rstrip())
    return lines


def _precision_notes(result: Sensitivity) -> list[str]:
    """What the indices allow: how many cannot be told from zero, what the sums mean, and
    when an S1 clearly below zero says the estimates are noisier than the effects."""
    zero = result.indistinguishable()
    notes = [f"{len(zero)} of {len(result.indices)} parameters cannot be told from zero "
             "(95% interval includes 0); their order among themselves means nothing"]
    if result.method != "sobol":
        return notes
    total, first = float(result.indices["ST"].sum()), float(result.indices["S1"].sum())
    notes.append(f"sum of S1 {first:.2f}: the parameters alone explain that share of the variance; "
                 f"the rest ({1 - first:.2f}) is chance within runs and interactions")
    if total > 1:
        notes.append(f"sum of ST {total:.2f} > 1: the parameters interact, with each other and with "
                     "chance (held fixed within a base sample, so the same change of assumption "
                     "can tip one run and not another); ST counts each interaction once per "
                     "parameter in it")
    if (result.indices["S1"] + result.indices["S1_conf"] < 0).any():
        notes.append("an S1 is clearly below zero, which no true index is: the estimates are "
                     "noisier than the effects; give more samples (or replicates)")
    return notes


def _agreement_lines(result: Sensitivity) -> list[str]:
    """How this ranking compares with the swing chart's, computed on the design's own base
    runs, and why the two may differ."""
    if result.swing is None or result.swing.empty:
        return []
    by_swing = [str(n) for n in result.swing.index]
    by_index = [str(n) for n in result.indices.index]
    shown = set(by_index) - set(result.indistinguishable())
    clear = set(clear_swings(result.swing))
    both, only_index, only_swing = shown & clear, shown - clear, clear - shown
    pairs = pd.DataFrame({"index": result.indices["ST"], "swing": result.swing["swing"].abs()}).dropna()
    rank = float(pairs["index"].rank().corr(pairs["swing"].rank()))  # Spearman's
    lines = [f"against the swing chart (lowest vs highest fifth, on the design's "
             f"{2 * result.samples:,} base runs): largest swing {by_swing[0]}, largest ST "
             f"{by_index[0]}; rank correlation of |swing| and ST {rank:+.2f}",
             f"  clear in both: {_names(both, by_index)}",
             f"  ST clear, swing not: {_names(only_index, by_index)}"
             + (" (effects in the middle of a range or through interactions, which the extremes "
                "of one parameter at a time miss)" if only_index else ""),
             f"  swing clear, ST not: {_names(only_swing, by_index)}"
             + (" (the swing compares different runs, so chance between runs can make or hide a "
                "swing; ST holds chance fixed)" if only_swing else "")]
    return lines


def _names(names: set[str], order: list[str]) -> str:
    return ", ".join(n for n in order if n in names) or "none"
