"""One run as SimPy callbacks: actors deliberate, acts unfold, reports travel, crises end.

Flow of an act: an actor's policy picks it; it is carried out over its lead and duration
(warning, flight time); its effects are drawn; it is recorded as an ``Event`` that names its
cause; the ladder, tension and counts are updated; and each actor receives its own perception
of it, late, noisy and, for injuries revealed in stages, more than once.

Everything that waits is a callback on SimPy's clock (``_after``), not a generator process: a
process costs an initialisation step, a generator resumption per wait and an event per wake-up,
which was most of a small run's cost. Where a process used to start in a step of its own (a
timed act, chosen during a deliberation), the callback is still scheduled for that moment
(``_soon``), so that what happens within one moment happens in the same order as before.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import count
from typing import Any

import simpy

from escalation.engine import avoidance, effects
from escalation.engine.clock import NORMAL, URGENT, Callback, Entry, new_queue
from escalation.engine.context import SettlingContext
from escalation.engine.defence import Engagement, defenders
from escalation.engine.delivery import Observer, deliberation_end, report
from escalation.engine.formulas import decided
from escalation.engine.guard import Recent, bad_delay, beyond, people, runaway
from escalation.engine.namespace_view import StandingView
from escalation.engine.records import PAST, Event, Perceived
from escalation.engine.state import ActorState, Ladder, Lane, Tension
from escalation.engine.tally import Tally
from escalation.engine.targets import resolve_target
from escalation.engine.variates import draw
from escalation.engine.warning import warn
from escalation.model.bounds import MAX_PEOPLE, MAX_UNITS
from escalation.model.streams import Streams
from escalation.model.vocabulary import HOLDS, KINETIC, UNKNOWN_AUTHOR, Effect, StandardKind
from escalation.policies.base import Act
from escalation.scenario.compiled import (
    AccidentDef,
    AssetDef,
    AttributionDef,
    InitialDef,
    InitialStateDef,
    InitiativeDef,
    KindDef,
    PastDef,
    Scenario,
)


def _stop(_: object) -> None:
    """The run's stop, scheduled by ``World.finish``: the loop ends when it comes up, before
    calling it."""


def _environment() -> simpy.Environment:
    """A SimPy environment as ``simpy.Environment()`` makes one, at time 0 with an empty queue,
    but without binding its process-making methods to it early (``BoundClass.bind_early``): a
    run makes no SimPy processes (its callbacks are on the queue itself, ``World._loop``), and
    the binding was a fifth of the cost of building a small run's world. The methods still work
    if called: the class's descriptors bind them then."""
    env = _NEW_ENVIRONMENT(simpy.Environment)
    env._now = 0
    env._queue = []
    env._eid = count()
    env._active_proc = None
    return env


_NEW_ENVIRONMENT = simpy.Environment.__new__


class _Deferred:
    """An act decided now and started later (``after_hours``): an object, not a closure over
    the world, for the same reason as ``TenseArrivals``."""

    __slots__ = ("act", "cause", "label", "state", "world")

    def __init__(self, world: World, state: ActorState, act: Act, cause: Event | None,
                 label: str) -> None:
        self.world, self.state, self.act, self.cause, self.label = world, state, act, cause, label

    def start(self, _: object) -> None:
        self.world._start(self.state, self.act, self.cause, self.label)
        self.world._work(-1)  # the act, if under way, keeps the crisis open itself


class TenseArrivals:
    """Calls ``occur`` at up to ``times`` arrivals of a Poisson process (``per_day``) that find
    tension at or above ``threshold``; arrivals in calmer moments are dropped (thinning).

    An object rather than a closure that schedules itself: such a closure holds itself (and
    so the world) in a reference cycle, which only the cyclic garbage collector can free."""

    __slots__ = ("gate", "label", "left", "occur", "per_hour", "rng", "threshold", "world")

    def __init__(self, world: World, rng: Any, per_day: float, threshold: float, times: int,
                 occur: Callable[[], None], label: str, gate: Callable[[], bool] | None = None
                 ) -> None:
        self.world, self.rng, self.per_hour = world, rng, per_day / 24.0
        self.threshold, self.left, self.occur, self.label = threshold, times, occur, label
        self.gate = gate  # a further condition for an arrival to count (thinning too)
        if times > 0:
            world._after(rng.expovariate(self.per_hour), self.arrive)

    def arrive(self, _: object) -> None:
        world = self.world
        if world.tension.at(world.env._now) >= self.threshold and (
                self.gate is None or self.gate()):
            self.occur()
            self.left -= 1
            if self.left <= 0:
                return
        world._after(self.rng.expovariate(self.per_hour), self.arrive)


