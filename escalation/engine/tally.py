"""The running counts of a run, the summary names outcome classes read, and the verdict."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Final

from escalation.engine.records import Event
from escalation.engine.state import ActorState
from escalation.model.namespace import BY_ACTOR, COUNTS
from escalation.model.vocabulary import ANSWERS, Effect, ThreatStatus
from escalation.scenario.compiled import Scenario

if TYPE_CHECKING:
    from escalation.engine.world import World

UNCLASSIFIED = "unclassified"
FAILED = "failed"  # the outcome and end of a run that stopped at a bound (engine/guard.py) or raised
MOVE_SEPARATOR = " > "
MAX_MOVES = 10  # longer paths end in "…": path tables read the first moves, and ten moves keep
# a million runs' distinct paths (spelled out once each) to tens of MB instead of a GiB


class Tally:
    """Counts kept as events happen; ``namespace`` exposes them to outcome conditions."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.terminals = tuple(o for o in scenario.outcomes if o.terminal)
        self.hostile_acts = self.kinetic_acts = self.kinetic_responses = 0
        self.stand_downs = self.threats_made = self.threats_carried_out = 0
        self.threats_backed_down = self.homeland_strikes = self.accident_deaths = 0
        self.deaths = {d.id: 0 for d in scenario.actors}
        self.injuries = {d.id: 0 for d in scenario.actors}
        self.economic_loss = {d.id: 0.0 for d in scenario.actors}  # US$ million suffered
        self.threats: dict[str, str] = {}
        self.ended_by = "running"
        self.terminal_outcome: str | None = None
        self.terminal_day = math.nan  # when a terminal class first held (NaN: never)
        self.moves: list[str] = []
        self.rung_days: dict[int, float] = {}  # first day the crisis reached each rung
        self.start_rung = 0  # the highest pair rung at t = 0 (initial_state)
        self.first_acts: dict[str, float] = {}  # day of each actor's first hostile act, not scripted

    def record(self, event: Event, actor: ActorState, target: ActorState | None) -> None:
        effect = event.effect
        if effect != Effect.WARNING and len(self.moves) <= MAX_MOVES:
            self.moves.append(f"{event.actor}:{event.kind}" if len(self.moves) < MAX_MOVES else "…")
        if effect == Effect.ACCIDENT:
            self.accident_deaths += event.deaths
            return
        if event.hostile:
            self.hostile_acts += 1
            actor.hostile_acts += 1
            actor.stood_down = False
            if not event.scripted:
                self.first_acts.setdefault(event.actor, event.time / 24.0)
        answered = not event.scripted or event.answer
        if event.kinetic:
            self.kinetic_acts += 1
            self.kinetic_responses += answered
        if effect in ANSWERS and answered:
            actor.responses += 1
        if effect == Effect.STAND_DOWN:
            self.stand_downs += 1
            actor.stood_down = True
        self.threats_made += effect == Effect.THREAT
        self.homeland_strikes += event.homeland
        if target is not None and event.hostile:
            self.deaths[target.d.id] += event.deaths
            self.injuries[target.d.id] += event.injuries
            self.economic_loss[target.d.id] += event.economic_loss

    def reached(self, rung: int, day: float) -> None:
        """The crisis's top rung rose to ``rung``: every rung passed on the way is reached."""
        for step in range(1, rung + 1):
            self.rung_days.setdefault(step, day)

    @property
    def path(self) -> str:
        """The run's moves in order, as 'actor:kind > actor:kind > ...' (warnings left out)."""
        return MOVE_SEPARATOR.join(self.moves)

    def note_threat(self, label: str, status: str) -> None:
        self.threats[label] = status
        self.threats_carried_out += status == ThreatStatus.CARRIED_OUT
        self.threats_backed_down += status == ThreatStatus.BACKED_DOWN

    def namespace(self, world: World) -> SummaryView:
        """The run's summary as outcome conditions read it, computed name by name."""
        return SummaryView(self, world)

    def terminal(self, world: World) -> str | None:
        """The first terminal outcome that now holds, if any."""
        if not self.terminals:
            return None
        ns = self.namespace(world)
        for outcome in self.terminals:
            if outcome.condition.evaluate(ns):
                return outcome.id
        return None

    def classify(self, world: World) -> str:
        if self.terminal_outcome is not None:
            return self.terminal_outcome
        ns = self.namespace(world)
        for outcome in self.scenario.outcomes:
            if outcome.condition.evaluate(ns):
                return outcome.id
        return UNCLASSIFIED


