"""ABC-SMC: approximate Bayesian computation by sequential Monte Carlo, for any simulator of
summaries.

A posterior sample of parameters whose simulations resemble what was observed, without a
likelihood (Pritchard et al. 1999; Beaumont, Zhang & Balding 2002). Population Monte Carlo
ABC (Beaumont, Cornuet, Marin & Robert 2009) refines it over generations:

- generation 0 draws ``particles`` values from the prior (uniform over a box) and simulates
  each once. Every summary is scaled by its spread over these prior simulations (the median
  absolute deviation, times 1.4826 to match a normal's standard deviation; the standard
  deviation where that is zero, 1 where both are), so that no output weighs more for being
  counted in larger units (Prangle 2017 discusses the choice);
- by default (``project``) the scaled summaries are then mapped to one number per parameter,
  a ridge regression's estimate of the parameter fitted on those prior simulations
  (semi-automatic ABC, Fearnhead & Prangle 2012), so that the distance keeps one term per
  parameter however many episodes and outputs there are (``Distance``);
- the distance of a simulation is the root mean square of its terms' scaled differences from
  the record's; a simulation with a missing summary (a failed run) is infinitely far;
- generation t accepts only simulations within a tolerance ε_t: the ``quantile`` (by
  default the median) of generation t-1's distances, weighted, as in Del Moral, Doucet &
  Jasra (2012) and pyabc's default; where that does not fall (summaries that take few
  values, such as an outcome class), the largest of those distances below ε_{t-1};
- its candidates are generation t-1's particles, drawn by weight, moved by a normal step
  with twice their weighted covariance (Beaumont et al. 2009; optimal for a Gaussian target,
  Filippi et al. 2013), drawn again whole where they leave the box (so the proposal is one
  truncated mixture and the weights below are exact);
- a particle's weight is prior / proposal density: 1 / Σ_j w_j N(θ; θ_j, 2Σ), normalised.

A generation proposes candidates in rounds, each round sized by the acceptance so far, and
keeps the first ``particles`` accepted in the order they were proposed; round r of
generation t draws from a generator seeded by (seed, t, r), and candidate k (counted over the
whole calibration) is simulated as run k. So the result depends only on the simulator, the
options and the seed, never on how the simulator spreads its work. A generation that cannot
accept ``particles`` within ``particles / min_acceptance`` candidates is abandoned, and the
calibration ends with the one before (pyabc's ``min_acceptance_rate``); the calibration also
ends when no distance lies below the last tolerance (the simulations match as well as they can).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

QUANTILE = 0.5  # each tolerance: the median of the previous generation's distances
MIN_ACCEPTANCE = 0.02  # below this acceptance rate a generation is abandoned
MAD_TO_SD = 1.4826  # a normal's standard deviation per median absolute deviation
RIDGE = 1e-3  # the projection's ridge penalty, per prior simulation (standardised summaries)
GROWTH = 1.2  # a round proposes this much more than the acceptance so far says it needs
_TAG = 0xABC5

# candidates (m x d) and the run number of the first -> summaries (m x s), NaN where missing
Simulator = Callable[[np.ndarray, int], np.ndarray]


@dataclass(frozen=True, eq=False)
class Generation:
    """One population: its particles and weights, the tolerance they met, the summaries and
    distances of their simulations, and the candidates it took to find them."""

    index: int
    epsilon: float  # inf for generation 0 (the prior)
    particles: np.ndarray  # n x d
    weights: np.ndarray  # n, summing to 1
    summaries: np.ndarray  # n x s, each particle's simulated summaries
    distances: np.ndarray  # n
    proposed: int  # candidates simulated for this generation
    first_run: int  # the run number of its first candidate

    @property
    def acceptance(self) -> float:
        return len(self.particles) / self.proposed

    @property
    def ess(self) -> float:
        return effective_size(self.weights)


@dataclass(frozen=True, eq=False)
class Distance:
    """How far a simulation's summaries lie from the record, fitted on the prior's
    simulations (generation 0).

    Raw: the root mean square of the summaries' differences, each scaled by its spread.
    Projected (semi-automatic ABC, Fearnhead & Prangle 2012): the summaries, standardised,
    are first mapped by a ridge regression, fitted on the prior's simulations, to an estimate
    of each parameter's posterior mean; the distance is the root mean square of those
    estimates' differences, each scaled by its spread. Either way the distance has one term
    per summary (raw) or per parameter (projected), so that with many episodes the
    projected one keeps every episode's evidence without the curse of dimension that makes
    a raw distance unable to shrink its tolerance (Blum et al. 2013)."""

    scales: np.ndarray  # each raw summary's spread (``summary_scales``)
    centre: np.ndarray  # each raw summary's median over the prior's simulations
    coefficients: np.ndarray | None  # (1 + s) x d: intercept, then one row per summary
    spread: np.ndarray  # the spread of each term of the distance
    target: np.ndarray  # the record's terms

    @classmethod
    def fit(cls, summaries: np.ndarray, particles: np.ndarray, observed: np.ndarray,
            project: bool = True) -> Distance:
        scales = summary_scales(summaries)
        centre = np.median(summaries, axis=0)
        if not project:
            return cls(scales, centre, None, scales, observed)
        features = _features(summaries, centre, scales)
        penalty = RIDGE * len(features) * np.eye(features.shape[1])
        penalty[0, 0] = 0.0  # the intercept is not shrunk
        coefficients = np.linalg.solve(features.T @ features + penalty, features.T @ particles)
        fitted = features @ coefficients
        spread = fitted.std(axis=0)
        spread = np.where(spread > 0, spread, 1.0)
        target = _features(observed[None, :], centre, scales) @ coefficients
        return cls(scales, centre, coefficients, spread, target[0])

    def terms(self, summaries: np.ndarray) -> np.ndarray:
        """The distance's terms for each simulation: the summaries, or their projection."""
        summaries = np.atleast_2d(summaries)
        if self.coefficients is None:
            return summaries
        return _features(summaries, self.centre, self.scales) @ self.coefficients

    def __call__(self, summaries: np.ndarray) -> np.ndarray:
        """The distance of each simulation; infinite for one with a missing summary."""
        scaled = (self.terms(summaries) - self.target) / self.spread
        out = np.sqrt(np.mean(scaled**2, axis=1))
        missing = ~np.all(np.isfinite(np.atleast_2d(summaries)), axis=1)
        return np.where(missing | ~np.isfinite(out), math.inf, out)


