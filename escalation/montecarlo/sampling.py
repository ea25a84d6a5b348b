"""How a batch draws its uncertain parameters: independently, or by Latin hypercube.

Both start from the uniforms each run draws from its own parameter stream, so a run's draws
never depend on which chunk or worker runs it. Latin hypercube sampling adds, per dimension, a
permutation of the batch's N strata: u = (stratum + own uniform) / N, which puts exactly one
run in each 1/N slice of every parameter's range. A *design* gives every run's uniforms
explicitly (sensitivity analysis); the runs keep their own streams for everything else.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from escalation.engine.simulate import sample_uniforms
from escalation.engine.streams import run_seeds
from escalation.scenario.compiled import Scenario

METHODS = ("independent", "lhs", "design")
_EDGE = 1e-12  # designs may hold exact 0 or 1, where some inverse CDFs are infinite


@dataclass(frozen=True, eq=False)
class SamplingPlan:
    method: str = "independent"
    design_size: int = 0  # N, the batch's number of runs (Latin hypercube only)
    uniforms: np.ndarray | None = None  # "design": one row per run, one column per parameter
    first_run: int = 0  # the run index of the design's first row

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ValueError(f"unknown sampling method '{self.method}'; use one of {METHODS}")
        if self.method == "lhs" and self.design_size <= 0:
            raise ValueError("a Latin hypercube needs the batch size (design_size > 0)")
        if (self.method == "design") != (self.uniforms is not None):
            raise ValueError("a design plan, and only one, gives the uniforms of every run")

    def for_chunk(self, start: int, count: int) -> SamplingPlan:
        """The part of the plan a chunk needs (a design ships only its own rows)."""
        if self.uniforms is None:
            return self
        offset = start - self.first_run
        return SamplingPlan("design", uniforms=self.uniforms[offset:offset + count], first_run=start)

    def values(self, scenario: Scenario, seed: int, start: int, count: int) -> np.ndarray | None:
        """Parameter vectors for runs start..start+count-1 (None when nothing is uncertain).

        Independent draws equal, bit for bit, what ``simulate`` draws for a single run (the
        inverse CDFs are element-wise); mapping a whole chunk in one call saves ~60 µs a run."""
        dims = len(scenario.parameters.uncertain)
        if dims == 0:
            return None
        if self.uniforms is not None:
            return scenario.parameters.values_from_uniforms(self._design_rows(start, count, dims))
        own = sample_uniforms(scenario, run_seeds(seed, start, count))
        if self.method == "independent":
            return scenario.parameters.values_from_uniforms(own)
        strata = _strata(seed, self.design_size, dims)[start:start + count]
        return scenario.parameters.values_from_uniforms((strata + own) / self.design_size)

    def _design_rows(self, start: int, count: int, dims: int) -> np.ndarray:
        assert self.uniforms is not None
        rows = self.uniforms[start - self.first_run:start - self.first_run + count]
        if rows.shape != (count, dims):
            raise ValueError(f"the design gives {self.uniforms.shape[1]} uniforms per run from run "
                             f"{self.first_run}; runs {start}..{start + count - 1} of a scenario "
                             f"with {dims} uncertain parameters need a {count} x {dims} block")
        return np.clip(rows, _EDGE, 1 - _EDGE)


@lru_cache(maxsize=2)
def _strata(seed: int, size: int, dims: int) -> np.ndarray:
    """One permutation of 0..N-1 per dimension, fixed by the batch seed (cached per worker)."""
    generator = np.random.Generator(np.random.PCG64([seed, 0x1A7E5]))
    return np.stack([generator.permutation(size) for _ in range(dims)], axis=1).astype(float)