class World:
    """The mutable world of one run. Build, ``run()``, then read ``tally`` and ``events``."""

    scenario: Scenario
    values: list[float]
    env: simpy.Environment
    actors: dict[str, ActorState]
    sponsors: dict[str, str]
    ladder: Ladder
    tension: Tension
    last_hostile: float  # hours: when the last hostile act against another actor happened

    def __init__(
        self, scenario: Scenario, values: list[float], streams: Streams, keep_events: bool
    ) -> None:
        self.scenario = scenario
        self.values = values
        self.streams = streams
        self.keep_events = keep_events
        self.env = _environment()
        self._queue = new_queue()  # see ``_after``
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
        self.defenders = defenders(self.actors)  # allies helping defend each actor's assets
        ladder = scenario.ladder
        self.ladder = Ladder(ladder.mutual_homeland, ladder.war_deaths, len(ladder.rungs) - 1)
        self.tension = Tension(values[scenario.tension.half_life_days] * 24.0)
        self.tally = Tally(scenario)
        self.busy = 0
        self.last_hostile = 0.0
        self._stopping = False
        self._quiet = scenario.spec.quiet_days * 24.0
        self._stop_at_terminal = scenario.spec.after_terminal == "stop"
        self._waiting = False  # the quiet watch waits for nothing to be busy
        self._step: Entry | None = Entry(0.0, URGENT, -1, _stop)  # being called (``ended``)
        self._stop_seq = -1  # the sequence number of the run's stop, once ``finish`` is called
        self._next_id = 0
        limits = scenario.spec.limits  # the run guard: see ``_after`` and engine/guard.py
        self._events_left = limits.max_events
        self._instant = -1.0
        self._instant_left = 0
        self.recent = Recent()
        self.disguises: dict[int, AttributionDef] = {}  # event id -> who it appears to be from
        self.observers: list[Observer] | None = None  # delivery.observers, at the first report
        self.deliberations = 0  # held on something to decide (follow-ups too): see avoidance
        self.report_keys: dict[tuple[object, ...], int] | None = None  # numbered: avoidance.py
        if avoidance.enabled():
            avoidance.share_verdicts(self)

    # -- running ---------------------------------------------------------------------
    def run(self) -> None:
        if self.scenario.start is not None:
            self._open_inside(self.scenario.start)
        for opening in self.scenario.initial:
            self._work(+1)  # a scripted opening still to come keeps the crisis open
            self._after(opening.at_hours, self._opening_at(opening))
        for accident in self.scenario.accidents:
            if self.values[accident.rate_per_day] > 0 and accident.max_occurrences > 0:
                self._accident(accident)
        for state in self.actors.values():
            for initiative in state.d.initiatives:
                if self.values[initiative.rate_per_day] > 0:
                    self._initiative(state, initiative)
        self._watch()
        self._after(self.scenario.spec.horizon_days * 24.0, lambda _: self.finish("horizon"))
        try:
            self._loop()
        finally:
            self._queue.clear()  # what was still to come: its callbacks hold the world in a cycle
            self._step = None  # so does the callback last called, if it raised

    def _loop(self) -> None:
        """SimPy's ``Environment.run(until=stop)`` for a queue of callbacks: pop the next in
        (time, priority, sequence) order, move the clock, call it; end when ``finish``'s stop
        comes up. The same order as SimPy's ``step``, without an event object per wait of a
        run (SimPy's queue holds (time, priority, sequence, event); this one holds the
        callback itself where the event was: engine/clock.py)."""
        queue, env = self._queue, self.env
        while True:
            try:
                step = queue.pop()
            except IndexError:
                raise RuntimeError("no scheduled events left but the run has not finished") from None
            env._now = step.at
            self._step = step
            if step.seq == self._stop_seq:
                return
            step.callback(None)

    def _open_inside(self, start: InitialStateDef) -> None:
        """Set the state the crisis is in at t = 0 (``initial_state``): rungs reached,
        tension, threats and stand-downs in force, and the past, recorded but not counted."""
        for a, b, rung in start.pairs:
            self.ladder.raise_to(a, b, rung, False)
        self.tally.start_rung = self.ladder.top
        self.ladder.wars = 0  # a pair already at war at t = 0 did not start one in the run
        if self.ladder.top:
            self.tally.reached(self.ladder.top, 0.0)
        if self.values[start.tension]:
            self.tension.add(0.0, self.values[start.tension])
        for actor, policy, days_ago in start.threats:
            policy.stand(SettlingContext(self, self.actors[actor]), days_ago)
        for actor in start.stood_down:
            state = self.actors[actor]
            state.stood_down = True
            for policy in state.d.policies:
                policy.stood_down(SettlingContext(self, state))
        for past in start.history:
            event = self._past(past)
            if self.keep_events:
                self.events.append(event)
            if past.pending:  # still being decided on: reported now, answered in the run
                report(self, event)

    def _past(self, past: PastDef) -> Event:
        order, kind = past.order, past.order.kind
        owner = self.scenario.assets[order.asset].owner if order.asset else \
            order.selector.owner if order.selector and order.selector.owner in self.actors else ""
        return Event(
            id=self._take_id(), time=past.at_hours, started=past.at_hours, actor=past.actor,
            kind=kind.id, effect=kind.effect, target=order.actor or owner, asset=order.asset or "",
            deaths=past.deaths, injuries=past.injuries, rung=kind.rung, goldstein=kind.goldstein,
            hostile=kind.hostile, kinetic=kind.kinetic, policy=PAST, scripted=True,
            note=order.note,
        )

    def _after(self, delay: float, callback: Callback) -> None:
        """Call ``callback`` once ``delay`` hours have passed. This is the body of SimPy's
        ``Environment.schedule`` (a heap of (time, priority, sequence, event)), inlined
        because every wait of a run comes through here, and so is the run guard."""
        queue = self._queue
        queue.push(self._due(delay, callback), NORMAL, queue.take(), callback)

    def _due(self, delay: float, callback: Callback | None) -> float:
        """When a wait of ``delay`` hours ends, counted by the run guard."""
        if not delay >= 0:  # as SimPy's Timeout: a drawn delay below zero (or NaN) fails the run
            raise bad_delay(delay)
        now = self.env._now
        at = now + delay
        self._events_left -= 1
        if at == now or self._events_left < 0:
            self._guard(now, at == now, callback)
        return at

    def deliberate(self, state: ActorState, lane: Lane, delay: float) -> None:
        """Begin ``lane``'s deliberation of ``delay`` hours. Its end takes its place in SimPy's
        order now (its sequence number, the run guard's count), as if scheduled, but it becomes
        a callback only when news joins it (``schedule``) or the quiet watch waits for it: most
        deliberations are joined by nothing, and then only pass their time (``ended``)."""
        at = self._due(delay, None)
        lane.deciding, lane.scheduled, lane.until, lane.seq = True, False, at, self._queue.take()
        if self._waiting:  # the watch waits for every deliberation under way to end
            self.schedule(state, lane)

    def schedule(self, state: ActorState, lane: Lane) -> None:
        """Put the end of ``lane``'s deliberation on the clock, at its own place in the order,
        and keep the crisis open until then."""
        lane.scheduled = True
        self.busy += 1
        self._queue.push(lane.until, NORMAL, lane.seq, deliberation_end(self, state, lane))

    def idle(self, lane: Lane) -> bool:
        """Whether ``lane`` has no deliberation under way now; one that nothing joined and
        that has ended unseen (``ended``) is closed here."""
        if lane.deciding and not lane.scheduled and self.ended(lane):
            lane.deciding = False
        return not lane.deciding

    def ended(self, lane: Lane) -> bool:
        """Whether the end of ``lane``'s unscheduled deliberation has come, before the callback
        being called now in SimPy's order (time, priority, sequence)."""
        until, now = lane.until, self.env._now
        if until != now:
            return until < now
        step = self._step
        return step is not None and step.priority == NORMAL and lane.seq < step.seq

    def _soon(self, callback: Callback) -> None:
        """Call ``callback`` in a step of its own at this moment, before later timeouts: when a
        process would have started, or resumed on an event that succeeded."""
        now = self.env._now
        self._events_left -= 1
        self._guard(now, True, callback)
        queue = self._queue
        queue.push(now, URGENT, queue.take(), callback)

    def _guard(self, now: float, same_instant: bool, callback: Callback | None) -> None:
        """The run guard: stop a run that schedules more than its scenario's limits allow,
        in all or at one instant (a loop with no delay never lets the clock move)."""
        if same_instant:
            if now != self._instant:
                self._instant, self._instant_left = now, self.scenario.spec.limits.max_events_per_instant
            self._instant_left -= 1
            if self._instant_left < 0:
                self._runaway("max_events_per_instant", callback)
        if self._events_left < 0:
            self._runaway("max_events", callback)

    def _runaway(self, limit: str, callback: Callback | None) -> None:
        if limit == "max_events" and self.tally.terminal_outcome is not None:
            # a class already decided, the crisis played on (after_terminal: continue): the run
            # ends where its budget does, its class kept, rather than failing
            self.finish("limit", self.tally.terminal_outcome)
            return
        source = getattr(getattr(callback, "__self__", None), "label", "")
        value = getattr(self.scenario.spec.limits, limit)
        raise runaway(limit, value, self.env._now, self.recent, source)

    def finish(self, how: str, outcome: str | None = None) -> None:
        if not self._stopping:  # as ``simpy.Event.succeed``: at once, before later events
            self._stopping = True
            self.tally.ended_by, self.tally.terminal_outcome = how, outcome
            queue = self._queue
            self._stop_seq = queue.take()
            queue.push(self.env._now, URGENT, self._stop_seq, _stop)

    def _watch(self, _: object = None) -> None:
        """End the run once no hostile act has happened for the quiet period and nothing is
        being decided, carried out or first reported; else look again when that may be so."""
        remaining = self.last_hostile + self._quiet - self.env._now
        if remaining > 1e-9:
            self._after(remaining, self._watch)
            return
        for state in self.actors.values():  # deliberations under way, not yet on the clock
            for lane in [*state.lanes, *state.follow]:
                if not lane.scheduled and not self.idle(lane):
                    self.schedule(state, lane)
        if self.busy > 0:
            self._waiting = True  # ``_work`` looks again once nothing is busy
        else:
            self.finish("quiet")

    def _work(self, delta: int) -> None:
        self.busy += delta
        if self.busy == 0 and self._waiting:
            self._waiting = False
            self._soon(self._watch)

    # -- acts ------------------------------------------------------------------------
    def _opening_at(self, opening_def: InitialDef) -> Callback:
        actor, order, label = opening_def.actor, opening_def.order, opening_def.id

        def opening(_: object) -> None:
            state = self.actors[actor]
            act = decided(Act(order), lambda: StandingView(self, state))  # its formulas
            self._start(state, act, None, label, scripted=True, answer=opening_def.answer)
            self._work(-1)  # the act, if under way, keeps the crisis open itself
        return opening

    def _launch(self, state: ActorState, act: Act, cause: Event | None, label: str) -> None:
        """Carry an act out: one that takes time starts in a step of its own at this moment,
        after the deliberation that chose it; an instantaneous one (a statement, a stand-down)
        happens at once; one with ``after_hours`` starts that long after the decision (the
        wait keeps the crisis open)."""
        act = decided(act, lambda: StandingView(self, state))  # an initiative's formulas
        if act.order.after is not None:
            self.busy += 1
            self._after(act.after if act.after is not None else
                        draw(act.order.after, self.streams[state.decide], self.values),  # type: ignore[arg-type]
                        _Deferred(self, state, act, cause, label).start)
        elif act.order.warn or act.order.kind.duration != 0.0:
            self._soon(lambda _: self._start(state, act, cause, label))
        else:
            self._start(state, act, cause, label)

    def _start(
        self, state: ActorState, act: Act, cause: Event | None, label: str,
        scripted: bool = False, answer: bool = False,
    ) -> None:
        """Aim, load and warn; the act happens (``land``) after its lead and duration. Its
        formulas were computed when it was decided (``decided``)."""
        order, kind, me = act.order, act.order.kind, state.d.id
        rng = self.streams[state.effects]
        owner, asset = resolve_target(self.scenario, order, me, cause, self.sponsors, rng)
        if kind.kinetic and asset is None:
            self._settle(state, act, kept=False)  # no eligible target: the order lapses
            return
        salvo = 0
        if kind.effect == Effect.STRIKE:
            salvo_of = order.salvo if order.salvo is not None else kind.salvo  # 0 is a salvo
            wanted = act.salvo if act.salvo is not None else \
                draw(salvo_of, rng, self.values)  # type: ignore[arg-type]  # a formula was decided already
            weapon = order.weapon
            if not wanted <= MAX_UNITS:  # NaN too: drawing each unit's fate would never end
                raise beyond(wanted, MAX_UNITS, f"the salvo of {me}'s {kind.id} ({label})", "units")
            salvo = int(min(max(0.0, round(wanted)), state.stock(weapon)))
            if salvo <= 0:
                self._settle(state, act, kept=False)  # nothing left to fire
                return
            if weapon in state.inventory:
                state.inventory[weapon] -= salvo
        origin = order.origin[int(rng.random() * len(order.origin))] if order.origin else ""
        self.busy += 1  # the act under way keeps the crisis open
        started = self.env._now
        warned_at = warn(self, state, order.warn, asset, cause, label) if order.warn else None
        lead = 0.0 if not order.warn else act.lead if act.lead is not None else \
            draw(order.lead, rng, self.values)  # type: ignore[arg-type]

        def land(_: object = None) -> None:
            notice = None if warned_at is None else self.env._now - warned_at[0]  # hours
            warned = notice is not None and notice >= 0
            helpers = self.defenders.get(owner) if salvo else None
            engagement = Engagement(self, asset, helpers) if helpers and asset else None
            damage = self._damage(kind.effect, rng, salvo, kind, asset, notice if warned else None,
                                  engagement)
            event = Event(
                id=self._take_id(), time=self.env._now,
                started=started, actor=me, kind=kind.id, effect=kind.effect, target=owner,
                asset=asset.id if asset else "", host=asset.host if asset else "",
                origin=origin, origin_host=self.scenario.assets[origin].host if origin else "",
                salvo=salvo, failed=damage.failed, intercepted=damage.intercepted,
                hits=damage.hits, deaths=damage.deaths, injuries=damage.injuries,
                value_lost=damage.value_lost, warned=warned, goldstein=kind.goldstein,
                economic_loss=damage.economic_loss + (draw(kind.economic_loss, rng, self.values)
                                                      if kind.economic_loss else 0.0),
                hostile=kind.hostile, kinetic=kind.kinetic,
                homeland=bool(asset and asset.homeland and damage.hits),
                cause=cause.id if cause else None, policy=label,
                threat=act.enforces.label if act.enforces else "", scripted=scripted, answer=answer,
                note=order.note,
            )
            if order.attribution is not None:
                event.appears_as = order.attribution.appears_as or UNKNOWN_AUTHOR
                self.disguises[event.id] = order.attribution
            self._settle(state, act, kept=True)
            self._happened(event, kind.rung)
            if engagement is not None:
                engagement.record(event)
            self._work(-1)

        delay = lead + draw(kind.duration, rng, self.values)
        if delay > 0:
            self._after(delay, land)
        else:
            land()

    def _settle(self, state: ActorState, act: Act, kept: bool) -> None:
        """Close the threat an act enforces, now that it has happened or lapsed."""
        if act.enforces is not None:
            act.enforces.settle(SettlingContext(self, state), kept)

    def _damage(
        self, effect: str, rng: Any, salvo: int, kind: KindDef, asset: AssetDef | None,
        lead: float | None, engagement: Engagement | None = None,
    ) -> effects.Damage:
        """What an act does to ``asset``; ``lead``: hours its owner was warned ahead, if at all."""
        if asset is None or effect not in KINETIC:
            return effects.Damage()
        v = self.values
        potency = v[kind.potency]
        if not v[asset.personnel] <= MAX_PEOPLE:  # deaths are at most the people there
            raise beyond(v[asset.personnel], MAX_PEOPLE, f"personnel at {asset.id}", "people")
        left = v[asset.warned_factor]
        if lead is not None and asset.shelter_hours >= 0:  # fewer under cover, the later told
            left = effects.warned_share(left, v[asset.shelter_hours], lead)
        exposure = effects.Exposure(
            v[asset.personnel], v[asset.value],
            v[asset.air_defence] if lead is None or asset.warned_air_defence < 0 else
            v[asset.warned_air_defence],  # defences raised on notice
            v[asset.lethality] * potency, v[asset.injury_rate] * potency,
            v[asset.damage_per_hit], left,
            v[asset.economic_value] if asset.economic_value >= 0 else 0.0,
        )
        if effect == Effect.KILLING:
            return effects.killing(rng, v[kind.success], exposure)
        return effects.strike(rng, salvo, v[kind.failure], exposure, lead is not None, engagement)

    def _initiative(self, state: ActorState, initiative: InitiativeDef) -> None:
        rng = self.streams[f"initiative:{initiative.id}"]
        TenseArrivals(
            self, rng, self.values[initiative.rate_per_day], self.values[initiative.min_tension],
            initiative.max_occurrences,
            lambda: self._launch(state, Act(initiative.order), None, initiative.id),
            f"initiative {initiative.id} of {state.d.id}", lambda: self._active(state, initiative),
        )

    def _active(self, state: ActorState, initiative: InitiativeDef) -> bool:
        """Whether an initiative may act now, tension apart: its actor is not held back, and
        its ``when`` holds."""
        if state.restrained:
            return False
        return initiative.when is None or bool(initiative.when.evaluate(StandingView(self, state)))

    def _accident(self, accident: AccidentDef) -> None:
        rng = self.streams[f"accident:{accident.id}"]
        kind = self.scenario.kinds[StandardKind.ACCIDENT]

        def occur() -> None:
            deaths = people(draw(accident.deaths, rng, self.values), f"accident {accident.id}'s deaths")
            event = Event(
                id=self._take_id(), time=self.env._now,
                started=self.env._now, actor=accident.actor, kind=kind.id, effect=kind.effect,
                target=accident.victims or "", deaths=deaths, policy=f"accident:{accident.id}",
                note=accident.description,
            )
            self._happened(event, kind.rung)

        TenseArrivals(self, rng, self.values[accident.rate_per_day],
                      self.values[self.scenario.tension.alert_threshold], accident.max_occurrences,
                      occur, f"accident {accident.id}")

    # -- bookkeeping -----------------------------------------------------------------
    def _take_id(self) -> int:
        """The next event's id: events are numbered in the order they happen."""
        self._next_id += 1
        return self._next_id - 1

    def _happened(self, event: Event, base_rung: int) -> None:
        """Apply an event to the world, report it to every actor, check terminal outcomes."""
        actor = self.actors[event.actor]
        self.recent.acts.append((event.time, event.actor, event.kind))
        if event.hostile and event.target and event.target != event.actor:
            event.rung = self._rung(event, base_rung)
            top = self.ladder.top
            event.rung = self.ladder.raise_to(event.actor, event.target, event.rung,
                                              event.homeland, event.deaths)
            if self.ladder.top > top:
                self.tally.reached(self.ladder.top, self.env._now / 24.0)
            self.last_hostile = self.env._now
        else:
            event.rung = base_rung
        amount = -event.goldstein * self.values[self.scenario.tension.per_goldstein]
        event.tension = self.tension.add(self.env._now, amount)
        self.tally.record(event, actor, self.actors.get(event.target))
        if event.effect in HOLDS and event.target in self.actors:  # a sponsor and its proxy
            self.actors[event.target].restrained = event.effect == Effect.RESTRAIN
        if self.keep_events:
            self.events.append(event)
        report(self, event)
        if self.tally.terminal_outcome is None:
            outcome = self.tally.terminal(self)
            if outcome is not None:
                self.tally.terminal_day = self.env._now / 24.0
                if self._stop_at_terminal:
                    self.finish("terminal", outcome)
                else:  # the class is kept; the crisis runs on to its end
                    self.tally.terminal_outcome = outcome

    def _rung(self, event: Event, base: int) -> int:
        ladder = self.scenario.ladder
        rung = base
        target = self.actors.get(event.target)
        if event.deaths > 0 and target is not None and target.d.kind == "state":
            rung = max(rung, ladder.nationals_killed)
        if event.homeland:
            rung = max(rung, ladder.homeland_struck)
        return rung