def _features(summaries: np.ndarray, centre: np.ndarray, scales: np.ndarray) -> np.ndarray:
    """A column of ones, then the summaries standardised by the prior's median and spread."""
    standard = (summaries - centre) / scales
    return np.column_stack([np.ones(len(summaries)), standard])


@dataclass(frozen=True, eq=False)
class AbcRun:
    """The generations of an ABC-SMC run, its distance and why it ended."""

    generations: tuple[Generation, ...]
    distance: Distance
    stopped_by: str  # "generations", "acceptance" (one abandoned) or "epsilon" (stuck)


def abc_smc(simulate: Simulator, observed: np.ndarray, low: np.ndarray, high: np.ndarray, *,
            particles: int, generations: int, seed: int = 0, quantile: float = QUANTILE,
            min_acceptance: float = MIN_ACCEPTANCE, project: bool = True,
            done: Sequence[Generation] = (),
            on_generation: Callable[[Generation], None] | None = None) -> AbcRun:
    """Run ABC-SMC to ``generations`` generations (fewer when it stops early). ``done``: the
    generations of an interrupted run with the same options, continued where they end (the
    numbers drawn are those of a run never interrupted). ``on_generation`` is told of each
    generation as it ends."""
    low, high = np.asarray(low, dtype=float), np.asarray(high, dtype=float)
    observed = np.asarray(observed, dtype=float)
    if particles < 2 or generations < 1:
        raise ValueError("ABC-SMC needs at least 2 particles and 1 generation")
    if not 0.0 < quantile < 1.0 or not 0.0 < min_acceptance <= 1.0:
        raise ValueError("the tolerance quantile must lie in (0, 1), the least acceptance in (0, 1]")
    if not (np.all(np.isfinite(low)) and np.all(np.isfinite(high)) and np.all(low < high)):
        raise ValueError("every parameter needs a finite range with low < high")
    made = list(done[:generations])
    budget = math.ceil(particles / min_acceptance)
    stopped_by = "generations"
    next_run = sum(g.proposed for g in made)
    if made:
        measure = Distance.fit(made[0].summaries, made[0].particles, observed, project)
        made[0] = _with_distances(made[0], measure)
    else:
        first = _prior(simulate, low, high, particles, budget, seed, next_run)
        measure = Distance.fit(first.summaries, first.particles, observed, project)
        made.append(_with_distances(first, measure))
        next_run += first.proposed
        if on_generation is not None:
            on_generation(made[0])
    while len(made) < generations:
        previous = made[-1]
        epsilon = _tolerance(previous, quantile)
        if epsilon is None:
            stopped_by = "epsilon"
            break
        generation = _generation(simulate, measure, previous, epsilon, low, high, particles,
                                 budget, seed, next_run)
        if generation is None:
            stopped_by = "acceptance"
            break
        made.append(generation)
        next_run += generation.proposed
        if on_generation is not None:
            on_generation(generation)
    return AbcRun(tuple(made), measure, stopped_by)


