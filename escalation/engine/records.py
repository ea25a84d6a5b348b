"""What a run leaves behind: its events, what each actor perceived, and its summary."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from typing import Any

from escalation.model.namespace import BY_ACTOR

PAST = "history"  # the policy of an event before t = 0 (initial_state.history)


@dataclass(slots=True)
class Event:
    """One act or accident as it really happened. Times are hours since the start."""

    id: int
    time: float
    started: float
    actor: str
    kind: str
    effect: str
    target: str = ""
    asset: str = ""
    host: str = ""
    origin: str = ""
    origin_host: str = ""
    salvo: int = 0
    failed: int = 0
    intercepted: int = 0
    hits: int = 0
    deaths: int = 0
    injuries: int = 0
    value_lost: float = 0.0
    economic_loss: float = 0.0  # US$ million: asset damage and non-kinetic harm
    warned: bool = False
    rung: int = 0
    goldstein: float = 0.0
    hostile: bool = False
    kinetic: bool = False
    homeland: bool = False
    cause: int | None = None
    policy: str = ""
    threat: str = ""
    scripted: bool = False
    answer: bool = False  # a scripted opening that counts as its actor's answer
    appears_as: str = ""  # who others first take the author to be ('unknown'); '': the author
    note: str = ""
    tension: float = 0.0

    def __init__(  # written out, not left to the dataclass: see ``Perceived.__init__``
        self, id: int, time: float, started: float, actor: str, kind: str, effect: str,
        target: str = "", asset: str = "", host: str = "", origin: str = "",
        origin_host: str = "", salvo: int = 0, failed: int = 0, intercepted: int = 0,
        hits: int = 0, deaths: int = 0, injuries: int = 0, value_lost: float = 0.0,
        economic_loss: float = 0.0, warned: bool = False, rung: int = 0,
        goldstein: float = 0.0, hostile: bool = False, kinetic: bool = False,
        homeland: bool = False, cause: int | None = None, policy: str = "", threat: str = "",
        scripted: bool = False, answer: bool = False, appears_as: str = "", note: str = "",
        tension: float = 0.0,
    ) -> None:
        self.id, self.time, self.started, self.actor = id, time, started, actor
        self.kind, self.effect, self.target, self.asset = kind, effect, target, asset
        self.host, self.origin, self.origin_host = host, origin, origin_host
        self.salvo, self.failed, self.intercepted, self.hits = salvo, failed, intercepted, hits
        self.deaths, self.injuries, self.value_lost = deaths, injuries, value_lost
        self.economic_loss, self.warned, self.rung = economic_loss, warned, rung
        self.goldstein, self.hostile, self.kinetic = goldstein, hostile, kinetic
        self.homeland, self.cause, self.policy, self.threat = homeland, cause, policy, threat
        self.scripted, self.answer, self.appears_as = scripted, answer, appears_as
        self.note, self.tension = note, tension


@dataclass(slots=True)
class Perceived:
    """What one observer came to believe about one event, and when."""

    time: float
    observer: str
    event: Event
    deaths: int
    injuries: int
    harm: float
    update: bool
    author: str  # who the observer believes did it ('' when it cannot tell)
    verified: bool = False  # the report that establishes the real author, after a wrong belief
    economic: float = 0.0  # economic loss as perceived, US$ million

    def __init__(self, time: float, observer: str, event: Event, deaths: int, injuries: int,
                 harm: float, update: bool, author: str, verified: bool = False,
                 economic: float = 0.0) -> None:
        # written out, not left to the dataclass: compiled (escalation/native.py), a generated
        # __init__ would run interpreted, and a run makes a hundred perceptions or more
        self.time, self.observer, self.event = time, observer, event
        self.deaths, self.injuries, self.harm = deaths, injuries, harm
        self.update, self.author, self.verified, self.economic = update, author, verified, economic


def _nan_once(value: Any) -> Any:
    """One NaN object for every missing number: rows compare equal (``==`` on dicts takes a
    NaN for equal to itself only when it is the same object), as they do when the engine runs
    as Python, where every such NaN is ``math.nan``; compiled (escalation/native.py), a float
    field is stored unboxed and read back as a new object each time."""
    return _NAN if value.__class__ is float and value != value else value


_NAN: object = math.nan  # one object (compiled, a float constant would be boxed anew each time)


_NESTED = frozenset({*BY_ACTOR, "threats", "parameters", "rung_days", "events",
                     "perceptions", "first_act_days"})


@dataclass(frozen=True)
class RunRecord:
    """One run: its summary fields, and its trace when events were kept.

    ``path`` lists the run's moves ('actor:kind > ...'); ``rung_days`` the first day the crisis
    reached each rung of the ladder (first-passage times; rungs never reached are absent);
    ``first_act_days`` the day of each actor's first hostile act that was not scripted (actors
    that never acted are absent: NaN in a batch's run table).
    ``error`` says why a run stopped at one of its bounds (its outcome is then 'failed')."""

    scenario: str
    seed: int
    run: int
    outcome: str
    ended_by: str
    duration_days: float
    max_rung: int
    max_tension: float
    hostile_acts: int
    kinetic_acts: int
    kinetic_responses: int
    stand_downs: int
    threats_made: int
    threats_carried_out: int
    threats_backed_down: int
    homeland_strikes: int
    accident_deaths: int
    deaths: dict[str, int]
    injuries: dict[str, int]
    threats: dict[str, str]
    parameters: dict[str, float]
    path: str = ""
    crisis_days: float = 0.0  # to the last hostile act; duration_days runs to the end of the run
    terminal_day: float = math.nan  # when a terminal outcome class first held (NaN: never)
    rung_days: dict[int, float] = field(default_factory=dict)
    events: tuple[Event, ...] = field(default=(), repr=False)
    perceptions: tuple[Perceived, ...] = field(default=(), repr=False)
    error: str = ""
    first_act_days: dict[str, float] = field(default_factory=dict)
    economic_loss: dict[str, float] = field(default_factory=dict)  # US$ million by victim

    def summary(self) -> dict[str, Any]:
        """A flat row: scalars, then deaths/injuries by side, threats, parameters."""
        row = {f.name: _nan_once(getattr(self, f.name)) for f in fields(self)
               if f.name not in _NESTED}
        for family in BY_ACTOR:
            row.update({f"{family}.{k}": v for k, v in getattr(self, family).items()})
        row.update({f"threat.{k}": v for k, v in self.threats.items()})
        row.update({f"rung_day.{k}": v for k, v in self.rung_days.items()})
        row.update({f"first_act_day.{k}": v for k, v in self.first_act_days.items()})
        row.update({f"param.{k}": v for k, v in self.parameters.items()})
        return row
