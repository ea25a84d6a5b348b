"""The engine's own scalar draws (model/draws.py, engine/variates.py): ``gauss`` is the
standard library's, draw for draw and state for state, whoever draws next; the engine's
``draw`` of a distribution's ``Sampler`` gives what the distribution's ``sample`` gives from
the same stream."""

from __future__ import annotations

import pickle
import random

from hypothesis import given
from hypothesis import strategies as st

from escalation.engine.variates import draw
from escalation.model.draws import Sampler, binomial, gauss, poisson
from escalation.model.splitmix import SplitMix
from escalation.scenario.distributions import (
    Beta,
    Choice,
    LogNormal,
    Normal,
    Poisson,
    Triangular,
    Uniform,
)

# What is drawn next from a stream: the engine's normal draw, the library's, or a uniform.
STEPS = st.lists(st.sampled_from(["ours", "library", "uniform"]), min_size=1, max_size=40)
FINITE = st.floats(-1e6, 1e6, allow_nan=False)


@given(seed=st.integers(0, 2**64 - 1), steps=STEPS, mu=FINITE, sigma=st.floats(0, 1e3))
def test_gauss_is_the_standard_librarys(seed: int, steps: list[str], mu: float, sigma: float) -> None:
    ours, theirs = random.Random(seed), random.Random(seed)
    for step in steps:  # the library's draws in both streams, ours in one: the same values
        if step == "uniform":
            assert ours.random() == theirs.random()
        elif step == "ours":
            assert gauss(ours, mu, sigma) == theirs.gauss(mu, sigma)
        else:
            assert ours.gauss(mu, sigma) == theirs.gauss(mu, sigma)
        assert ours.getstate() == theirs.getstate()
        assert ours.gauss_next == theirs.gauss_next  # type: ignore[attr-defined]


DISTRIBUTIONS = [
    Uniform(dist="uniform", low=2.0, high=7.5),
    LogNormal(dist="lognormal", median=0.25, sigma=0.6),
    LogNormal(dist="lognormal", median=3.0, sigma=900.0),  # beyond the largest float: inf
    Normal(dist="normal", mean=1.0, sd=2.0, low=0.0),
    Beta(dist="beta", a=2.0, b=5.0),
    Triangular(dist="triangular", low=1.0, mode=2.0, high=4.0),
    Poisson(dist="poisson", mean=3.5),
    Choice(dist="choice", values=(1.0, 2.0, 5.0)),
]


@given(seed=st.integers(0, 2**64 - 1), which=st.integers(0, len(DISTRIBUTIONS) - 1),
       count=st.integers(1, 6))
def test_the_engines_draw_is_the_distributions_sample(seed: int, which: int, count: int) -> None:
    """On a run's stream (model/splitmix.py) the engine's draw of the ``Sampler`` is the
    distribution's ``sample``; on any ``random.Random`` the sampler's ``sample`` is."""
    distribution = DISTRIBUTIONS[which]
    sampler = distribution.sampler()
    ours, theirs = SplitMix(seed), SplitMix(seed)
    assert [draw(sampler, ours, []) for _ in range(count)] == \
        [distribution.sample(theirs) for _ in range(count)]
    assert ours.getstate() == theirs.getstate()
    ours, theirs = random.Random(seed), random.Random(seed)
    assert [sampler.sample(ours) for _ in range(count)] == \
        [distribution.sample(theirs) for _ in range(count)]
    assert ours.getstate() == theirs.getstate()


def test_a_sampler_pickles_and_compares_as_its_distribution() -> None:
    """A compiled scenario travels to worker processes, its samplers with it."""
    for distribution in DISTRIBUTIONS:
        sampler = distribution.sampler()
        twin = pickle.loads(pickle.dumps(sampler))
        assert type(twin) is Sampler
        assert twin == sampler and hash(twin) == hash(sampler)
        assert twin.source == distribution
        mine, theirs = SplitMix(5), SplitMix(5)
        assert [twin.draw(mine) for _ in range(3)] == [draw(sampler, theirs, []) for _ in range(3)]
    assert DISTRIBUTIONS[0].sampler() != DISTRIBUTIONS[1].sampler()
    assert DISTRIBUTIONS[0].sampler() != DISTRIBUTIONS[0]


@given(seed=st.integers(0, 2**64 - 1), median=st.floats(0.01, 1000.0),
       sigma=st.floats(0.0, 3.0))
def test_a_per_run_median_draws_around_the_runs_value(seed: int, median: float,
                                                      sigma: float) -> None:
    """A log-normal whose median is a per-run parameter (slot 1 of the run's values) draws
    what the distribution with that median draws; with the file's median, what it drew
    without the slot."""
    file = LogNormal(dist="lognormal", median=median, sigma=sigma)
    sampler = file.sampler(slot=1)
    moved = LogNormal(dist="lognormal", median=2 * median, sigma=sigma)
    ours, theirs = SplitMix(seed), SplitMix(seed)
    assert draw(sampler, ours, [0.0, 2 * median]) == moved.sample(theirs)
    assert draw(sampler, ours, [0.0, median]) == draw(file.sampler(), theirs, [])
    twin = pickle.loads(pickle.dumps(sampler))
    assert twin.slot == 1 and twin == sampler and twin != file.sampler()


def test_a_constant_is_drawn_as_itself_without_a_draw() -> None:
    rng = SplitMix(3)
    state = rng.getstate()
    assert draw(4.5, rng, []) == 4.5
    assert rng.getstate() == state


@given(seed=st.integers(0, 2**32), mean=st.floats(0, 200), trials=st.integers(0, 3000),
       p=st.floats(0, 1))
def test_counts_are_whole_and_within_their_range(seed: int, mean: float, trials: int, p: float) -> None:
    rng = random.Random(seed)
    assert poisson(rng, mean) >= 0
    assert 0 <= binomial(rng, trials, p) <= trials
    assert binomial(rng, trials, 1.0) == trials and binomial(rng, trials, 0.0) == 0