def _tolerance(previous: Generation, quantile: float) -> float | None:
    """The next tolerance: the weighted ``quantile`` of ``previous``'s distances, or, where
    that does not fall below ``previous``'s tolerance (summaries that take few values), the
    largest distance below it; None when no distance is below it."""
    epsilon = weighted_quantile(previous.distances, previous.weights, quantile)
    if epsilon < previous.epsilon:
        return epsilon
    below = previous.distances[previous.distances < previous.epsilon]
    return float(below.max()) if len(below) else None


def _prior(simulate: Simulator, low: np.ndarray, high: np.ndarray, particles: int,
           budget: int, seed: int, first_run: int) -> Generation:
    """Generation 0: ``particles`` prior draws whose simulations have every summary."""
    filled = _rounds(simulate, lambda count, rng: low + (high - low) * rng.random((count, len(low))),
                     lambda summaries: np.all(np.isfinite(summaries), axis=1), particles, budget,
                     seed, 0, first_run)
    if len(filled.particles) < particles:
        raise ValueError(f"only {len(filled.particles)} of {filled.proposed} prior simulations "
                         "gave every summary (the others failed): see the failed runs' errors, "
                         "or narrow the ranges")
    return Generation(0, math.inf, filled.particles, np.full(particles, 1.0 / particles),
                      filled.summaries, np.zeros(particles), filled.proposed, first_run)


def _generation(simulate: Simulator, measure: Distance, previous: Generation, epsilon: float,
                low: np.ndarray, high: np.ndarray, particles: int, budget: int, seed: int,
                first_run: int) -> Generation | None:
    """Generation ``previous.index + 1`` at tolerance ``epsilon``; None when it cannot fill
    within ``budget`` candidates."""
    index = previous.index + 1
    covariance = 2.0 * _covariance(previous.particles, previous.weights, high - low)
    root = np.linalg.cholesky(covariance)
    filled = _rounds(simulate,
                     lambda count, rng: _perturbed(previous, root, low, high, count, rng),
                     lambda summaries: measure(summaries) <= epsilon, particles, budget, seed,
                     index, first_run)
    if len(filled.particles) < particles:
        return None
    return Generation(index, float(epsilon), filled.particles,
                      _weights(filled.particles, previous, covariance), filled.summaries,
                      measure(filled.summaries), filled.proposed, first_run)


@dataclass(frozen=True, eq=False)
class _Filled:
    """The candidates a generation accepted (at most the particles it wants, fewer when its
    budget ran out), their summaries, and how many it ran."""

    particles: np.ndarray
    summaries: np.ndarray
    proposed: int


def _rounds(simulate: Simulator, propose: Callable[[int, np.random.Generator], np.ndarray],
            accept: Callable[[np.ndarray], np.ndarray], particles: int, budget: int, seed: int,
            index: int, first_run: int) -> _Filled:
    """Generation ``index``'s candidates, proposed and run in rounds (round r drawn from a
    generator seeded by (seed, index, r)) until ``particles`` are accepted or the budget runs
    out: the first accepted, in the order proposed."""
    kept_particles: list[np.ndarray] = []
    kept_summaries: list[np.ndarray] = []
    proposed, found = 0, 0
    for round_ in range(budget):
        count = _round_size(particles - found, found, proposed, budget)
        if count == 0:
            break
        candidates = propose(count, np.random.default_rng([seed, _TAG, index, round_]))
        summaries = np.asarray(simulate(candidates, first_run + proposed), dtype=float)
        proposed += count
        inside = accept(summaries)
        kept_particles.append(candidates[inside])
        kept_summaries.append(summaries[inside])
        found += int(inside.sum())
        if found >= particles:
            break
    return _Filled(np.concatenate(kept_particles)[:particles],
                   np.concatenate(kept_summaries)[:particles], proposed)


