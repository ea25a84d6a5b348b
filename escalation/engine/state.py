"""The mutable state of one run: actors' standing, the ladder, and tension."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from escalation.engine.records import Perceived
from escalation.policies.base import Policy
from escalation.scenario.compiled import ActorDef, Variate


class Lane:
    """One deliberation of an actor (``LaneDef``): news not yet decided on, and whether a
    deliberation is under way (news then joins its inbox). ``verdicts``: whether its policies
    could act on a report, by the report's static facts, shared by the scenario's runs
    (engine/avoidance.py); None: every report joins.

    A deliberation under way ends at ``until``, in SimPy's order at that moment after the
    sequence number ``seq`` it took when it began; it is ``scheduled`` (a callback on the
    clock, counted busy) only once news joins it or the quiet watch waits for it: most
    deliberations decide nothing, and need not be (``World.deliberate``)."""

    __slots__ = ("deciding", "delay", "inbox", "policies", "scheduled", "seq", "until",
                 "verdicts")

    def __init__(self, delay: Variate, policies: tuple[Policy, ...]) -> None:
        self.delay = delay
        self.policies = policies
        self.inbox: list[Perceived] = []
        self.deciding = False
        self.scheduled = False
        self.until = 0.0
        self.seq = 0
        self.verdicts: dict[int, bool] | None = None  # by report key's number (avoidance.py)


@dataclass(slots=True)
class ActorState:
    """An actor's standing in one run; its definition stays in ``ActorDef``."""

    d: ActorDef
    credibility: float
    commitment: float = 0.0
    responses: int = 0
    hostile_acts: int = 0
    stood_down: bool = False
    deaths_suffered: int = 0
    injuries_suffered: int = 0
    economic_suffered: float = 0.0  # US$ million, as reported to itself
    inventory: dict[str, float] = field(default_factory=dict)
    memory: dict[str, dict[str, Any]] = field(default_factory=dict)
    lanes: list[Lane] = field(default_factory=list)  # deliberations, each on its own clock
    follow: tuple[Lane, ...] = ()  # reports of its own acts: every policy, after its follow-up
    # time, whatever else is under way (a tuple of one, read where lanes are)
    restrained: bool = False  # held back by a 'restrain' act: its initiatives pause
    decide: str = ""  # the names of its random streams' purposes, formatted once per run
    effects: str = ""
    perceive: str = ""

    def __init__(  # written out, not left to the dataclass: see records.Perceived.__init__
        self, d: ActorDef, credibility: float, commitment: float = 0.0, responses: int = 0,
        hostile_acts: int = 0, stood_down: bool = False, deaths_suffered: int = 0,
        injuries_suffered: int = 0, economic_suffered: float = 0.0,
        inventory: dict[str, float] | None = None, memory: dict[str, dict[str, Any]] | None = None,
        lanes: list[Lane] | None = None, follow: tuple[Lane, ...] = (), restrained: bool = False,
        decide: str = "", effects: str = "", perceive: str = "",
    ) -> None:
        self.d, self.credibility, self.commitment, self.responses = d, credibility, commitment, \
            responses
        self.hostile_acts, self.stood_down = hostile_acts, stood_down
        self.deaths_suffered, self.injuries_suffered = deaths_suffered, injuries_suffered
        self.economic_suffered = economic_suffered
        self.inventory = {} if inventory is None else inventory
        self.memory = {} if memory is None else memory
        self.lanes = [] if lanes is None else lanes
        self.follow, self.restrained = follow, restrained
        self.decide, self.effects, self.perceive = decide, effects, perceive
        self.__post_init__()

    def __post_init__(self) -> None:
        d = self.d
        policies = d.policies
        self.lanes = [Lane(lane.delay, tuple(policies[i] for i in lane.policies))
                      for lane in d.lanes] if d.lanes else [Lane(d.deliberation, policies)]
        self.follow = (Lane(d.follow_up, policies),)
        actor = self.d.id
        self.decide, self.effects, self.perceive = \
            f"decide:{actor}", f"effects:{actor}", f"perceive:{actor}"

    def stock(self, item: str | None) -> float:
        """Units of ``item`` left; an item the actor does not track is unlimited."""
        if item is None:
            return math.inf
        return self.inventory.get(item, math.inf)


@dataclass(slots=True)
class Ladder:
    """Rung reached by each pair of actors, who has struck whose homeland, and the deaths
    between each pair (which make a war once they reach ``war_deaths``)."""

    mutual_homeland: int
    war_deaths: int | None = None
    war: int = 0  # the top rung
    pairs: dict[tuple[str, str], int] = field(default_factory=dict)
    homeland_struck: set[tuple[str, str]] = field(default_factory=set)
    deaths: dict[tuple[str, str], int] = field(default_factory=dict)
    top: int = 0
    wars: int = 0  # pairs that reached the top rung from below

    def __init__(  # written out, not left to the dataclass: see records.Perceived.__init__
        self, mutual_homeland: int, war_deaths: int | None = None, war: int = 0,
        pairs: dict[tuple[str, str], int] | None = None,
        homeland_struck: set[tuple[str, str]] | None = None,
        deaths: dict[tuple[str, str], int] | None = None, top: int = 0, wars: int = 0,
    ) -> None:
        self.mutual_homeland, self.war_deaths, self.war = mutual_homeland, war_deaths, war
        self.pairs = {} if pairs is None else pairs
        self.homeland_struck = set() if homeland_struck is None else homeland_struck
        self.deaths = {} if deaths is None else deaths
        self.top, self.wars = top, wars

    def raise_to(self, attacker: str, victim: str, rung: int, homeland: bool, deaths: int = 0
                 ) -> int:
        """Record an act between two actors; returns the act's rung, lifted by what the act
        completed: both homelands struck, or the pair's deaths reaching a war's."""
        pair = (attacker, victim) if attacker < victim else (victim, attacker)
        if homeland:
            self.homeland_struck.add((attacker, victim))
            if (victim, attacker) in self.homeland_struck:
                rung = max(rung, self.mutual_homeland)
        if deaths and self.war_deaths is not None:
            total = self.deaths[pair] = self.deaths.get(pair, 0) + deaths
            if total >= self.war_deaths:
                rung = max(rung, self.war)
        before = self.pairs.get(pair, 0)
        current = max(before, rung)
        self.pairs[pair] = current
        self.wars += before < self.war <= current
        self.top = max(self.top, current)
        return rung

    def between(self, a: str, b: str) -> int:
        return self.pairs.get((a, b) if a < b else (b, a), 0)

    def hostile(self, a: str, b: str) -> bool:
        return ((a, b) if a < b else (b, a)) in self.pairs


@dataclass(slots=True)
class Tension:
    """A level that hostile acts raise, conciliatory acts lower, and time decays."""

    half_life_hours: float
    level: float = 0.0
    since: float = 0.0
    peak: float = 0.0

    def __init__(self, half_life_hours: float, level: float = 0.0, since: float = 0.0,
                 peak: float = 0.0) -> None:  # written out: see records.Perceived.__init__
        self.half_life_hours, self.level, self.since, self.peak = half_life_hours, level, since, peak

    def at(self, now: float) -> float:
        return self.level * 0.5 ** ((now - self.since) / self.half_life_hours)

    def add(self, now: float, amount: float) -> float:
        self.level = max(0.0, self.at(now) + amount)
        self.since = now
        self.peak = max(self.peak, self.level)
        return self.level
