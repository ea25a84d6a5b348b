"""Seeds and random streams: results depend only on (scenario, seed, run index).

A batch's root seed gives run ``i`` the ``i``-th 64-bit output of PCG64(seed), reached by
``advance`` in O(1), so any chunk of runs can be seeded without generating those before it.
Inside a run each purpose (an actor's decisions, its acts' effects, its perception,
parameters, accidents) has its own stream, created only when first used, so changing one
assumption leaves the other draws alone (common random numbers).
"""

from __future__ import annotations

import random
import zlib

import numpy as np


def run_seeds(seed: int, start: int, count: int) -> np.ndarray:
    """The seeds of runs ``start`` .. ``start + count - 1`` of a batch with root ``seed``."""
    if seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed}")
    generator = np.random.PCG64(seed)
    generator.advance(start)
    return np.asarray(generator.random_raw(count), dtype=np.uint64)


def run_seed(seed: int, run: int) -> int:
    """The seed of one run of a batch."""
    return int(run_seeds(seed, run, 1)[0])


class Streams:
    """Independent ``random.Random`` streams of one run, one per named purpose."""

    __slots__ = ("_cache", "seed")

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._cache: dict[str, random.Random] = {}

    def get(self, purpose: str) -> random.Random:
        stream = self._cache.get(purpose)
        if stream is None:
            key = (self.seed << 32) | zlib.crc32(purpose.encode())
            stream = self._cache[purpose] = random.Random(key)
        return stream
