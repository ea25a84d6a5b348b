"""The engine's random streams (escalation/model/splitmix.py): SplitMix64 under random.Random's
interface, its C core and its Python core giving the same numbers, draw for draw."""

from __future__ import annotations

import copy
import os
import pickle
import random
import statistics

import pytest
from hypothesis import given
from hypothesis import strategies as st

from escalation import native
from escalation.model import draws
from escalation.model.splitmix import FAST_STREAM, PythonCore, Seeding, SplitMix

SPLITMIX64_FIRST = 0xE220A8397B1DCDAF  # SplitMix64 from state 0: its first output (Vigna's)
SEEDS = st.integers(0, 2**64 - 1)

try:
    from escalation.model._splitmix import Core as CCore
except ImportError:  # not built here: the comparisons below have nothing to compare
    CCore = None


class OverPython(Seeding, PythonCore, random.Random):
    pass


if CCore is not None:
    class OverC(Seeding, CCore, random.Random):
        pass


def both(seed: int, salt: int) -> tuple[random.Random, random.Random]:
    if CCore is None:
        pytest.skip("the C core is not built here (pure Python only): nothing to compare")
    return OverC.start(seed, salt), OverPython.start(seed, salt)


def test_the_c_core_is_built_where_the_engine_is() -> None:
    if os.environ.get("ESCALATION_EXPECT_COMPILED") != "1":
        pytest.skip("set ESCALATION_EXPECT_COMPILED=1 where the build must have compiled")
    assert CCore is not None
    assert (FAST_STREAM is SplitMix) == (not native.running_sources())


def test_a_stream_is_splitmix64() -> None:
    """From state 0 (seed 0, salt 0: the finaliser of 0 is 0) the first output is SplitMix64's
    reference value, and a float is its top 53 bits."""
    assert SplitMix.start(0, 0).getrandbits(64) == SPLITMIX64_FIRST
    assert SplitMix.start(0, 0).random() == (SPLITMIX64_FIRST >> 11) * 2.0**-53
    assert OverPython.start(0, 0).getrandbits(64) == SPLITMIX64_FIRST


@given(seed=SEEDS, salt=st.integers(0, 2**32 - 1))
def test_both_cores_draw_the_same_numbers(seed: int, salt: int) -> None:
    fast, slow = both(seed, salt)
    for k in (1, 7, 32, 53, 63, 64, 65, 128, 129, 1000):
        assert fast.getrandbits(k) == slow.getrandbits(k)
    drawn = [(r.random(), r.gauss(1.0, 2.0), r.randrange(10**30), r.choice("abcdef"),
              r.expovariate(0.5), r.betavariate(2.0, 3.0), r.sample(range(50), 3))
             for r in (fast, slow) for _ in range(20)]
    assert drawn[:20] == drawn[20:]
    assert fast.getstate() == slow.getstate()


@given(seed=SEEDS, salt=st.integers(0, 2**32 - 1), calls=st.integers(1, 9))
def test_the_engines_normal_draws_are_the_standard_librarys(seed: int, salt: int, calls: int) -> None:
    """model/draws.py's gauss takes the C core's ``normal()`` where it can: the same values,
    and the same spare deviate left behind, as random.Random.gauss and the Python core."""
    ours, library = SplitMix.start(seed, salt), SplitMix.start(seed, salt)
    assert [draws.gauss(ours, 2.0, 3.0) for _ in range(calls)] == \
        [library.gauss(2.0, 3.0) for _ in range(calls)]
    assert ours.getstate() == library.getstate()
    for median, sigma in ((1.5, 0.7), (2.0, 0.0), (1.0, 800.0)):  # exp's exponent capped last
        ours, slow = SplitMix.start(seed, salt), OverPython.start(seed, salt)
        assert [draws.lognormal(ours, median, sigma) for _ in range(calls)] == \
            [draws.lognormal(slow, median, sigma) for _ in range(calls)]


