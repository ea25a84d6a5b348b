"""Proper scores, each checked against a value computed by hand, and the PIT and coverage
checked against samples from known distributions (fixed seeds, tolerant bounds)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from escalation.analysis import scoring

P = np.array([0.2, 0.5, 0.3])


def test_smoothed_probabilities_add_the_pseudo_count_to_each_class() -> None:
    assert scoring.smoothed_probabilities([3, 1, 0], 0.5) == pytest.approx([3.5 / 5.5, 1.5 / 5.5, 0.5 / 5.5])
    assert scoring.smoothed_probabilities([0, 0], 0.5) == pytest.approx([0.5, 0.5])
    with pytest.raises(ValueError):
        scoring.smoothed_probabilities([0, 0], 0.0)


def test_log_score_is_minus_the_log_of_the_real_class_probability() -> None:
    assert scoring.log_score(P, 1) == pytest.approx(math.log(2))
    assert scoring.log_score(P, 0) == pytest.approx(-math.log(0.2))
    assert scoring.log_score(np.array([1.0, 0.0]), 1) == math.inf


def test_ranked_probability_score_by_hand() -> None:
    # cumulative forecast (0.2, 0.7); real class 2: step (0, 0) -> (0.04 + 0.49) / 2
    assert scoring.ranked_probability_score(P, 2) == pytest.approx(0.265)
    # real class 0: step (1, 1) -> (0.64 + 0.09) / 2
    assert scoring.ranked_probability_score(P, 0) == pytest.approx(0.365)
    # real class 1: step (0, 1) -> (0.04 + 0.09) / 2
    assert scoring.ranked_probability_score(P, 1) == pytest.approx(0.065)


def test_ranked_probability_score_runs_from_0_to_1_and_rewards_near_misses() -> None:
    assert scoring.ranked_probability_score(np.array([0, 0, 1.0]), 2) == 0
    assert scoring.ranked_probability_score(np.array([1.0, 0, 0]), 2) == pytest.approx(1)
    near, far = np.array([0, 1.0, 0]), np.array([1.0, 0, 0])
    assert scoring.ranked_probability_score(near, 2) < scoring.ranked_probability_score(far, 2)


def test_crps_of_small_samples_by_hand() -> None:
    # {0, 2} at 1: E|X - 1| = 1, E|X - X'| = (0 + 2 + 2 + 0) / 4 = 1, so 1 - 1/2
    assert scoring.crps(np.array([0.0, 2.0]), 1.0) == pytest.approx(0.5)
    assert scoring.crps(np.array([3.0, 3.0, 3.0]), 1.0) == pytest.approx(2.0)  # |c - y| for a point
    # {0, 1, 5} at 0: E|X| = 2; pairs |0-1| + |0-5| + |1-5| = 10, E|X-X'| = 2 * 10 / 9
    assert scoring.crps(np.array([5.0, 0.0, 1.0]), 0.0) == pytest.approx(2 - 10 / 9)


def test_crps_of_a_normal_sample_matches_the_closed_form() -> None:
    sample = np.random.default_rng(1).normal(size=40_000)
    y = 0.7  # sigma (z (2 Phi(z) - 1) + 2 phi(z) - 1/sqrt(pi)) for N(0, 1)
    phi = math.exp(-y * y / 2) / math.sqrt(2 * math.pi)
    big_phi = 0.5 * (1 + math.erf(y / math.sqrt(2)))
    exact = y * (2 * big_phi - 1) + 2 * phi - 1 / math.sqrt(math.pi)
    assert scoring.crps(sample, y) == pytest.approx(exact, abs=0.01)


def test_pit_by_hand() -> None:
    sample = np.array([1.0, 2.0, 3.0, 4.0])
    assert scoring.pit(sample, 2.5, 0.9) == 0.5  # no atom: the draw does not matter
    assert scoring.pit(sample, 2.0, 0.0) == 0.25  # an atom of 1/4 at 2: from 1/4 ...
    assert scoring.pit(sample, 2.0, 1.0) == 0.5  # ... to 1/2
    assert scoring.pit(sample, 9.0, 0.3) == 1.0 and scoring.pit(sample, 0.0, 0.3) == 0.0


def test_central_ranges_are_values_of_the_sample() -> None:
    sample = np.arange(1.0, 101.0)
    assert scoring.central_range(sample, 0.9) == (5.0, 95.0)
    assert scoring.central_range(sample, 0.5) == (25.0, 75.0)
    assert scoring.covered(sample, 95.0, 0.9) and not scoring.covered(sample, 95.5, 0.9)


def _pits(draw_forecast, draw_truth, trials: int = 1500, seed: int = 7) -> np.ndarray:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    return np.array([scoring.pit(draw_forecast(rng), float(draw_truth(rng)), rng.random())
                     for _ in range(trials)])


def _uniform_enough(pits: np.ndarray) -> bool:
    """Each tenth of [0, 1] holds 10% of the PITs within 3.5 binomial standard errors."""
    counts = np.histogram(pits, bins=10, range=(0, 1))[0]
    n = len(pits)
    return bool(np.all(np.abs(counts - n / 10) <= 3.5 * math.sqrt(n * 0.09)))


def test_pit_is_uniform_for_a_calibrated_continuous_forecast() -> None:
    pits = _pits(lambda r: r.normal(2, 3, 500), lambda r: r.normal(2, 3))
    assert _uniform_enough(pits)
    overconfident = _pits(lambda r: r.normal(2, 1, 500), lambda r: r.normal(2, 3))
    assert not _uniform_enough(overconfident)


def test_randomised_pit_is_uniform_for_calibrated_counts() -> None:
    pits = _pits(lambda r: r.poisson(2.0, 500), lambda r: r.poisson(2.0))
    assert _uniform_enough(pits)
    rng = np.random.default_rng(3)  # without the randomisation, atoms pile the PIT up
    plain = np.array([scoring.pit(rng.poisson(2.0, 500), float(rng.poisson(2.0)), 1.0)
                      for _ in range(1500)])
    assert not _uniform_enough(plain)


@pytest.mark.parametrize("level", [0.5, 0.9])
def test_coverage_is_nominal_for_a_calibrated_forecast(level: float) -> None:
    rng = np.random.default_rng(11)
    hits = [scoring.covered(rng.lognormal(0, 1, 1000), float(rng.lognormal(0, 1)), level)
            for _ in range(2000)]
    assert abs(np.mean(hits) - level) < 0.035
    narrow = [scoring.covered(rng.lognormal(0, 0.5, 1000), float(rng.lognormal(0, 1)), level)
              for _ in range(2000)]
    assert np.mean(narrow) < level - 0.1


def test_coverage_of_counts_is_at_least_nominal() -> None:
    rng = np.random.default_rng(5)
    hits = [scoring.covered(rng.poisson(1.5, 1000), float(rng.poisson(1.5)), 0.5)
            for _ in range(2000)]
    assert np.mean(hits) >= 0.5 - 0.03


def test_skill_and_its_bootstrap_interval_by_hand() -> None:
    assert scoring.skill(np.array([1.0, 1.0]), np.array([2.0, 2.0])) == 0.5
    assert math.isnan(scoring.skill(np.array([1.0]), np.array([0.0])))
    # resamples of {1, 2} against 2 and 2: mean 1, 1.5 or 2, so skill 0.5, 0.25 or 0
    low, high = scoring.bootstrap_skill(np.array([1.0, 2.0]), np.array([2.0, 2.0]))
    assert 0 <= low < high <= 0.5
    assert all(map(math.isnan, scoring.bootstrap_skill(np.array([1.0]), np.array([2.0]))))
    same = scoring.bootstrap_skill(np.array([1.0, 1.0, 1.0]), np.array([4.0, 4.0, 4.0]))
    assert same == (0.75, 0.75)
