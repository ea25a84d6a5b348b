"""ABC-SMC over real episodes: a posterior of the parameters they share.

The algorithm is ``escalation.analysis.abc``'s; this module says what a particle's simulation
is. A particle is one value per shared parameter (a name pattern, as in history matching:
``calibration.shared_parameters``); its simulation is **one run of every episode** with
those values set, and its summaries are, per episode:

- the outcome class, as its step on the scale from least to most severe divided by the
  number of steps (0 for the mildest, 1 for the most severe; the backtest's order, in which
  its RPS measures distance);
- every observed number (first-answer lags, deaths, hostile acts, crisis days) on the log1p
  scale, an actor that never acts acting at the horizon (as in the backtest).

The distance compares them with the record's (``abc.Distance``): by default each parameter's
estimate from all the summaries (a regression fitted on the prior's simulations: semi-
automatic ABC), so that every episode's evidence counts without the tolerance being stuck by
the number of outputs; with ``project=False``, the root mean square of every summary's scaled
difference. One
run per particle is the standard ABC simulation: the accepted particles are a sample of the
posterior under the prior (uniform over the ranges) and the tolerance, whatever the runs'
own randomness; more runs per particle would only cost more (Bornn et al. 2017).

Every round of candidates runs in one batch per episode through one pool, each candidate's
values set in its own run (``BatchRequest.per_run``); candidate k is run k of every episode,
each episode with a root seed of its own (``episode_seed``), so the result depends only on
the episodes, the options and the seed, on any backend and worker count. ``folder`` keeps
each generation as it ends, for ``resume``.
"""

from __future__ import annotations

import math
import os
import zlib
from collections.abc import Callable, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from escalation.analysis import abc
from escalation.analysis import calibration_store as store
from escalation.analysis.backtest import fact_observed, fact_values, severity_order
from escalation.analysis.calibration import SharedParameter, episodes_of, shared_parameters
from escalation.analysis.episodes import Episode, Targets
from escalation.montecarlo.batch import run_batches, split_pool
from escalation.montecarlo.chunk import FAILED
from escalation.montecarlo.gather import BatchRequest
from escalation.montecarlo.progress import progress_bar
from escalation.montecarlo.results import Results
from escalation.montecarlo.sampling import RunValues

DEFAULT_PARTICLES = 200
DEFAULT_GENERATIONS = 4
LEVEL = 0.95  # the credible interval of the summary
OUTCOME = "outcome"


