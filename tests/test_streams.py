"""Seeds and random streams (escalation/model/streams.py): a batch's run seeds reached in any
chunk, a parameter's uniform fixed by the run and its name alone (SplitMix64's finaliser,
checked against the reference generator's first output), and a stream per purpose."""

from __future__ import annotations

import random
import statistics
import zlib

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import escalation
from escalation.model.streams import (
    Streams,
    named_uniforms,
    parameter_keys,
    run_seed,
    run_seeds,
)
from tests.toys import crisis, prompt

GOLDEN = 0x9E3779B97F4A7C15
SPLITMIX64_FIRST = 0xE220A8397B1DCDAF  # SplitMix64 seeded with 0: its first output


@given(seed=st.integers(0, 2**64 - 1), start=st.integers(0, 50), count=st.integers(0, 20))
def test_any_chunk_of_run_seeds_is_that_slice_of_the_whole(seed: int, start: int, count: int) -> None:
    whole = run_seeds(seed, 0, start + count)
    assert list(run_seeds(seed, start, count)) == list(whole[start:])
    if count:
        assert run_seed(seed, start) == int(whole[start])


def test_seeds_must_not_be_negative() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        run_seeds(-1, 0, 1)


def test_a_uniform_is_splitmix64_of_the_run_seed_plus_the_key() -> None:
    uniforms = named_uniforms(np.array([0], dtype=np.uint64), np.array([GOLDEN], dtype=np.uint64))
    assert uniforms[0, 0] == (SPLITMIX64_FIRST >> 11) * 2.0**-53


@given(names=st.lists(st.text(min_size=1), min_size=1, max_size=6, unique=True))
def test_a_parameters_uniforms_depend_on_its_name_alone(names: list[str]) -> None:
    seeds = run_seeds(7, 0, 50)
    together = named_uniforms(seeds, parameter_keys(names))
    assert together.shape == (50, len(names))
    for column, name in enumerate(names):
        alone = named_uniforms(seeds, parameter_keys([name]))[:, 0]
        assert list(together[:, column]) == list(alone)
    assert ((together >= 0) & (together < 1)).all()


def test_uniforms_are_uniform() -> None:
    uniforms = named_uniforms(run_seeds(3, 0, 20_000), parameter_keys(["a", "b"]))
    for column in uniforms.T:
        assert statistics.fmean(column) == pytest.approx(0.5, abs=5 * (1 / 12) ** 0.5 / 20_000**0.5)
    assert abs(np.corrcoef(uniforms.T)[0, 1]) < 5 / 20_000**0.5


def test_each_purpose_has_a_stream_of_its_own_made_once() -> None:
    streams, again = Streams(11), Streams(11)
    first = streams["decide:a"]
    assert streams["decide:a"] is first
    draws = [first.random() for _ in range(5)]
    assert [again["decide:a"].random() for _ in range(5)] == draws
    assert [again["decide:b"].random() for _ in range(5)] != draws
    assert [Streams(12)["decide:a"].random() for _ in range(5)] != draws


def test_a_run_records_its_parameters_and_takes_them_as_given() -> None:
    """Uncertain parameters are drawn per run within their distribution and recorded by
    name; a parameter vector given to ``simulate`` replaces the draws."""
    scenario = crisis({"a": prompt(resolve={"dist": "uniform", "low": 0.2, "high": 0.4}),
                       "b": prompt()})
    drawn = [escalation.simulate(scenario, seed=1, run=run).parameters for run in range(20)]
    assert all(list(p) == ["actors.a.resolve"] for p in drawn)
    values = [p["actors.a.resolve"] for p in drawn]
    assert all(0.2 <= v <= 0.4 for v in values) and len(set(values)) == 20
    first = escalation.simulate(scenario)  # by default, run 0 of the batch with seed 0
    assert (first.seed, first.run, first.parameters) == (0, 0, drawn_with_seed_0(scenario))
    pinned = scenario.parameters.values_from_uniforms(np.zeros((1, 1)))[0]
    assert escalation.simulate(scenario, values=pinned).parameters == {"actors.a.resolve": 0.2}


def drawn_with_seed_0(scenario: escalation.Scenario) -> dict[str, float]:
    return escalation.simulate(scenario, seed=0, run=0).parameters


def splitmix_finaliser(z: int) -> int:
    mask = 2**64 - 1
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
    return z ^ (z >> 31)


@given(seed=st.integers(0, 2**64 - 1), purpose=st.text(max_size=20))
def test_a_stream_is_splitmix64_from_a_hash_of_the_run_seed_and_its_purpose(seed: int,
                                                                           purpose: str) -> None:
    """A purpose's stream starts from the finaliser of (seed * golden gamma + the purpose's
    CRC-32), and is a random.Random to the policies that draw from it."""
    stream = Streams(seed)[purpose]
    start = splitmix_finaliser((seed * GOLDEN + zlib.crc32(purpose.encode())) % 2**64)
    first = splitmix_finaliser((start + GOLDEN) % 2**64)
    assert isinstance(stream, random.Random)
    assert stream.random() == (first >> 11) * 2.0**-53
