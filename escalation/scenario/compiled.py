"""A scenario compiled for running: names resolved, conditions parsed, numbers slotted.

The engine reads only these plain frozen records. Per-run numbers are slot indices into the
run's parameter vector (see ``params``); per-occurrence numbers are ``Variate`` values drawn
with ``draw``. Nothing here changes during a run, so one ``Scenario`` serves any number of
runs, processes or cluster workers.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING

from mypy_extensions import mypyc_attr

from escalation.errors import Problem
from escalation.model.draws import Sampler
from escalation.scenario.conditions import Expression
from escalation.scenario.observed import ObservedDef
from escalation.scenario.params import Parameters
from escalation.scenario.schema import ScenarioSpec

if TYPE_CHECKING:
    from escalation.policies.base import Policy

Variate = float | Sampler


class Record:
    """Base of the records below. Where this module is compiled (escalation/native.py) they
    are native classes, whose fields compiled code reads directly; pickling one (a scenario
    travels to worker processes) rebuilds it through ``__init__``, as a frozen record's
    fields cannot be set one by one."""

    __slots__ = ()

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), tuple(getattr(self, f.name) for f in fields(self)))  # type: ignore[arg-type]


def draw(value: Variate, rng: random.Random) -> float:
    """A per-occurrence number: the constant itself, or a fresh draw."""
    return value if value.__class__ is float else value.sample(rng)  # type: ignore[union-attr]


@dataclass(frozen=True, slots=True)
class KindDef(Record):
    id: str
    effect: str
    cameo: str | None
    goldstein: float
    rung: int
    duration: Variate
    weapon: str | None
    salvo: Variate
    failure: int
    success: int
    potency: int
    hostile: bool
    kinetic: bool
    economic_loss: Variate = 0.0  # US$ million per act (non-kinetic harm); 0.0: none


@dataclass(frozen=True, slots=True)
class AssetDef(Record):
    id: str
    name: str
    owner: str
    host: str
    kind: str
    personnel: int
    value: int
    air_defence: int
    lethality: int
    injury_rate: int
    damage_per_hit: int
    warned_factor: int
    economic_value: int = -1  # slot; -1: none at risk
    shelter_hours: int = -1  # slot; -1: all take cover at once
    warned_air_defence: int = -1  # slot; -1: air_defence, warned or not

    @property
    def homeland(self) -> bool:
        return self.host == self.owner


@dataclass(frozen=True, slots=True)
class SelectorDef(Record):
    """Picks an asset at decision time; ``owner`` is an actor id or a role."""

    owner: str
    kind: str | None
    host: str | None
    same_kind: bool
    homeland: bool | None


@dataclass(frozen=True, slots=True)
class AttributionDef(Record):
    """Who observers take an act's author to be (see ``schema_orders.Attribution``)."""

    appears_as: str  # an actor id, or '' for no one (a deniable act)
    seen_through: int  # slot: each other observer's chance of seeing the real author
    verify: Variate | None  # hours until the real author is known to all; None: never
    known_to: frozenset[str]  # who knows from the start, besides the author and its sponsor


@dataclass(frozen=True, slots=True)
class OrderDef(Record):
    kind: KindDef
    asset: str | None
    actor: str | None
    selector: SelectorDef | None
    salvo: Variate | Expression | None  # an Expression: computed when the act is decided
    weapon: str | None
    origin: tuple[str, ...]
    warn: tuple[str, ...]
    lead: Variate | Expression  # an Expression: computed when the act is decided
    note: str
    after: Variate | Expression | None = None  # hours from the decision to the act's start
    attribution: AttributionDef | None = None  # None: everyone sees the real author


@dataclass(frozen=True, slots=True)
class PerceptionDef(Record):
    delay: Variate
    noise: int
    bias: int
    inflation: int


@dataclass(frozen=True, slots=True)
class InitiativeDef(Record):
    id: str
    rate_per_day: int
    min_tension: int
    order: OrderDef
    max_occurrences: int
    when: Expression | None = None  # None: always (besides min_tension)