@dataclass(frozen=True)
class Posterior:
    """The particles of every generation of an ABC-SMC calibration, the last one the
    posterior sample."""

    method: ClassVar[str] = "abc_smc"
    samples_file: ClassVar[str] = "posterior.parquet"

    parameters: tuple[SharedParameter, ...]
    # generation, epsilon, proposed, first_run, one column per pattern, weight, distance, and
    # S.<episode>.<output>: the particle's simulated summaries
    particles: pd.DataFrame
    episodes: tuple[str, ...]
    observed: Mapping[str, float]  # S.<episode>.<output> -> the record's summary
    distance: abc.Distance  # fitted on generation 0's simulations
    seed: int
    quantile: float
    min_acceptance: float
    stopped_by: str
    meta: dict[str, object] = field(default_factory=dict)  # "files": SHA-256 by episode

    @property
    def samples(self) -> pd.DataFrame:
        return self.particles

    @property
    def last(self) -> pd.DataFrame:
        """The last generation's particles: the posterior sample, with its ``weight``."""
        return self.particles[self.particles["generation"] == self.particles["generation"].max()]

    @property
    def summary_names(self) -> list[str]:
        return list(self.observed)

    def projection(self) -> pd.DataFrame:
        """How each summary informs each parameter: a row per summary (``S.<episode>.<output>``)
        with its spread over the prior's simulations and, when the distance is projected,
        its coefficient in each parameter's regression (per spread: comparable across
        summaries). Large coefficients are the outputs that move the posterior."""
        table = pd.DataFrame({"summary": self.summary_names,
                              "observed": list(self.observed.values()),
                              "scale": self.distance.scales})
        if self.distance.coefficients is not None:
            for k, p in enumerate(self.parameters):
                table[f"coefficient.{p.pattern}"] = self.distance.coefficients[1:, k]
        return table

    def library_sha256(self) -> str:
        """One hash of the episode files the calibration read (their names and contents)."""
        return store.library_sha256(self.meta.get("files", {}))

    def values(self) -> dict[str, float]:
        """One value per shared parameter, for a calibrated parameter set: its weighted
        posterior median."""
        last = self.last
        weights = last["weight"].to_numpy(dtype=float)
        return {p.pattern: abc.weighted_quantile(last[p.pattern].to_numpy(dtype=float), weights,
                                                 0.5) for p in self.parameters}

    def summary(self, level: float = LEVEL) -> pd.DataFrame:
        """One row per shared parameter: the prior's range, and the posterior's weighted
        mean, median, standard deviation and central ``level`` interval; ``ess`` is the
        posterior sample's effective size."""
        last = self.last
        weights = last["weight"].to_numpy(dtype=float)
        tail = (1.0 - level) / 2.0
        rows = []
        for p in self.parameters:
            values = last[p.pattern].to_numpy(dtype=float)
            mean = float(weights @ values)
            rows.append({"parameter": p.pattern, "prior_low": p.low, "prior_high": p.high,
                         "mean": mean, "median": abc.weighted_quantile(values, weights, 0.5),
                         "sd": math.sqrt(float(weights @ (values - mean) ** 2)),
                         "low": abc.weighted_quantile(values, weights, tail),
                         "high": abc.weighted_quantile(values, weights, 1.0 - tail),
                         "level": level, "ess": abc.effective_size(weights),
                         "episodes_set": sum(1 for names in p.names.values() if names)})
        return pd.DataFrame(rows)

    def steps(self) -> pd.DataFrame:
        """Per generation: its tolerance, particles, candidates run, acceptance rate and
        effective sample size."""
        rows = []
        for _, frame in self.particles.groupby("generation", sort=True):
            weights = frame["weight"].to_numpy(dtype=float)
            proposed = int(frame["proposed"].iloc[0])
            first = frame.iloc[0]
            rows.append({"generation": int(first["generation"]),
                         "epsilon": float(first["epsilon"]), "particles": len(frame), "proposed": proposed,
                         "acceptance": len(frame) / proposed,
                         "ess": abc.effective_size(weights)})
        return pd.DataFrame(rows)

    def predictive_points(self, draws: int) -> pd.DataFrame:
        """``draws`` values of the shared parameters drawn from the posterior (systematic
        resampling by weight: each particle about weight x draws times, in particle order),
        one column per pattern."""
        if draws < 1:
            raise ValueError("a predictive check needs at least one point (draws >= 1)")
        last = self.last.reset_index(drop=True)
        weights = last["weight"].to_numpy(dtype=float)
        rng = np.random.default_rng([self.seed, 0x505])
        positions = (rng.random() + np.arange(draws)) / draws
        rows = np.minimum(np.searchsorted(np.cumsum(weights) / weights.sum(), positions),
                          len(last) - 1)
        return last.iloc[rows][[p.pattern for p in self.parameters]].reset_index(drop=True)


