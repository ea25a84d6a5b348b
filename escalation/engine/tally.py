"""The running counts of a run, the summary names outcome classes read, and the verdict."""

from __future__ import annotations

from typing import TYPE_CHECKING

from escalation.engine.records import Event
from escalation.engine.state import ActorState
from escalation.scenario.compiled import Scenario

if TYPE_CHECKING:
    from escalation.engine.world import World

UNCLASSIFIED = "unclassified"
ANSWERS = frozenset({"strike", "killing", "sanctions"})


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
        self.threats: dict[str, str] = {}
        self.ended_by = "running"
        self.terminal_outcome: str | None = None

    def record(self, event: Event, actor: ActorState, target: ActorState | None) -> None:
        effect = event.effect
        if effect == "accident":
            self.accident_deaths += event.deaths
            return
        if event.hostile:
            self.hostile_acts += 1
            actor.hostile_acts += 1
            actor.stood_down = False
        if event.kinetic:
            self.kinetic_acts += 1
            self.kinetic_responses += not event.scripted
        if effect in ANSWERS and not event.scripted:
            actor.responses += 1
        if effect == "stand_down":
            self.stand_downs += 1
            actor.stood_down = True
        self.threats_made += effect == "threat"
        self.homeland_strikes += event.homeland
        if target is not None and event.hostile:
            self.deaths[target.d.id] += event.deaths
            self.injuries[target.d.id] += event.injuries

    def note_threat(self, label: str, status: str) -> None:
        self.threats[label] = status
        self.threats_carried_out += status == "carried_out"
        self.threats_backed_down += status == "backed_down"

    def namespace(self, world: World) -> dict[str, object]:
        now = world.env.now
        ns: dict[str, object] = {
            "ended_by": self.ended_by, "duration_days": now / 24.0,
            "max_rung": float(world.ladder.top), "max_tension": world.tension.peak,
            "tension": world.tension.at(now), "hostile_acts": float(self.hostile_acts),
            "kinetic_acts": float(self.kinetic_acts),
            "kinetic_responses": float(self.kinetic_responses),
            "stand_downs": float(self.stand_downs), "threats_made": float(self.threats_made),
            "threats_carried_out": float(self.threats_carried_out),
            "threats_backed_down": float(self.threats_backed_down),
            "homeland_strikes": float(self.homeland_strikes),
            "accident_deaths": float(self.accident_deaths),
            "deaths.total": float(sum(self.deaths.values())),
            "injuries.total": float(sum(self.injuries.values())),
        }
        for actor_id, state in world.actors.items():
            ns[f"deaths.{actor_id}"] = float(self.deaths[actor_id])
            ns[f"injuries.{actor_id}"] = float(self.injuries[actor_id])
            ns[f"responses.{actor_id}"] = float(state.responses)
            ns[f"stood_down.{actor_id}"] = state.stood_down
        return ns

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