@given(seed=SEEDS, salt=st.integers(0, 2**32 - 1), calls=st.integers(1, 9))
def test_each_cores_normal_and_lognormal_are_the_standard_draws(seed: int, salt: int,
                                                                calls: int) -> None:
    """Both cores' ``normal()`` is random.Random.gauss(0, 1), and their ``lognormal()`` is
    model/draws.py's own arithmetic on a stream that is not the C one (the engine's samplers
    call these methods on either core)."""
    cores = [OverPython] if CCore is None else [OverPython, OverC]
    for core in cores:
        ours, library = core.start(seed, salt), OverPython.start(seed, salt)
        assert [0.0 + ours.normal() * 1.0 for _ in range(calls)] == \
            [library.gauss(0.0, 1.0) for _ in range(calls)]
        assert ours.getstate() == library.getstate()
        for median, sigma in ((1.5, 0.7), (2.0, 0.0), (1.0, 800.0)):
            ours, generic = core.start(seed, salt), OverPython.start(seed, salt)
            assert [ours.lognormal(median, sigma) for _ in range(calls)] == \
                [draws.lognormal(generic, median, sigma) for _ in range(calls)]
            assert ours.getstate() == generic.getstate()


def test_the_c_cores_own_methods_fail_as_the_standard_librarys() -> None:
    fast, slow = both(3, 4)
    for stream in (fast, slow):
        with pytest.raises(ZeroDivisionError):
            stream.expovariate(0.0)
        with pytest.raises(TypeError):
            stream.expovariate("fast")
    assert fast.getstate() == slow.getstate()  # each drew its uniform before failing
    assert [fast.expovariate(2) for _ in range(3)] == [slow.expovariate(2) for _ in range(3)]


def test_a_stream_is_a_random_random_that_pickles_and_copies() -> None:
    stream = SplitMix.start(11, 3)
    stream.gauss(0.0, 1.0)  # leaves a spare deviate, which its state keeps
    assert isinstance(stream, random.Random)
    expected = [draws.gauss(copy.copy(stream), 0.0, 1.0) for _ in range(1)]
    for twin in (pickle.loads(pickle.dumps(stream)), copy.deepcopy(stream)):
        assert type(twin) is SplitMix
        assert twin.getstate() == stream.getstate()
        assert [draws.gauss(twin, 0.0, 1.0)] == expected


@pytest.mark.parametrize("seed", [0, 1, 2**64 + 5, -3, "crisis", b"crisis", bytearray(b"x")])
def test_seeding_like_random_random_is_repeatable_in_both_cores(seed: object) -> None:
    assert [SplitMix(seed).random() for _ in range(2)] == [OverPython(seed).random()] * 2
    assert SplitMix("crisis").random() == SplitMix(b"crisis").random()
    assert SplitMix(None).random() != SplitMix(None).random()


def test_what_cannot_seed_or_restore_a_stream_says_so() -> None:
    with pytest.raises(TypeError, match="seeded by None, an int"):
        SplitMix(1.5)
    stream = SplitMix(1)
    with pytest.raises(ValueError, match="another generator"):
        stream.setstate(random.Random(1).getstate())
    assert stream.getstate() == SplitMix(1).getstate()  # left as it was
    with pytest.raises(ValueError, match="non-negative"):
        stream.getrandbits(-1)
    with pytest.raises(ValueError, match="non-negative"):
        OverPython(1).getrandbits(-1)


def test_floats_and_normals_have_their_distributions() -> None:
    stream = SplitMix.start(5, 9)
    uniforms = [stream.random() for _ in range(40_000)]
    assert all(0.0 <= u < 1.0 for u in uniforms)
    assert statistics.fmean(uniforms) == pytest.approx(0.5, abs=5 * (1 / 12 / 40_000) ** 0.5)
    pairs = zip(uniforms[::2], uniforms[1::2], strict=True)
    assert abs(statistics.correlation(*zip(*pairs, strict=True))) < 5 / 20_000**0.5
    normals = [draws.gauss(stream, 0.0, 1.0) for _ in range(40_000)]
    assert statistics.fmean(normals) == pytest.approx(0.0, abs=5 / 40_000**0.5)
    assert statistics.stdev(normals) == pytest.approx(1.0, abs=0.03)


def test_streams_of_neighbouring_seeds_and_salts_are_unrelated() -> None:
    first = [SplitMix.start(seed, 0).random() for seed in range(20_000)]
    second = [SplitMix.start(seed, 1).random() for seed in range(20_000)]
    assert abs(statistics.correlation(first, second)) < 5 / 20_000**0.5
    assert abs(statistics.correlation(first[:-1], first[1:])) < 5 / 20_000**0.5