def abc_smc(
    targets: Targets | Sequence[Episode], patterns: Sequence[str], *,
    ranges: Mapping[str, tuple[float, float]] | None = None,
    particles: int = DEFAULT_PARTICLES, generations: int = DEFAULT_GENERATIONS, seed: int = 0,
    quantile: float = abc.QUANTILE, min_acceptance: float = abc.MIN_ACCEPTANCE,
    project: bool = True, on_generation: Callable[[int, pd.DataFrame], None] | None = None,
    folder: str | os.PathLike[str] | None = None, resume: bool = False, **batch: Any,
) -> Posterior:
    """ABC-SMC of the shared ``patterns`` over the episodes of ``targets``: ``particles``
    particles a generation, up to ``generations`` generations, the prior uniform over each
    pattern's range (``ranges``, or the union of its parameters' ranges). ``batch`` are
    ``run_batch``'s options (``backend``, ``workers``, ``progress``, ...).
    ``on_generation(generation, particles)`` is told of each generation as it ends.
    ``folder`` keeps each generation as it ends; ``resume`` continues the calibration kept
    there (more ``generations`` go further), to the end an uninterrupted one reaches."""
    if resume and folder is None:
        raise ValueError("resuming needs the folder the calibration was kept in (--out)")
    if batch.get("sample", "independent") != "independent":
        raise ValueError("ABC-SMC runs each candidate once, in rounds of its own size: a Latin "
                         "hypercube (--sample lhs) cannot span them; leave --sample out")
    episodes = episodes_of(targets)
    shared = shared_parameters(episodes, patterns, ranges)
    names = summary_names(episodes)
    observed = np.concatenate([observed_summaries(e) for e in episodes])
    files = store.file_hashes({e.name: e.path for e in episodes})
    done: list[abc.Generation] = []
    if folder is not None:
        request = {"method": Posterior.method, "episodes": files,
                   "ranges": {p.pattern: [p.low, p.high] for p in shared},
                   "generations": generations, "particles": particles, "seed": seed,
                   "quantile": quantile, "min_acceptance": min_acceptance, "project": project}
        kept = store.start(folder, request, resume, "generation", grows=("generations",))
        done = [_generation_of(frame, shared, names) for frame in kept]

    bar = progress_bar(None, 0, batch.get("progress", True))
    bar.set_description(f"ABC-SMC generation {len(done)} of {generations - 1}")

    def told(generation: abc.Generation) -> None:
        frame = _frame(generation, shared, names)
        if folder is not None:
            store.save_step(folder, generation.index, frame, "generation")
        running = min(generation.index + 1, generations - 1)  # the next, if any is left
        bar.set_description(f"ABC-SMC generation {running} of {generations - 1}")
        bar.set_postfix_str(f"generation {generation.index} accepted "
                            f"{generation.acceptance:.0%}, tolerance {generation.epsilon:.3g}")
        if on_generation is not None:
            on_generation(generation.index, frame)

    simulate = _simulator(episodes, shared, seed, batch, bar)
    with closing(bar):
        run = abc.abc_smc(simulate, observed, np.array([p.low for p in shared]),
                          np.array([p.high for p in shared]), particles=particles,
                          generations=generations, seed=seed, quantile=quantile,
                          min_acceptance=min_acceptance, project=project, done=done,
                          on_generation=told)
    table = pd.concat([_frame(g, shared, names) for g in run.generations], ignore_index=True)
    return Posterior(tuple(shared), table, tuple(e.name for e in episodes),
                     dict(zip(names, observed.tolist(), strict=True)), run.distance, seed, quantile,
                     min_acceptance, run.stopped_by, {"files": files})


def summary_names(episodes: Sequence[Episode]) -> list[str]:
    """``S.<episode>.<output>`` for every summary, in the order of the distance's vector."""
    return [f"S.{e.name}.{output}" for e in episodes
            for output in (OUTCOME, *(f.name for f in _observed(e).facts))]


def observed_summaries(episode: Episode) -> np.ndarray:
    """The record's summaries: its class's step, and log1p of every observed number."""
    horizon = float(episode.scenario.spec.horizon_days)
    return np.array([class_steps(episode)[episode.real_class],
                     *(math.log1p(max(fact_observed(f, horizon), 0.0))
                       for f in _observed(episode).facts)])


def class_steps(episode: Episode) -> dict[str, float]:
    """Each outcome class's step from least to most severe (the backtest's order), divided
    by the number of steps: 0 for the mildest, 1 for the most severe."""
    classes = severity_order(episode.scenario)
    return {c: k / max(len(classes) - 1, 1) for k, c in enumerate(classes)}