def _round_size(missing: int, found: int, proposed: int, budget: int) -> int:
    """Candidates for the next round: what the acceptance so far says the missing particles
    need, with a margin (all of them, the first time), within what the budget leaves."""
    if missing <= 0:
        return 0
    rate = found / proposed if proposed else 1.0
    wanted = missing if not proposed else math.ceil(GROWTH * missing / max(rate, 1.0 / budget))
    return max(0, min(wanted, budget - proposed))


def _perturbed(previous: Generation, root: np.ndarray, low: np.ndarray, high: np.ndarray,
               count: int, rng: np.random.Generator) -> np.ndarray:
    """``count`` particles of ``previous`` drawn by weight and moved by a normal step (with
    Cholesky factor ``root``); a draw that leaves the box is made again whole."""
    out = np.empty((count, len(low)))
    missing = np.arange(count)
    while len(missing):
        picked = rng.choice(len(previous.particles), size=len(missing), p=previous.weights)
        steps = rng.standard_normal((len(missing), len(low))) @ root.T
        moved = previous.particles[picked] + steps
        inside = np.all((moved >= low) & (moved <= high), axis=1)
        out[missing[inside]] = moved[inside]
        missing = missing[~inside]
    return out


def _covariance(particles: np.ndarray, weights: np.ndarray, span: np.ndarray) -> np.ndarray:
    """The particles' weighted covariance, with a ridge of a millionth of each range (so that
    a population collapsed on one value still moves)."""
    mean = weights @ particles
    centred = particles - mean
    covariance = (centred * weights[:, None]).T @ centred
    return np.atleast_2d(covariance) + np.diag((span * 1e-6) ** 2)


def _weights(particles: np.ndarray, previous: Generation, covariance: np.ndarray) -> np.ndarray:
    """Importance weights under a uniform prior: 1 / Σ_j w_j N(θ; θ_j, Σ), normalised (in
    logs, so that far particles do not underflow)."""
    inverse = np.linalg.inv(covariance)
    steps = particles[:, None, :] - previous.particles[None, :, :]
    mahalanobis = np.einsum("ijk,kl,ijl->ij", steps, inverse, steps)
    terms = np.log(previous.weights)[None, :] - 0.5 * mahalanobis
    top = terms.max(axis=1, keepdims=True)
    log_density = top[:, 0] + np.log(np.exp(terms - top).sum(axis=1))
    log_weights = -log_density
    weights = np.exp(log_weights - log_weights.max())
    return weights / weights.sum()


def summary_scales(summaries: np.ndarray) -> np.ndarray:
    """Each summary's spread over the prior simulations: MAD x 1.4826, else the standard
    deviation, else 1."""
    median = np.median(summaries, axis=0)
    mad = MAD_TO_SD * np.median(np.abs(summaries - median), axis=0)
    sd = summaries.std(axis=0)
    return np.where(mad > 0, mad, np.where(sd > 0, sd, 1.0))


def _with_distances(generation: Generation, measure: Distance) -> Generation:
    return Generation(generation.index, generation.epsilon, generation.particles,
                      generation.weights, generation.summaries, measure(generation.summaries),
                      generation.proposed, generation.first_run)


def effective_size(weights: np.ndarray) -> float:
    """Kish's effective sample size of normalised weights: 1 / sum of their squares."""
    return float(1.0 / np.sum(np.asarray(weights, dtype=float) ** 2))


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    """The smallest value whose weighted cumulative share reaches ``q``."""
    order = np.argsort(values, kind="stable")
    shares = np.cumsum(weights[order]) / np.sum(weights)
    return float(values[order][min(int(np.searchsorted(shares, q)), len(values) - 1)])


__all__ = ["AbcRun", "Distance", "Generation", "Simulator", "abc_smc", "effective_size",
           "summary_scales", "weighted_quantile"]
