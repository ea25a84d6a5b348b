"""ABC-SMC's algorithm (escalation/analysis/abc.py) on simulators whose posterior is known in
closed form: it must find that posterior, weight its particles correctly, stop for the reasons
it gives, and depend only on its options and seed."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from escalation.analysis.abc import Distance, Generation, abc_smc, summary_scales

TRIALS, SUCCESSES = 20, 6  # the record: 6 successes in 20 trials


def binomial(candidates: np.ndarray, first_run: int) -> np.ndarray:
    """The share of successes in 20 trials at each candidate's probability, candidate k
    seeded by its run number (first_run + k), as the engine seeds its runs."""
    return np.array([[np.random.default_rng([99, first_run + k]).binomial(TRIALS, p) / TRIALS]
                     for k, p in enumerate(candidates[:, 0])])


def weighted_cdf_distance(generation: Generation, cdf: object) -> float:
    """Kolmogorov-Smirnov distance between the weighted particles and ``cdf``."""
    order = np.argsort(generation.particles[:, 0])
    values = generation.particles[order, 0]
    cumulative = np.cumsum(generation.weights[order])
    exact = cdf(values)  # type: ignore[operator]
    return float(max(np.max(np.abs(cumulative - exact)),
                     np.max(np.abs(cumulative - generation.weights[order] - exact))))


def test_the_posterior_of_a_binomial_is_the_beta_bayes_gives() -> None:
    """Uniform prior, 6 of 20: the posterior is Beta(7, 15). Summaries take 21 values, so the
    tolerance reaches 0 (exact matches), where ABC is exact: the weighted particles must
    follow Beta(7, 15) within a Kolmogorov-Smirnov bound for their effective size."""
    run = abc_smc(binomial, np.array([SUCCESSES / TRIALS]), np.zeros(1), np.ones(1),
                  particles=1500, generations=10, seed=3)
    last = run.generations[-1]
    assert last.epsilon == 0.0 and run.stopped_by == "epsilon"  # nothing closer than exact
    assert np.all(last.summaries == SUCCESSES / TRIALS)
    beta = stats.beta(SUCCESSES + 1, TRIALS - SUCCESSES + 1)
    assert weighted_cdf_distance(last, beta.cdf) < 1.63 / math.sqrt(last.ess)  # 1% level
    mean = float(last.weights @ last.particles[:, 0])
    assert abs(mean - beta.mean()) < 3 * beta.std() / math.sqrt(last.ess)


def test_weights_undo_the_proposal_when_the_data_say_nothing() -> None:
    """A simulator that ignores the parameter accepts every value alike, so the posterior
    is the uniform prior; the proposals crowd around earlier particles, and only correct
    importance weights give back a uniform sample."""
    def noise(candidates: np.ndarray, first_run: int) -> np.ndarray:
        return np.array([[np.random.default_rng([5, first_run + k]).normal()]
                         for k in range(len(candidates))])

    run = abc_smc(noise, np.array([0.0]), np.zeros(1), np.ones(1), particles=1500,
                  generations=4, seed=1)
    last = run.generations[-1]
    assert last.index == 3 and last.epsilon < run.generations[1].epsilon
    assert weighted_cdf_distance(last, stats.uniform().cdf) < 1.63 / math.sqrt(last.ess)
    unweighted = Generation(0, 0, last.particles, np.full(1500, 1 / 1500), last.summaries,
                            last.distances, 1, 0)
    assert weighted_cdf_distance(unweighted, stats.uniform().cdf) > \
        weighted_cdf_distance(last, stats.uniform().cdf)  # the weights matter


def test_an_interrupted_run_continues_to_the_same_result() -> None:
    options = {"particles": 60, "seed": 8}
    whole = abc_smc(binomial, np.array([0.3]), np.zeros(1), np.ones(1), generations=4, **options)
    begun = abc_smc(binomial, np.array([0.3]), np.zeros(1), np.ones(1), generations=2, **options)
    resumed = abc_smc(binomial, np.array([0.3]), np.zeros(1), np.ones(1), generations=4,
                      done=begun.generations, **options)
    for one, other in zip(whole.generations, resumed.generations, strict=True):
        assert one.epsilon == other.epsilon and one.proposed == other.proposed
        np.testing.assert_array_equal(one.particles, other.particles)
        np.testing.assert_array_equal(one.weights, other.weights)


def test_every_candidate_is_its_own_run() -> None:
    """Candidates are numbered over the whole calibration, each number once, in order: the
    simulator can seed candidate k's run by k, whoever runs it."""
    seen: list[tuple[int, int]] = []

    def recorded(candidates: np.ndarray, first_run: int) -> np.ndarray:
        seen.append((first_run, len(candidates)))
        return binomial(candidates, first_run)

    run = abc_smc(recorded, np.array([0.3]), np.zeros(1), np.ones(1), particles=40,
                  generations=4, seed=2)
    starts = [start for start, _ in seen]
    assert starts == list(np.cumsum([0] + [count for _, count in seen])[:-1])
    assert sum(count for _, count in seen) == sum(g.proposed for g in run.generations)
    assert [g.first_run for g in run.generations] == \
        list(np.cumsum([0] + [g.proposed for g in run.generations])[:-1])


