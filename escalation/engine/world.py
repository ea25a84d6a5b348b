"""One run as SimPy processes: actors deliberate, acts unfold, reports travel, crises end.

Flow of an act: an actor's policy picks it; it is carried out over its lead and duration
(warning, flight time); its effects are drawn; it is recorded as an ``Event`` that names its
cause; the ladder, tension and counts are updated; and each actor receives its own perception
of it, late, noisy and, for injuries revealed in stages, more than once.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import simpy

from escalation.engine import effects
from escalation.engine.context import DecisionContext
from escalation.engine.perception import disclosure_steps, distortion, perceived_counts
from escalation.engine.records import Event, Perceived
from escalation.engine.state import ActorState, Ladder, Tension
from escalation.engine.streams import Streams
from escalation.engine.tally import Tally
from escalation.engine.targets import resolve_target
from escalation.policies.base import Act
from escalation.scenario.compiled import (
    AccidentDef,
    AssetDef,
    InitialDef,
    InitiativeDef,
    KindDef,
    Scenario,
    draw,
)

Process = Generator[simpy.Event, Any, None]


class World:
    """The mutable world of one run. Build, ``run()``, then read ``tally`` and ``events``."""

    scenario: Scenario
    values: list[float]
    env: simpy.Environment
    actors: dict[str, ActorState]
    sponsors: dict[str, str]
    ladder: Ladder
    tension: Tension

    def __init__(
        self, scenario: Scenario, values: list[float], streams: Streams, keep_events: bool
    ) -> None:
        self.scenario = scenario
        self.values = values
        self.streams = streams
        self.keep_events = keep_events
        self.env = simpy.Environment()
        self.events: list[Event] = []
        self.perceptions: list[Perceived] = []
        self.actors = {
            d.id: ActorState(
                d, values[d.credibility],
                inventory={item: values[slot] for item, slot in d.inventory},
            )
            for d in scenario.actors
        }
        self.sponsors = {d.id: d.sponsor for d in scenario.actors if d.sponsor}
        self.ladder = Ladder(scenario.ladder.mutual_homeland)
        self.tension = Tension(values[scenario.tension.half_life_days] * 24.0)
        self.tally = Tally(scenario)
        self.busy = 0
        self.last_hostile = 0.0
        self.stop = self.env.event()
        self._idle: simpy.Event | None = None
        self._next_id = 0

    # -- running ---------------------------------------------------------------------
    def run(self) -> None:
        env = self.env
        for state in self.actors.values():
            env.process(self._actor(state))
        for opening in self.scenario.initial:
            self._work(+1)  # a scripted opening still to come keeps the crisis open
            env.process(self._opening(opening))
        for accident in self.scenario.accidents:
            if self.values[accident.rate_per_day] > 0 and accident.max_occurrences > 0:
                env.process(self._accident(accident))
        for state in self.actors.values():
            for initiative in state.d.initiatives:
                if self.values[initiative.rate_per_day] > 0:
                    env.process(self._initiative(state, initiative))
        env.process(self._quiet_watch())
        env.process(self._horizon())
        env.run(until=self.stop)

    def finish(self, how: str, outcome: str | None = None) -> None:
        if not self.stop.triggered:
            self.tally.ended_by, self.tally.terminal_outcome = how, outcome
            self.stop.succeed()

    def _horizon(self) -> Process:
        yield self.env.timeout(self.scenario.spec.horizon_days * 24.0)
        self.finish("horizon")

    def _quiet_watch(self) -> Process:
        """End the run once no hostile act has happened for the quiet period and nothing is
        being decided, carried out or first reported."""
        quiet = self.scenario.spec.quiet_days * 24.0
        while True:
            remaining = self.last_hostile + quiet - self.env.now
            if remaining > 1e-9:
                yield self.env.timeout(remaining)
            elif self.busy > 0:
                self._idle = self.env.event()
                yield self._idle
            else:
                self.finish("quiet")
                return

    def _work(self, delta: int) -> None:
        self.busy += delta
        if self.busy == 0 and self._idle is not None and not self._idle.triggered:
            self._idle.succeed()

    # -- actors ----------------------------------------------------------------------
    def _actor(self, state: ActorState) -> Process:
        rng = self.streams.get(f"decide:{state.d.id}")
        while True:
            if not state.inbox:  # a plain event, cheaper than a Store's put and get
                state.wake = self.env.event()
                yield state.wake
                state.wake = None
            self._work(+1)
            own = state.inbox[0].event.actor == state.d.id
            yield self.env.timeout(draw(state.d.follow_up if own else state.d.deliberation, rng))
            batch, state.inbox = state.inbox, []
            for perceived in batch:
                self._deliberate(state, perceived)
            self._work(-1)

    def _deliberate(self, state: ActorState, perceived: Perceived) -> None:
        context = DecisionContext(self, state, perceived)
        for policy in state.d.policies:
            response = policy.respond(context)
            if response is None:
                continue
            for act in response.acts:
                self._launch(state, act, perceived.event, policy.label)
            if response.stop:
                return

    def _opening(self, opening: InitialDef) -> Process:
        yield self.env.timeout(opening.at_hours)
        yield from self._carry_out(self.actors[opening.actor], Act(opening.order), None,
                                   opening.id, scripted=True)
        self._work(-1)

    # -- acts ------------------------------------------------------------------------
    def _launch(self, state: ActorState, act: Act, cause: Event | None, label: str) -> None:
        """Carry an act out: as a process when it takes time, at once when it cannot (a
        statement, a stand-down), which spares the event loop three steps per act."""
        steps = self._carry_out(state, act, cause, label)
        if act.order.warn or act.order.kind.duration != 0.0:
            self.env.process(steps)
        else:
            for _ in steps:  # pragma: no cover - an instantaneous act never waits
                raise AssertionError("an instantaneous act tried to wait")

    def _carry_out(
        self, state: ActorState, act: Act, cause: Event | None, label: str,
        scripted: bool = False,
    ) -> Process:
        order, kind, me = act.order, act.order.kind, state.d.id
        rng = self.streams.get(f"effects:{me}")
        owner, asset = resolve_target(self.scenario, order, me, cause, self.sponsors, rng)
        if kind.kinetic and asset is None:
            self._settle(state, act, kept=False)  # no eligible target: the order lapses
            return
        salvo = 0
        if kind.effect == "strike":
            wanted = act.salvo if act.salvo is not None else draw(order.salvo or kind.salvo, rng)
            weapon = order.weapon
            salvo = int(min(max(0.0, round(wanted)), state.stock(weapon)))
            if salvo <= 0:
                self._settle(state, act, kept=False)  # nothing left to fire
                return
            if weapon in state.inventory:
                state.inventory[weapon] -= salvo
        origin = order.origin[int(rng.random() * len(order.origin))] if order.origin else ""
        self._work(+1)
        started = self.env.now
        warned_at = self._warn(state, order.warn, asset, cause, label) if order.warn else None
        lead = draw(order.lead, rng) if order.warn else 0.0
        delay = lead + draw(kind.duration, rng)
        if delay > 0:
            yield self.env.timeout(delay)
        warned = warned_at is not None and warned_at[0] <= self.env.now
        damage = self._damage(kind.effect, rng, salvo, kind, asset, warned)
        event = self._new_event(
            started=started, actor=me, kind=kind.id, effect=kind.effect, target=owner,
            asset=asset.id if asset else "", host=asset.host if asset else "",
            origin=origin, origin_host=self.scenario.assets[origin].host if origin else "",
            salvo=salvo, failed=damage.failed, intercepted=damage.intercepted,
            hits=damage.hits, deaths=damage.deaths, injuries=damage.injuries,
            value_lost=damage.value_lost, warned=warned, goldstein=kind.goldstein,
            hostile=kind.hostile, kinetic=kind.kinetic,
            homeland=bool(asset and asset.homeland and damage.hits), cause=cause.id if cause else None,
            policy=label, threat=act.enforces.label if act.enforces else "", scripted=scripted,
            note=order.note,
        )
        self._settle(state, act, kept=True)
        self._happened(event, kind.rung)
        self._work(-1)

    def _settle(self, state: ActorState, act: Act, kept: bool) -> None:
        """Close the threat an act enforces, now that it has happened or lapsed."""
        if act.enforces is not None:
            act.enforces.settle(DecisionContext(self, state, None), kept)

    def _damage(
        self, effect: str, rng: Any, salvo: int, kind: KindDef, asset: AssetDef | None,
        warned: bool,
    ) -> effects.Damage:
        if asset is None or effect not in ("strike", "killing"):
            return effects.Damage()
        v = self.values
        potency = v[kind.potency]
        exposure = effects.Exposure(
            v[asset.personnel], v[asset.value], v[asset.air_defence],
            v[asset.lethality] * potency, v[asset.injury_rate] * potency,
            v[asset.damage_per_hit], v[asset.warned_factor],
        )
        if effect == "killing":
            return effects.killing(rng, v[kind.success], exposure)
        return effects.strike(rng, salvo, v[kind.failure], exposure, warned)

    def _warn(
        self, state: ActorState, warned: tuple[str, ...], asset: AssetDef | None,
        cause: Event | None, label: str,
    ) -> list[float] | None:
        """Record warnings; the time the target's owner hears (via a relaying host), if ever."""
        heard: list[float] = []
        kind = self.scenario.kinds["warning"]
        for actor in warned:
            warning = self._new_event(
                started=self.env.now, actor=state.d.id, kind=kind.id, effect=kind.effect,
                target=actor, goldstein=kind.goldstein, cause=cause.id if cause else None,
                policy=label, note=f"warns of an attack on {asset.id if asset else 'its soil'}",
            )
            self._happened(warning, kind.rung)
            host = self.actors[actor]
            rng = self.streams.get(f"decide:{actor}")
            hosts_target = asset is not None and asset.host == actor and asset.owner != actor
            if asset is not None and hosts_target and rng.random() < self.values[host.d.relays_warnings]:
                delay = draw(host.d.relay_delay, rng)
                heard.append(self.env.now + delay)
                self.env.process(self._relay(actor, asset.owner, delay, warning))
        return sorted(heard) or None

    def _relay(self, host: str, owner: str, delay: float, warning: Event) -> Process:
        yield self.env.timeout(delay)
        kind = self.scenario.kinds["warning"]
        relay = self._new_event(
            started=self.env.now, actor=host, kind=kind.id, effect=kind.effect, target=owner,
            goldstein=kind.goldstein, cause=warning.id, policy="relays_warnings",
            note="passes the warning on",
        )
        self._happened(relay, kind.rung)

    def _when_tense(self, rng: Any, per_day: float, threshold: float) -> Process:
        """Wait for the next arrival of a Poisson process (per day) that finds tension at
        or above ``threshold`` (thinning: arrivals in calmer moments are dropped)."""
        while True:
            yield self.env.timeout(rng.expovariate(per_day / 24.0))
            if self.tension.at(self.env.now) >= threshold:
                return

    def _initiative(self, state: ActorState, initiative: InitiativeDef) -> Process:
        rng = self.streams.get(f"initiative:{initiative.id}")
        rate, threshold = self.values[initiative.rate_per_day], self.values[initiative.min_tension]
        for _ in range(initiative.max_occurrences):
            yield from self._when_tense(rng, rate, threshold)
            self._launch(state, Act(initiative.order), None, initiative.id)

    def _accident(self, accident: AccidentDef) -> Process:
        rng = self.streams.get(f"accident:{accident.id}")
        rate = self.values[accident.rate_per_day]
        kind = self.scenario.kinds["accident"]
        for _ in range(accident.max_occurrences):
            yield from self._when_tense(rng, rate, self.values[self.scenario.tension.alert_threshold])
            deaths = max(0, round(draw(accident.deaths, rng)))
            event = self._new_event(
                started=self.env.now, actor=accident.actor, kind=kind.id, effect=kind.effect,
                target=accident.victims or "", deaths=deaths, policy=f"accident:{accident.id}",
                note=accident.description,
            )
            self._happened(event, kind.rung)

    # -- bookkeeping -----------------------------------------------------------------
    def _new_event(self, **fields: Any) -> Event:
        event = Event(id=self._next_id, time=self.env.now, **fields)
        self._next_id += 1
        return event

    def _happened(self, event: Event, base_rung: int) -> None:
        """Apply an event to the world, report it to every actor, check terminal outcomes."""
        actor = self.actors[event.actor]
        if event.hostile and event.target and event.target != event.actor:
            event.rung = self._rung(event, base_rung)
            top = self.ladder.top
            self.ladder.raise_to(event.actor, event.target, event.rung, event.homeland)
            if self.ladder.top > top:
                self.tally.reached(self.ladder.top, self.env.now / 24.0)
            self.last_hostile = self.env.now
        else:
            event.rung = base_rung
        amount = -event.goldstein * self.values[self.scenario.tension.per_goldstein]
        event.tension = self.tension.add(self.env.now, amount)
        self.tally.record(event, actor, self.actors.get(event.target))
        if self.keep_events:
            self.events.append(event)
        self._report(event)
        outcome = self.tally.terminal(self)
        if outcome is not None:
            self.finish("terminal", outcome)

    def _rung(self, event: Event, base: int) -> int:
        ladder = self.scenario.ladder
        rung = base
        target = self.actors.get(event.target)
        if event.deaths > 0 and target is not None and target.d.kind == "state":
            rung = max(rung, ladder.nationals_killed)
        if event.homeland:
            rung = max(rung, ladder.homeland_struck)
        return rung

    def note_threat(self, label: str, status: str) -> None:
        self.tally.note_threat(label, status)

    # -- perception ------------------------------------------------------------------
    def _report(self, event: Event) -> None:
        victim = self.actors.get(event.target)
        if victim is not None and (event.deaths or event.injuries):
            steps = disclosure_steps(event.deaths, event.injuries,
                                     victim.d.death_stages, victim.d.injury_stages)
        else:
            steps = [(0.0, event.deaths, event.injuries)]
        weights = self.scenario.harm_weights
        for observer in self.actors.values():
            d = observer.d
            rng = self.streams.get(f"perceive:{d.id}")
            delay = draw(d.perception.delay, rng)
            enemy = event.hostile and victim is not None and victim is not observer and \
                self.ladder.hostile(d.id, victim.d.id)
            before = (0, 0)
            factor, phantom = distortion(
                rng, self.values[d.perception.noise], self.values[d.perception.bias],
                self.values[d.perception.inflation], enemy,
            ) if observer is not victim else (1.0, 0)
            for index, (after, deaths, injuries) in enumerate(steps):
                own = (0, 0)
                if observer is victim:
                    seen = (deaths, injuries)
                    own, before = (deaths - before[0], injuries - before[1]), seen
                else:
                    seen = perceived_counts(deaths, injuries, factor, phantom)
                harm = weights[0] * seen[0] + weights[1] * seen[1] + weights[2] * event.value_lost
                perceived = Perceived(0.0, d.id, event, seen[0], seen[1], harm, index > 0)
                self._deliver(observer, perceived, delay + after, index == 0, own)

    def _deliver(
        self, observer: ActorState, perceived: Perceived, delay: float, first: bool,
        own: tuple[int, int],
    ) -> None:
        """Hand a perception over after ``delay``; first reports keep the run from ending."""
        if first:
            self._work(+1)

        def arrive(_: simpy.Event) -> None:
            perceived.time = self.env.now
            observer.deaths_suffered += own[0]
            observer.injuries_suffered += own[1]
            if self.keep_events:
                self.perceptions.append(perceived)
            observer.tell(perceived)
            if first:
                self._work(-1)

        self.env.timeout(delay).callbacks.append(arrive)
