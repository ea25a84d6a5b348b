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

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd

from escalation.engine.simulate import simulate
from escalation.montecarlo.backends import start_method
from escalation.montecarlo.chunk import describe_failure
from escalation.montecarlo.results import Results
from escalation.montecarlo.stats import wilson
from escalation.scenario.compiled import Scenario

METHODS = ("sobol", "morris")


@dataclass
class Sensitivity:
    """Indices per parameter (sorted, most influential first) and how they were obtained."""

    outcome: str
    method: str
    runs: int
    indices: pd.DataFrame
    base_probability: float


def default_outcome(outcome_ids: tuple[str, ...] | list[str]) -> str:
    """'war' when the scenario has it, else its last (by convention most severe) class."""
    return "war" if "war" in outcome_ids else outcome_ids[-1]


def sensitivity(
    scenario: Scenario, outcome: str | None = None, method: str = "sobol", samples: int = 512,
    seed: int = 0, replicates: int = 1, workers: int = 1,
) -> Sensitivity:
    """Sobol' (first and total order, with 95% bootstrap intervals) or Morris (mu*, sigma)
    indices of ``P(outcome)`` for every uncertain parameter of ``scenario``.

    Every point of one base sample (Sobol': A, B and each A-with-one-column-of-B; Morris: one
    trajectory) runs with the same run seed, so chance (salvos, delays, perception) is held
    fixed while the assumptions change: a parameter that never matters gets exactly zero, and
    the indices are shares of the outcome's total variance, chance included (chance's own
    share is roughly 1 - sum of ST). ``replicates`` runs each point with that many seeds.
    Sobol' costs ``samples x (parameters + 2) x replicates`` runs (``samples`` a power of 2),
    Morris ``samples x (parameters + 1) x replicates`` (``samples`` trajectories)."""
    from SALib.analyze import morris as morris_analyze
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import morris as morris_sample
    from SALib.sample import sobol as sobol_sample

    target = _check(scenario, outcome, method, samples, replicates)
    names = [p.name for p in scenario.parameters.uncertain]
    problem = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}
    if method == "sobol":
        design = sobol_sample.sample(problem, samples, calc_second_order=False, seed=seed)
    else:
        design = morris_sample.sample(problem, samples, num_levels=4, seed=seed)
    block = len(design) // samples  # the points sharing one base sample's chance
    y = np.zeros(len(design))
    for replicate in range(replicates):
        stream_runs = np.arange(len(design)) // block * replicates + replicate
        y += evaluate(scenario, seed, design, stream_runs, target, workers)
    y /= replicates
    if method == "sobol":
        found = sobol_analyze.analyze(problem, y, calc_second_order=False, seed=seed)
        table = pd.DataFrame({"S1": found["S1"], "S1_conf": found["S1_conf"], "ST": found["ST"],
                              "ST_conf": found["ST_conf"]}, index=names).sort_values("ST", ascending=False)
    else:
        found = morris_analyze.analyze(problem, design, y, num_levels=4, seed=seed)
        table = pd.DataFrame({"mu_star": found["mu_star"], "mu_star_conf": found["mu_star_conf"],
                              "sigma": found["sigma"], "mu": found["mu"]},
                             index=names).sort_values("mu_star", ascending=False)
    table.index.name = "parameter"
    return Sensitivity(target, method, len(design) * replicates, table, float(np.mean(y)))


def evaluate(scenario: Scenario, seed: int, uniforms: np.ndarray, stream_runs: np.ndarray,
             outcome: str, workers: int = 1) -> np.ndarray:
    """1.0 where the run with these parameter uniforms and the streams of run
    ``stream_runs[k]`` of batch ``seed`` ends in ``outcome``, else 0.0."""
    values = scenario.parameters.values_from_uniforms(np.clip(uniforms, 1e-12, 1 - 1e-12))
    blocks = np.array_split(np.arange(len(values)), max(1, workers * 4))
    tasks = [(scenario, seed, values[b], stream_runs[b], outcome) for b in blocks if b.size]
    if workers <= 1:
        parts = [_evaluate_block(*task) for task in tasks]
    else:
        context = multiprocessing.get_context(start_method())  # as batches start helpers
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            parts = list(pool.map(_evaluate_block, *zip(*tasks, strict=True)))
    return np.concatenate(parts)


def _evaluate_block(scenario: Scenario, seed: int, values: np.ndarray, stream_runs: np.ndarray,
                    outcome: str) -> np.ndarray:
    hits = np.zeros(len(values))
    for k, (row, run) in enumerate(zip(values, stream_runs, strict=True)):
        try:
            record = simulate(scenario, seed, int(run), keep_events=False, values=row)
        except Exception as error:
            raise RuntimeError(f"a sensitivity run failed ({describe_failure(error)}); the same "
                               f"chance is run {run} of seed {seed}: escalation trace FILE "
                               f"--seed {seed} --run {run}") from error
        hits[k] = record.outcome == outcome
    return hits


def _check(scenario: Scenario, outcome: str | None, method: str, samples: int, replicates: int) -> str:
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
    if samples < 2 or replicates < 1:
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
    rows = []
    for column in (c for c in done.columns if c.startswith("param.")):
        values = done[column].to_numpy(dtype=float)
        low_cut, high_cut = np.nanquantile(values, [share, 1 - share])
        if low_cut == high_cut:
            continue
        low, high = hit[values <= low_cut], hit[values >= high_cut]
        low_ci, high_ci = wilson(int(low.sum()), low.size), wilson(int(high.sum()), high.size)
        rows.append({"parameter": column[len("param."):], "low_value": low_cut, "high_value": high_cut,
                     "p_low": low.mean(), "p_low_ci_low": low_ci[0], "p_low_ci_high": low_ci[1],
                     "p_high": high.mean(), "p_high_ci_low": high_ci[0],
                     "p_high_ci_high": high_ci[1], "swing": high.mean() - low.mean()})
    table = pd.DataFrame(rows, columns=["parameter", "low_value", "high_value", "p_low", "p_low_ci_low",
                                        "p_low_ci_high", "p_high", "p_high_ci_low", "p_high_ci_high",
                                        "swing"])
    order = table["swing"].abs().sort_values(ascending=False).index
    return table.loc[order].set_index("parameter").assign(base=float(hit.mean()) if hit.size else np.nan)