@dataclass(frozen=True, slots=True)
class ActorDef(Record):
    id: str
    name: str
    kind: str
    resolve: int
    risk_tolerance: int
    audience_cost: int
    credibility: int
    allies: frozenset[str]
    sponsor: str | None
    relays_warnings: int
    relay_delay: Variate
    inventory: tuple[tuple[str, int], ...]
    deliberation: Variate
    follow_up: Variate
    perception: PerceptionDef
    death_stages: tuple[tuple[float, float], ...]
    injury_stages: tuple[tuple[float, float], ...]
    policies: tuple[Policy, ...]
    initiatives: tuple[InitiativeDef, ...]
    lanes: tuple[LaneDef, ...] = ()  # none: one lane, the actor's deliberation, every policy
    defends: tuple[DefenceDef, ...] = ()  # help it gives in defending others' assets


@dataclass(frozen=True, slots=True)
class DefenceDef(Record):
    """An actor's help in defending others' assets (``schema.Defence``)."""

    protects: frozenset[str]
    intercept: int  # slot: chance each engaged unit is stopped
    weapon: str | None  # inventory item spent per unit engaged
    when: Expression | None  # None: always
    kind: KindDef  # the act that records its interceptions


@dataclass(frozen=True, slots=True)
class LaneDef(Record):
    """Policies of one actor that deliberate together, on a clock of their own: the actor's
    ``deliberation_hours`` for most, a policy's own for one that decides faster or slower
    (a standing order answered in minutes, a statement within hours)."""

    delay: Variate
    policies: tuple[int, ...]  # indices into the actor's policies, in list order


@dataclass(frozen=True, slots=True)
class InitialDef(Record):
    id: str
    actor: str
    at_hours: float
    order: OrderDef
    answer: bool = False  # counted as its actor's answer


@dataclass(frozen=True, slots=True)
class PastDef(Record):
    """An event before t = 0 (hours < 0), as traces show it."""

    actor: str
    at_hours: float
    order: OrderDef
    deaths: int
    injuries: int
    pending: bool  # reported to every actor at t = 0, to be answered


@dataclass(frozen=True, slots=True)
class InitialStateDef(Record):
    """Where a run starts: the state ``World`` sets before the first event."""

    tension: int  # parameter slot
    pairs: tuple[tuple[str, str, int], ...] = ()
    threats: tuple[tuple[str, Policy, float], ...] = ()  # actor, its policy, days ago
    stood_down: tuple[str, ...] = ()
    history: tuple[PastDef, ...] = ()


@dataclass(frozen=True, slots=True)
class OutcomeDef(Record):
    id: str
    condition: Expression
    terminal: bool
    description: str


@dataclass(frozen=True, slots=True)
class AccidentDef(Record):
    id: str
    actor: str
    rate_per_day: int
    deaths: Variate
    victims: str | None
    max_occurrences: int
    description: str


@dataclass(frozen=True, slots=True)
class TensionDef(Record):
    per_goldstein: int
    half_life_days: int
    alert_threshold: int


@dataclass(frozen=True, slots=True)
class LadderDef(Record):
    rungs: tuple[str, ...]
    nationals_killed: int
    homeland_struck: int
    mutual_homeland: int
    war_deaths: int | None = None


@mypyc_attr(native_class=False)  # a plain class where compiled: weakref.finalize needs one
@dataclass(frozen=True)
class Scenario:
    """An immutable, validated, compiled crisis: load once, run many times."""

    spec: ScenarioSpec
    source: str
    parameters: Parameters
    actors: tuple[ActorDef, ...]
    assets: dict[str, AssetDef]
    kinds: dict[str, KindDef]
    initial: tuple[InitialDef, ...]
    outcomes: tuple[OutcomeDef, ...]
    accidents: tuple[AccidentDef, ...]
    ladder: LadderDef
    tension: TensionDef
    harm_weights: tuple[float, float, float, float]  # death, injury, value, US$ million
    inventory_items: tuple[str, ...] = field(default=())
    start: InitialStateDef | None = None
    warnings: tuple[Problem, ...] = field(default=(), compare=False)  # allowed, but likely wrong
    observed: ObservedDef | None = None  # what really happened (a real episode's scenario)
    # the calibrated file it used, what that set, and how the file was made (loader.py)
    calibration: dict[str, object] | None = field(default=None, compare=False)

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def title(self) -> str:
        return self.spec.title

    @property
    def outcome_ids(self) -> tuple[str, ...]:
        return tuple(o.id for o in self.outcomes)

    def actor(self, actor_id: str) -> ActorDef:
        for actor in self.actors:
            if actor.id == actor_id:
                return actor
        raise KeyError(actor_id)
