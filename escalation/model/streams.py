"""Seeds and random streams: results depend only on (scenario, seed, run index).

A batch's root seed gives run ``i`` the ``i``-th 64-bit output of PCG64(seed), reached by
``advance`` in O(1), so any chunk of runs can be seeded without generating those before it.
Inside a run each purpose (an actor's decisions, its acts' effects, its perception,
accidents) has its own stream (SplitMix64, model/splitmix.py), created only when first used,
its state a hash of the run seed and the purpose's name, and each uncertain parameter
draws its uniform from a hash of (run seed, parameter name): changing one assumption, or
pinning a parameter, leaves every other draw alone (common random numbers).
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Sequence

import numpy as np

from escalation.model.splitmix import GOLDEN, MASK, SplitMix


def run_seeds(seed: int, start: int, count: int) -> np.ndarray:
    """The seeds of runs ``start`` .. ``start + count - 1`` of a batch with root ``seed``."""
    if seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed}")
    generator = np.random.PCG64(seed)
    generator.advance(start)
    return np.asarray(generator.random_raw(count), dtype=np.uint64)


def parameter_keys(names: Sequence[str]) -> np.ndarray:
    """A 64-bit key per parameter name, fixed by the name alone."""
    return np.array([zlib.crc32(name.encode()) * GOLDEN & MASK for name in names],
                    dtype=np.uint64)


def named_uniforms(seeds: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Uniforms in [0, 1), one row per run seed and one column per parameter key: the
    SplitMix64 finaliser of (seed + key), so a parameter's draw depends only on the run and
    its name, never on which other parameters the scenario has."""
    with np.errstate(over="ignore"):
        z = np.add.outer(np.asarray(seeds, dtype=np.uint64), keys)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(float) * 2.0 ** -53


def run_seed(seed: int, run: int) -> int:
    """The seed of one run of a batch."""
    return int(run_seeds(seed, run, 1)[0])


def purpose_salt(purpose: str) -> int:
    """What a purpose adds to the run seed for its stream's state (model/splitmix.py's
    ``start``): its name's CRC-32, worked out once per name in a process."""
    salt = _SALTS.get(purpose)
    if salt is None:
        salt = _SALTS[purpose] = zlib.crc32(purpose.encode())
    return salt


_SALTS: dict[str, int] = {}


class Streams(dict[str, random.Random]):
    """Independent ``random.Random`` streams of one run, one per named purpose, made on first
    use: ``streams[purpose]``. A dict filled on lookup, so that every later draw of a purpose
    finds its stream at plain-dict speed."""

    __slots__ = ("seed",)

    def __init__(self, seed: int) -> None:
        self.seed = seed

    def __missing__(self, purpose: str) -> random.Random:
        stream = self[purpose] = SplitMix.start(self.seed, purpose_salt(purpose))
        return stream
