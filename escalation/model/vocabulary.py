"""The model's words, each spelled once: what an act does (its effect), where a threat stands,
and the standard kinds the engine itself uses. Strings underneath (``StrEnum``), so a scenario
file, a run table and a condition all read the same plain words."""

from __future__ import annotations

from enum import Enum, StrEnum


class Effect(StrEnum):
    """Which effect model applies to an act of a kind (format 2.8)."""

    NONE = "none"  # statements, criticism, shows of force, cyber attacks, blockades
    THREAT = "threat"
    WARNING = "warning"
    SANCTIONS = "sanctions"
    STRIKE = "strike"
    KILLING = "killing"
    STAND_DOWN = "stand_down"
    ACCIDENT = "accident"
    RESTRAIN = "restrain"  # a sponsor holds its proxy back
    UNLEASH = "unleash"  # and releases it


KINETIC = frozenset({Effect.STRIKE, Effect.KILLING})  # must hit an asset
ANSWERS = frozenset({Effect.STRIKE, Effect.KILLING, Effect.SANCTIONS})  # count as responses
HOLDS = frozenset({Effect.RESTRAIN, Effect.UNLEASH})  # change whether a proxy may act


class ThreatStatus(StrEnum):
    """Where a threat stands at the end of a run (the ``threat.<label>`` columns)."""

    NOT_ISSUED = "not_issued"
    PENDING = "pending"  # issued, red line not (yet) crossed
    ENFORCING = "enforcing"  # red line crossed, the enforcing act under way
    CARRIED_OUT = "carried_out"
    BACKED_DOWN = "backed_down"
    LAPSED = "lapsed"  # expired before its red line was crossed


class StandardKind(StrEnum):
    """Standard action kinds the engine itself uses (the rest are the scenario's to choose)."""

    WARNING = "warning"  # what ``warn:`` sends and hosts relay
    ACCIDENT = "accident"  # what accidents are recorded as


UNKNOWN_AUTHOR = "unknown"  # attribution.appears_as: nobody is blamed (a deniable act)


class ValueType(Enum):
    """The type of a name or an expression of the condition language. Numbers are floats;
    nothing has truthiness."""

    NUMBER = "number"
    STRING = "string"
    BOOLEAN = "boolean"

    def __str__(self) -> str:
        return self.value

    @property
    def article(self) -> str:
        """'a number', for messages."""
        return f"a {self.value}"
