"""Per-run parameters: every number a run may vary, as slots of one flat vector.

Compiling gives each per-run number a slot. A run's vector starts as the constants and its
uncertain slots are filled from uniforms by inverse CDF, so independent sampling, Latin
hypercubes and sweeps all reduce to "choose the uniforms" or "pin a slot".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from escalation.model.streams import parameter_keys
from escalation.scenario.distributions import _Distribution


@dataclass(frozen=True, slots=True)
class Parameter:
    """A named per-run number: its slot, and its distribution when it is uncertain."""

    name: str
    slot: int
    value: float
    distribution: _Distribution | None = None
    integer: bool = False


@dataclass
class ParameterTable:
    """Collects parameters while compiling; frozen into a tuple afterwards."""

    parameters: list[Parameter] = field(default_factory=list)

    def add(self, name: str, value: float | _Distribution, integer: bool = False) -> int:
        slot = len(self.parameters)
        if isinstance(value, _Distribution):
            self.parameters.append(Parameter(name, slot, float("nan"), value, integer))
        else:
            self.parameters.append(Parameter(name, slot, float(value), None, integer))
        return slot

    def shared_constant(self, name: str, value: float) -> int:
        """The slot of the constant ``name``: a new one, or the one already made for it (two
        parts of a scenario read the same number, such as a follow-up that takes the
        deliberation's time)."""
        for p in self.parameters:
            if p.name == name:
                return p.slot
        return self.add(name, value)

    def settle(self, unused: tuple[str, ...]) -> None:
        """Fix at its median every uncertain parameter whose name starts with one of
        ``unused`` (those of action kinds no act of the scenario can take): drawing them would
        add columns, sensitivity indices and sampling dimensions that nothing reads."""
        for index, p in enumerate(self.parameters):
            if p.distribution is not None and p.name.startswith(unused):
                median = float(p.distribution.ppf(np.array([0.5]))[0])
                self.parameters[index] = Parameter(p.name, p.slot, median, None, p.integer)


@dataclass(frozen=True)
class Parameters:
    """The frozen table: constants, uncertain slots, and the map from uniforms to values."""

    all: tuple[Parameter, ...]

    @cached_property
    def uncertain(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.all if p.distribution is not None)

    @cached_property
    def keys(self) -> np.ndarray:
        """The stream key of each uncertain parameter, from its name."""
        return parameter_keys([p.name for p in self.uncertain])

    def by_name(self) -> dict[str, Parameter]:
        return {p.name: p for p in self.all}

    def base_vector(self) -> np.ndarray:
        return np.array([p.value for p in self.all], dtype=float)

    def values_from_uniforms(self, uniforms: np.ndarray) -> np.ndarray:
        """Rows of full parameter vectors from rows of uniforms, one column per uncertain one."""
        uniforms = np.atleast_2d(uniforms)
        out = np.tile(self.base_vector(), (uniforms.shape[0], 1))
        for column, p in enumerate(self.uncertain):
            assert p.distribution is not None
            drawn = p.distribution.ppf(uniforms[:, column])
            out[:, p.slot] = np.round(drawn) if p.integer else drawn
        return out