def test_a_generation_that_accepts_too_little_ends_the_run() -> None:
    """A low tolerance quantile and a high least acceptance: generation 1 cannot fill, is
    abandoned, and the run ends with the prior's generation."""
    run = abc_smc(binomial, np.array([0.3]), np.zeros(1), np.ones(1), particles=50,
                  generations=5, quantile=0.05, min_acceptance=0.6, seed=4)
    assert run.stopped_by == "acceptance" and len(run.generations) == 1


def test_prior_simulations_that_all_fail_are_reported() -> None:
    def failing(candidates: np.ndarray, first_run: int) -> np.ndarray:
        return np.full((len(candidates), 1), np.nan)

    with pytest.raises(ValueError, match="prior simulations gave every summary"):
        abc_smc(failing, np.array([0.3]), np.zeros(1), np.ones(1), particles=10, generations=2)


@pytest.mark.parametrize(("options", "match"), [
    ({"particles": 1}, "at least 2 particles"), ({"generations": 0}, "1 generation"),
    ({"quantile": 1.0}, "quantile"), ({"min_acceptance": 0.0}, "least acceptance"),
    ({"high": np.zeros(1)}, "low < high")])
def test_options_that_cannot_serve_are_refused(options: dict[str, object], match: str) -> None:
    given_ = {"particles": 10, "generations": 2, "high": np.ones(1), **options}
    high = given_.pop("high")
    with pytest.raises(ValueError, match=match):
        abc_smc(binomial, np.array([0.3]), np.zeros(1), high, **given_)  # type: ignore[arg-type]


def test_scales_and_raw_distances() -> None:
    summaries = np.array([[0.0, 1.0, 5.0], [0.0, 2.0, 5.0], [1.0, 3.0, 5.0]])
    scales = summary_scales(summaries)
    assert scales[0] == pytest.approx(summaries[:, 0].std())  # MAD 0: the standard deviation
    assert scales[1] == pytest.approx(1.4826)
    assert scales[2] == 1.0  # no spread at all
    observed = np.array([0.0, 2.0, 5.0])
    raw = Distance.fit(summaries, np.zeros((3, 1)), observed, project=False)
    assert raw(summaries)[1] == 0.0
    assert raw(summaries)[0] == pytest.approx(math.sqrt((1 / 1.4826) ** 2 / 3))
    assert raw(np.array([[np.nan, 2.0, 5.0]]))[0] == math.inf


def test_the_projection_keeps_what_informs_the_parameter() -> None:
    """Twenty summaries, one of them the parameter plus noise and the rest noise: the
    projection leans on the informative one, and a simulation is near the record when that
    summary is, whatever the noise says."""
    rng = np.random.default_rng(0)
    theta = rng.random((2000, 1))
    summaries = np.column_stack([theta[:, 0] + 0.05 * rng.normal(size=2000),
                                 rng.normal(size=(2000, 19))])
    observed = np.array([0.4, *np.zeros(19)])
    measure = Distance.fit(summaries, theta, observed)
    coefficients = np.abs(measure.coefficients[1:, 0])  # type: ignore[index]
    assert coefficients[0] > 20 * coefficients[1:].max()
    near = np.array([[0.4, *rng.normal(size=19) * 3]])
    far = np.array([[0.8, *np.zeros(19)]])
    assert measure(near)[0] < 0.1 < measure(far)[0]
    assert measure.target[0] == pytest.approx(0.4, abs=0.02)  # the parameter's estimate


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), particles=st.integers(5, 40),
       dims=st.integers(1, 3), quantile=st.floats(0.2, 0.8))
def test_every_generation_keeps_its_invariants(seed: int, particles: int, dims: int,
                                               quantile: float) -> None:
    """Particles stay in the box, weights are positive and sum to 1, each particle met its
    generation's tolerance, and tolerances fall."""
    low, high = np.full(dims, -1.0), np.full(dims, 2.0)

    def simulate(candidates: np.ndarray, first_run: int) -> np.ndarray:
        noise = np.array([np.random.default_rng([seed, first_run + k]).normal(size=dims)
                          for k in range(len(candidates))])
        return candidates + 0.3 * noise

    run = abc_smc(simulate, np.full(dims, 0.5), low, high, particles=particles, generations=4,
                  seed=seed, quantile=quantile, min_acceptance=0.01)
    epsilons = [g.epsilon for g in run.generations]
    assert all(later < earlier for earlier, later in itertools.pairwise(epsilons))
    for generation in run.generations:
        assert generation.particles.shape == (particles, dims)
        assert np.all((generation.particles >= low) & (generation.particles <= high))
        assert np.all(generation.weights > 0) and generation.weights.sum() == pytest.approx(1.0)
        assert np.all(generation.distances <= generation.epsilon)
        assert generation.proposed >= particles