class SummaryView(dict[str, object]):
    """A dict of summary names filled on lookup: terminal outcomes are checked after every
    event, and each reads only a few of the names."""

    __slots__ = ("tally", "world")
    tally: Tally
    world: World

    def __init__(self, tally: Tally, world: World) -> None:
        self.tally, self.world = tally, world  # the dict starts empty without dict.__init__

    def __missing__(self, name: str) -> object:
        found = _PARSED.get(name)
        if found is None:
            found = _parse(name)
        code, key = found
        tally, world = self.tally, self.world
        value: object
        if code == _COUNT:
            value = float(getattr(tally, key))
        elif code <= _ECONOMIC:  # harm suffered by an actor, or by all ('total')
            harm = tally.deaths if code == _DEATHS else tally.injuries if code == _INJURIES \
                else tally.economic_loss
            value = float(harm[key]) if key != "total" else float(sum(harm.values()))
        elif code <= _STOOD_DOWN:
            if key not in world.actors:
                raise KeyError(name)
            state = world.actors[key]
            value = float(state.responses) if code == _RESPONSES else state.stood_down
        elif code == _ENDED_BY:
            value = tally.ended_by
        elif code == _DURATION:
            value = world.env._now / 24.0
        elif code == _CRISIS:
            value = world.last_hostile / 24.0
        elif code == _MAX_RUNG:
            value = float(world.ladder.top)
        elif code == _START_RUNG:
            value = float(tally.start_rung)
        elif code == _WARS:
            value = float(world.ladder.wars)
        elif code == _MAX_TENSION:
            value = world.tension.peak
        else:
            value = world.tension.at(world.env._now)
        self[name] = value
        return value


# What computes each summary name: a code and, for '<family>.<actor>' names and counts, the
# key it reads. Names are parsed once per process (``_parse``), not at every lookup.
_COUNT: Final = 0
_DEATHS: Final = 1
_INJURIES: Final = 2
_ECONOMIC: Final = 3
_RESPONSES: Final = 4
_STOOD_DOWN: Final = 5
_ENDED_BY: Final = 6
_DURATION: Final = 7
_CRISIS: Final = 8
_MAX_RUNG: Final = 9
_START_RUNG: Final = 10
_WARS: Final = 11
_MAX_TENSION: Final = 12
_TENSION: Final = 13
_HARM: dict[str, int] = {"deaths": _DEATHS, "injuries": _INJURIES, "economic_loss": _ECONOMIC}
assert tuple(_HARM) == BY_ACTOR, "a code for each family of harm (model/namespace.py)"
_FAMILIES: Final[dict[str, int]] = {**_HARM, "responses": _RESPONSES, "stood_down": _STOOD_DOWN}
_PARSED: Final[dict[str, tuple[int, str]]] = {
    "ended_by": (_ENDED_BY, ""), "duration_days": (_DURATION, ""), "crisis_days": (_CRISIS, ""),
    "max_rung": (_MAX_RUNG, ""), "start_rung": (_START_RUNG, ""), "wars_started": (_WARS, ""),
    "max_tension": (_MAX_TENSION, ""), "tension": (_TENSION, ""),
    **{name: (_COUNT, name) for name in COUNTS},
}


def _parse(name: str) -> tuple[int, str]:
    """The code and key of a '<family>.<actor>' name; KeyError for any other name."""
    family, _, actor = name.partition(".")
    code = _FAMILIES.get(family) if actor else None
    if code is None:
        raise KeyError(name)
    found = _PARSED[name] = (code, actor)
    return found
