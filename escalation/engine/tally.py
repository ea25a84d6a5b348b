"""The running counts of a run, the summary names outcome classes read, and the verdict."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

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
        tally, world = self.tally, self.world
        getter = _SUMMARY.get(name)
        if getter is not None:
            value = getter(tally, world)
        else:
            kind, _, actor = name.partition(".")
            if kind in BY_ACTOR:
                value = float(getattr(tally, kind)[actor]) if actor != "total" else \
                    float(sum(getattr(tally, kind).values()))
            elif kind in ("responses", "stood_down") and actor in world.actors:
                state = world.actors[actor]
                value = float(state.responses) if kind == "responses" else state.stood_down
            else:
                raise KeyError(name)
        self[name] = value
        return value


_SUMMARY: dict[str, Callable[[Tally, World], object]] = {
    "ended_by": lambda t, w: t.ended_by,
    "duration_days": lambda t, w: w.env._now / 24.0,
    "crisis_days": lambda t, w: w.last_hostile / 24.0,
    "max_rung": lambda t, w: float(w.ladder.top),
    "start_rung": lambda t, w: float(t.start_rung),
    "wars_started": lambda t, w: float(w.ladder.wars),
    "max_tension": lambda t, w: w.tension.peak,
    "tension": lambda t, w: w.tension.at(w.env._now),
    **{name: (lambda attribute: lambda t, w: float(getattr(t, attribute)))(name) for name in COUNTS},
}
