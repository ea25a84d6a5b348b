"""How a batch draws its uncertain parameters: independently, or by Latin hypercube.

Both start from the uniforms each run draws from its own parameter stream, so a run's draws
never depend on which chunk or worker runs it. Latin hypercube sampling adds, per dimension, a
permutation of the batch's N strata: u = (stratum + own uniform) / N, which puts exactly one
run in each 1/N slice of every parameter's range. The permutation is a keyed bijection of
0..N-1 (a Feistel network, ``_stratum``) computed for a chunk's runs alone, so a worker needs
memory for its chunk, not for the batch: a billion-run hypercube costs what a small one does.
A *design* gives every run's uniforms explicitly (sensitivity analysis); the runs keep their
own streams for everything else. *Fixed* values pin parameters (by slot) in every run of a
batch, after the draws: every other parameter keeps its draw, as when the scenario is loaded
with the value set (calibration sets many values in one loaded scenario this way). *Per-run*
values (``RunValues``) pin parameters run by run, each run its own value, after the fixed ones:
ABC-SMC runs every candidate parameter vector of a generation in one batch this way.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from escalation.engine.simulate import sample_uniforms
from escalation.model.streams import run_seeds
from escalation.scenario.compiled import Scenario

METHODS = ("independent", "lhs", "design")
_EDGE = 1e-12  # designs may hold exact 0 or 1, where some inverse CDFs are infinite


@dataclass(frozen=True, eq=False)
class RunValues:
    """Values set run by run: parameter ``slots`` (k of them) and one row of k values per run,
    row 0 for the batch's first run."""

    slots: tuple[int, ...]
    values: np.ndarray  # runs x k
    first_run: int = 0

    def for_chunk(self, start: int, count: int) -> RunValues:
        """The rows of runs start..start+count-1 (a chunk ships only its own)."""
        offset = start - self.first_run
        return RunValues(self.slots, self.values[offset:offset + count], start)


@dataclass(frozen=True, eq=False)
class SamplingPlan:
    method: str = "independent"
    design_size: int = 0  # N, the batch's number of runs (Latin hypercube only)
    uniforms: np.ndarray | None = None  # "design": one row per run, one column per parameter
    first_run: int = 0  # the run index of the design's first row
    fixed: tuple[tuple[int, float], ...] = ()  # (slot, value): pinned in every run
    per_run: RunValues | None = None  # values pinned run by run, after ``fixed``

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ValueError(f"unknown sampling method '{self.method}'; use one of {METHODS}")
        if self.method == "lhs" and self.design_size <= 0:
            raise ValueError("a Latin hypercube needs the batch size (design_size > 0)")
        if (self.method == "design") != (self.uniforms is not None):
            raise ValueError("a design plan, and only one, gives the uniforms of every run")

    def for_chunk(self, start: int, count: int) -> SamplingPlan:
        """The part of the plan a chunk needs (a design, and values set run by run, ship only
        their own rows)."""
        per_run = None if self.per_run is None else self.per_run.for_chunk(start, count)
        if self.uniforms is None:
            return self if per_run is None else replace(self, per_run=per_run)
        offset = start - self.first_run
        return SamplingPlan("design", uniforms=self.uniforms[offset:offset + count], first_run=start,
                            fixed=self.fixed, per_run=per_run)

    def values(self, scenario: Scenario, seed: int, start: int, count: int) -> np.ndarray | None:
        """Parameter vectors for runs start..start+count-1 (None when nothing is uncertain
        and nothing is fixed), the fixed values and those set run by run in place.

        Independent draws equal, bit for bit, what ``simulate`` draws for a single run (the
        inverse CDFs are element-wise); mapping a whole chunk in one call saves ~60 µs a run."""
        drawn = self._drawn(scenario, seed, start, count)
        if not self.fixed and self.per_run is None:
            return drawn
        rows = drawn if drawn is not None else \
            np.tile(np.asarray(scenario.parameters.base_vector(), dtype=float), (count, 1))
        for slot, value in self.fixed:
            rows[:, slot] = value
        if self.per_run is not None:
            own = self.per_run.values[start - self.per_run.first_run:][:count]
            rows[:, list(self.per_run.slots)] = own
        return rows

    def _drawn(self, scenario: Scenario, seed: int, start: int, count: int) -> np.ndarray | None:
        dims = len(scenario.parameters.uncertain)
        if dims == 0:
            return None
        if self.uniforms is not None:
            return scenario.parameters.values_from_uniforms(self._design_rows(start, count, dims))
        own = sample_uniforms(scenario, run_seeds(seed, start, count))
        if self.method == "independent":
            return scenario.parameters.values_from_uniforms(own)
        strata = _stratum(np.arange(start, start + count, dtype=np.uint64), self.design_size,
                          _keys(seed, dims))
        return scenario.parameters.values_from_uniforms((strata + own) / self.design_size)

    def _design_rows(self, start: int, count: int, dims: int) -> np.ndarray:
        assert self.uniforms is not None
        rows = self.uniforms[start - self.first_run:start - self.first_run + count]
        if rows.shape != (count, dims):
            raise ValueError(f"the design gives {self.uniforms.shape[1]} uniforms per run from run "
                             f"{self.first_run}; runs {start}..{start + count - 1} of a scenario "
                             f"with {dims} uncertain parameters need a {count} x {dims} block")
        return np.clip(rows, _EDGE, 1 - _EDGE)


ROUNDS = 6  # Feistel rounds: 4 already make a keyed permutation look random; 6 for margin
_MASK64 = np.uint64(2**64 - 1)


def _keys(seed: int, dims: int) -> np.ndarray:
    """Round keys (dims x ROUNDS), fixed by the batch seed: one permutation per dimension."""
    generator = np.random.Generator(np.random.PCG64([seed, 0x1A7E5]))
    return generator.integers(0, 2**64, size=(dims, ROUNDS), dtype=np.uint64, endpoint=False)


def _stratum(runs: np.ndarray, size: int, keys: np.ndarray) -> np.ndarray:
    """The stratum of each of ``runs`` in every dimension (len(runs) x dims, as floats): for
    each dimension a bijection of 0..size-1, so every stratum holds exactly one run of the
    batch. A Feistel network permutes the 2^(2h) >= size numbers of h-bit halves; a run it
    maps past the batch is mapped again (cycle walking), which stays a bijection of 0..size-1
    and takes fewer than four steps on average (the network's range is below 4 x size)."""
    half = max(1, (max(size - 1, 1).bit_length() + 1) // 2)
    out = np.empty((len(runs), len(keys)), dtype=float)
    for dim, round_keys in enumerate(keys):
        values = runs.copy()
        outside = np.ones(len(values), dtype=bool)
        while outside.any():
            values[outside] = _feistel(values[outside], half, round_keys)
            outside = values >= size
        out[:, dim] = values
    return out


def _feistel(values: np.ndarray, half: int, keys: np.ndarray) -> np.ndarray:
    """One pass of a balanced Feistel network on numbers of 2 x ``half`` bits: a bijection
    of 0..4^half-1, whatever the round function (here a SplitMix64 finaliser of the right
    half and the round's key)."""
    mask = np.uint64((1 << half) - 1)
    shift = np.uint64(half)
    left, right = values >> shift, values & mask
    for key in keys:
        left, right = right, left ^ (_mix(right ^ key) & mask)
    return (left << shift) | right


def _mix(x: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser: every input bit flips about half of the output bits."""
    with np.errstate(over="ignore"):
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9) & _MASK64
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB) & _MASK64
        return x ^ (x >> np.uint64(31))