def run_summaries(episode: Episode, results: Results) -> np.ndarray:
    """Each run's summaries (runs x outputs), in run order; NaN for a failed run, and for a
    number a run has no value of."""
    runs = results.runs
    horizon = float(episode.scenario.spec.horizon_days)
    outcome = runs["outcome"].astype(str)
    columns = [outcome.map(class_steps(episode)).to_numpy(dtype=float)]
    for fact in _observed(episode).facts:
        columns.append(np.log1p(np.maximum(fact_values(fact, runs, horizon), 0.0)))
    out = np.column_stack(columns)
    out[(outcome == FAILED).to_numpy()] = np.nan
    return out


def _observed(episode: Episode) -> Any:
    observed = episode.scenario.observed
    assert observed is not None
    return observed


def _simulator(episodes: Sequence[Episode], shared: Sequence[SharedParameter], seed: int,
               batch: Mapping[str, Any], bar: Any) -> abc.Simulator:
    """Candidates -> their summaries: one run of every episode per candidate, each with the
    candidate's values set, all episodes' batches through one pool (its progress on ``bar``)."""
    pool, options = split_pool(batch)
    columns = []  # per episode: its parameters' slots and the pattern setting each
    for episode in episodes:
        slot = {p.name: p.slot for p in episode.scenario.parameters.all}
        pairs = [(slot[name], k) for k, p in enumerate(shared) for name in p.names[episode.name]]
        columns.append((tuple(s for s, _ in pairs), [k for _, k in pairs]))

    seeds = [episode_seed(seed, e.name) for e in episodes]

    def simulate(candidates: np.ndarray, first_run: int) -> np.ndarray:
        requests = [BatchRequest(e.scenario, len(candidates), own, first_run=first_run,
                                 per_run=RunValues(slots, candidates[:, which], first_run)
                                 if slots else None, **options)
                    for e, own, (slots, which) in zip(episodes, seeds, columns, strict=True)]
        results = run_batches(requests, bar=bar, **pool)
        return np.column_stack([run_summaries(e, r)
                                for e, r in zip(episodes, results, strict=True)])

    return simulate


def episode_seed(seed: int, name: str) -> int:
    """The root seed of an episode's runs: one of its own, from the calibration's seed and the
    episode's name. A particle's runs of two episodes must be independent: with one root,
    run k of two episodes that share parameter names would draw the same numbers."""
    return int(np.random.SeedSequence([seed, zlib.crc32(name.encode())]).generate_state(1)[0])


def _frame(generation: abc.Generation, shared: Sequence[SharedParameter], names: Sequence[str]
           ) -> pd.DataFrame:
    """A generation as a table: a row per particle."""
    count = len(generation.particles)
    data: dict[str, Any] = {"generation": np.full(count, generation.index),
                            "epsilon": np.full(count, generation.epsilon),
                            "proposed": np.full(count, generation.proposed),
                            "first_run": np.full(count, generation.first_run)}
    for k, p in enumerate(shared):
        data[p.pattern] = generation.particles[:, k]
    data["weight"] = generation.weights
    data["distance"] = generation.distances
    for k, name in enumerate(names):
        data[name] = generation.summaries[:, k]
    return pd.DataFrame(data)


def _generation_of(frame: pd.DataFrame, shared: Sequence[SharedParameter], names: Sequence[str]
                   ) -> abc.Generation:
    """A generation read back from its table."""
    first = frame.iloc[0]
    return abc.Generation(
        int(first["generation"]), float(first["epsilon"]),
        frame[[p.pattern for p in shared]].to_numpy(dtype=float),
        frame["weight"].to_numpy(dtype=float), frame[list(names)].to_numpy(dtype=float),
        frame["distance"].to_numpy(dtype=float), int(first["proposed"]), int(first["first_run"]))


__all__ = ["DEFAULT_GENERATIONS", "DEFAULT_PARTICLES", "Posterior", "abc_smc",
           "observed_summaries", "run_summaries", "summary_names"]
