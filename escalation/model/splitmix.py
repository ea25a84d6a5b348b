"""SplitMix64 under ``random.Random``'s interface: the generator of a run's streams.

A run draws from a stream per purpose (model/streams.py), a few to a few dozen streams a run,
most of them for a handful of draws. The standard library's Mersenne Twister costs about 4 µs
to seed, more than everything a stream then draws; SplitMix64 (Steele, Lea & Flood 2014,
"Fast splittable pseudorandom number generators", OOPSLA) is seeded by storing one 64-bit
word, passes BigCrush, and has a period of 2**64 per stream, far beyond a run's few hundred
draws. Its outputs are a hash (Stafford's finaliser) of a counter, so distinct seeds give
distinct, uncorrelated streams.

``SplitMix`` is a ``random.Random``: it supplies ``random()`` and ``getrandbits()`` and the
standard library's methods (``gauss``, ``choice``, ``expovariate``…) build on them, so a
policy written for ``random.Random`` works unchanged. Its core is C (model/_splitmix.c, built
with the engine's compiled core by setup.py) where built; the same arithmetic in Python below
runs otherwise, and when the engine's sources are asked for (escalation/native.py).
"""

from __future__ import annotations

import math
import os
import random
from hashlib import sha512
from typing import TYPE_CHECKING, Any

from escalation import native

GOLDEN = 0x9E3779B97F4A7C15
MASK = (1 << 64) - 1
LARGEST_EXPONENT = 709.0  # math.exp of more overflows
_STATE_VERSION = "splitmix64-1"


def mix(z: int) -> int:
    """SplitMix64's finaliser (Stafford's variant 13) of a 64-bit word."""
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


class PythonCore(random.Random):
    """The C core's arithmetic in Python: the same outputs, draw for draw."""

    _state: int
    gauss_next: float | None  # set by random.Random.gauss

    @classmethod
    def start(cls, seed: int, salt: int) -> Any:
        """A stream of ``cls`` for one purpose of one run, made without ``__init__`` (at the
        cost of an allocation): its state is the finaliser of ``seed * GOLDEN + salt``."""
        stream = cls.__new__(cls)
        stream._state = mix((seed * GOLDEN + salt) & MASK)
        stream.gauss_next = None
        return stream

    def random(self) -> float:
        # ``mix`` written out: this is every draw of a run where the C core is not built
        z = self._state = (self._state + GOLDEN) & MASK
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return ((z ^ (z >> 31)) >> 11) * 2.0**-53

    def normal(self) -> float:
        """A standard normal deviate: ``gauss(0.0, 1.0)``, the same spare kept."""
        return random.Random.gauss(self, 0.0, 1.0)

    def lognormal(self, median: float, sigma: float) -> float:
        """``median * exp(min(sigma * z, 709))`` for a normal deviate z as ``gauss(0.0, 1.0)``
        returns it: model/draws.py's ``lognormal``, draw for draw."""
        return median * math.exp(min(sigma * (0.0 + self.normal() * 1.0), LARGEST_EXPONENT))

    def getrandbits(self, k: int) -> int:
        if k < 0:
            raise ValueError("number of bits must be non-negative")
        result, shift = 0, 0
        while k > 0:
            state = self._state = (self._state + GOLDEN) & MASK
            word = mix(state)
            if k < 64:
                word >>= 64 - k
            result |= word << shift
            shift += 64
            k -= 64
        return result


def _core() -> type:
    """The C core where it is built and the compiled engine runs, else ``PythonCore``."""
    if native.running_sources():
        return PythonCore
    try:
        from escalation.model._splitmix import Core
    except ImportError:
        return PythonCore
    return Core


if TYPE_CHECKING:
    _Core = PythonCore
else:
    _Core = _core()


class Seeding:
    """``random.Random``'s seeding and state for a SplitMix64 core (either core)."""

    _state: int
    gauss_next: float | None

    def seed(self, a: Any = None, version: int = 2) -> None:
        """Seed from ``a`` as ``random.Random.seed`` accepts it: an int (its low 64 bits,
        hashed), a str, bytes or bytearray (its SHA-512), or None (the operating system's
        entropy)."""
        if a is None:
            key = int.from_bytes(os.urandom(8), "little")
        elif isinstance(a, int):
            key = a & MASK
        elif isinstance(a, str | bytes | bytearray):
            raw = a.encode() if isinstance(a, str) else bytes(a)
            key = int.from_bytes(sha512(raw).digest()[:8], "little")
        else:
            raise TypeError("a SplitMix stream is seeded by None, an int, a str, bytes or "
                            f"bytearray, not {type(a).__name__}")
        self._state = mix(key)
        self.gauss_next = None

    def getstate(self) -> tuple[Any, ...]:
        return (_STATE_VERSION, self._state, self.gauss_next)

    def setstate(self, state: tuple[Any, ...]) -> None:
        version, counter, spare = state
        if version != _STATE_VERSION:
            raise ValueError(f"state of another generator ({version!r}), not {_STATE_VERSION!r}")
        self._state, self.gauss_next = counter, spare


class SplitMix(Seeding, _Core, random.Random):
    """A SplitMix64 stream, seeded like ``random.Random`` (``SplitMix(seed)``); its core's
    ``start`` makes one for a run's purpose without ``__init__`` (model/streams.py)."""


FAST_STREAM: type | None = SplitMix if _Core is not PythonCore else None
"""``SplitMix`` where its core is C, else None: model/draws.py's functions, which take any
``random.Random``, call a C stream's ``normal()`` and ``lognormal()`` instead of their own
arithmetic. (Both cores have them; the engine's ``Sampler`` calls them on every stream.)"""
