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
from heapq import heappush
from typing import Any

import simpy
from simpy.events import NORMAL, URGENT

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
    InitiativeDef,
    KindDef,
    OrderDef,
    Scenario,
    draw,
)

Callback = Callable[[simpy.Event], None]
Delivery = tuple[ActorState, Perceived, bool, tuple[int, int]]  # observer, report, first?, own harm


class _Call(simpy.Event):
    """An event born triggered (its value and success are class attributes), with one
    callback: what a process's timeout did, without a generator to resume."""

    _value = None
    _ok = True

    def __init__(self, env: simpy.Environment, callback: Callback) -> None:
        self.env = env
        self.callbacks = [callback]

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
        self._queue, self._sequence = self.env._queue, self.env._eid  # see ``_after``
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
        self._quiet = scenario.spec.quiet_days * 24.0
        self._waiting = False  # the quiet watch waits for nothing to be busy
        self._next_id = 0

    # -- running ---------------------------------------------------------------------
    def run(self) -> None:
        for opening in self.scenario.initial:
            self._work(+1)  # a scripted opening still to come keeps the crisis open
            self._after(opening.at_hours, self._opening_at(opening.actor, opening.order, opening.id))
        for accident in self.scenario.accidents:
            if self.values[accident.rate_per_day] > 0 and accident.max_occurrences > 0:
                self._accident(accident)
        for state in self.actors.values():
            for initiative in state.d.initiatives:
                if self.values[initiative.rate_per_day] > 0:
                    self._initiative(state, initiative)
        self._watch()
        self._after(self.scenario.spec.horizon_days * 24.0, lambda _: self.finish("horizon"))
        self.env.run(until=self.stop)

    def _after(self, delay: float, callback: Callback) -> None:
        """Call ``callback`` once ``delay`` hours have passed. This is the body of SimPy's
        ``Environment.schedule`` (a heap of (time, priority, sequence, event)), inlined
        because every wait of a run comes through here."""
        if delay < 0:  # as SimPy's Timeout: a drawn delay below zero fails the run
            raise ValueError(f"Negative delay {delay}")
        env = self.env
        heappush(self._queue, (env.now + delay, NORMAL, next(self._sequence), _Call(env, callback)))

    def _soon(self, callback: Callback) -> None:
        """Call ``callback`` in a step of its own at this moment, before later timeouts: when a
        process would have started, or resumed on an event that succeeded."""
        self.env.schedule(_Call(self.env, callback), URGENT, 0.0)

    def finish(self, how: str, outcome: str | None = None) -> None:
        if not self.stop.triggered:
            self.tally.ended_by, self.tally.terminal_outcome = how, outcome
            self.stop.succeed()

    def _watch(self, _: simpy.Event | None = None) -> None:
        """End the run once no hostile act has happened for the quiet period and nothing is
        being decided, carried out or first reported; else look again when that may be so."""
        remaining = self.last_hostile + self._quiet - self.env.now
        if remaining > 1e-9:
            self._after(remaining, self._watch)
        elif self.busy > 0:
            self._waiting = True  # ``_work`` looks again once nothing is busy
        else:
            self.finish("quiet")

    def _work(self, delta: int) -> None:
        self.busy += delta
        if self.busy == 0 and self._waiting:
            self._waiting = False
            self._soon(self._watch)

    # -- actors ----------------------------------------------------------------------
    def _tell(self, state: ActorState, perceived: Perceived) -> None:
        """Hand over a perception; an actor not yet deliberating starts to, for its
        deliberation time (its follow-up time when the news is of its own act)."""
        state.inbox.append(perceived)
        if state.deciding:
            return
        state.deciding = True
        self._work(+1)
        d = state.d
        rng = self.streams.get(state.decide)
        delay = draw(d.follow_up if perceived.event.actor == d.id else d.deliberation, rng)
        self._after(delay, lambda _: self._decide(state))

    def _decide(self, state: ActorState) -> None:
        """Deliberate on everything that arrived while deliberating, in order."""
        batch, state.inbox = state.inbox, []
        state.deciding = False
        if state.d.policies:  # an actor without policies only takes its time
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

    def _opening_at(self, actor: str, order: OrderDef, label: str) -> Callback:
        def opening(_: simpy.Event) -> None:
            self._start(self.actors[actor], Act(order), None, label, scripted=True)
            self._work(-1)  # the act, if under way, keeps the crisis open itself
        return opening

    # -- acts ------------------------------------------------------------------------
    def _launch(self, state: ActorState, act: Act, cause: Event | None, label: str) -> None:
        """Carry an act out: one that takes time starts in a step of its own at this moment,
        after the deliberation that chose it; an instantaneous one (a statement, a stand-down)
        happens at once."""
        if act.order.warn or act.order.kind.duration != 0.0:
            self._soon(lambda _: self._start(state, act, cause, label))
        else:
            self._start(state, act, cause, label)

    def _start(
        self, state: ActorState, act: Act, cause: Event | None, label: str,
        scripted: bool = False,
    ) -> None:
        """Aim, load and warn; the act happens (``land``) after its lead and duration."""
        order, kind, me = act.order, act.order.kind, state.d.id
        rng = self.streams.get(state.effects)
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

        def land(_: simpy.Event | None = None) -> None:
            warned = warned_at is not None and warned_at[0] <= self.env.now
            damage = self._damage(kind.effect, rng, salvo, kind, asset, warned)
            event = Event(
                id=self._take_id(), time=self.env.now,
                started=started, actor=me, kind=kind.id, effect=kind.effect, target=owner,
                asset=asset.id if asset else "", host=asset.host if asset else "",
                origin=origin, origin_host=self.scenario.assets[origin].host if origin else "",
                salvo=salvo, failed=damage.failed, intercepted=damage.intercepted,
                hits=damage.hits, deaths=damage.deaths, injuries=damage.injuries,
                value_lost=damage.value_lost, warned=warned, goldstein=kind.goldstein,
                hostile=kind.hostile, kinetic=kind.kinetic,
                homeland=bool(asset and asset.homeland and damage.hits),
                cause=cause.id if cause else None, policy=label,
                threat=act.enforces.label if act.enforces else "", scripted=scripted,
                note=order.note,
            )
            self._settle(state, act, kept=True)
            self._happened(event, kind.rung)
            self._work(-1)

        delay = lead + draw(kind.duration, rng)
        if delay > 0:
            self._after(delay, land)
        else:
            land()

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
            warning = Event(
                id=self._take_id(), time=self.env.now,
                started=self.env.now, actor=state.d.id, kind=kind.id, effect=kind.effect,
                target=actor, goldstein=kind.goldstein, cause=cause.id if cause else None,
                policy=label, note=f"warns of an attack on {asset.id if asset else 'its soil'}",
            )
            self._happened(warning, kind.rung)
            host = self.actors[actor]
            rng = self.streams.get(host.decide)
            hosts_target = asset is not None and asset.host == actor and asset.owner != actor
            if asset is not None and hosts_target and rng.random() < self.values[host.d.relays_warnings]:
                delay = draw(host.d.relay_delay, rng)
                heard.append(self.env.now + delay)
                self._after(delay, self._relay(actor, asset.owner, warning))
        return sorted(heard) or None

    def _relay(self, host: str, owner: str, warning: Event) -> Callback:
        def relay(_: simpy.Event) -> None:
            kind = self.scenario.kinds["warning"]
            event = Event(
                id=self._take_id(), time=self.env.now,
                started=self.env.now, actor=host, kind=kind.id, effect=kind.effect, target=owner,
                goldstein=kind.goldstein, cause=warning.id, policy="relays_warnings",
                note="passes the warning on",
            )
            self._happened(event, kind.rung)
        return relay

    def _when_tense(self, rng: Any, per_day: float, threshold: float, then: Callable[[], None]
                    ) -> None:
        """Call ``then`` at the next arrival of a Poisson process (per day) that finds tension
        at or above ``threshold`` (thinning: arrivals in calmer moments are dropped)."""
        def arrival(_: simpy.Event) -> None:
            if self.tension.at(self.env.now) >= threshold:
                then()
            else:
                self._after(rng.expovariate(per_day / 24.0), arrival)
        self._after(rng.expovariate(per_day / 24.0), arrival)

    def _recurring(self, times: int, rng: Any, per_day: float, threshold: float,
                   occur: Callable[[], None]) -> None:
        """``occur`` at up to ``times`` tense arrivals of a Poisson process, one after another."""
        def then() -> None:
            occur()
            if times > 1:
                self._recurring(times - 1, rng, per_day, threshold, occur)
        if times > 0:
            self._when_tense(rng, per_day, threshold, then)

    def _initiative(self, state: ActorState, initiative: InitiativeDef) -> None:
        rng = self.streams.get(f"initiative:{initiative.id}")
        self._recurring(
            initiative.max_occurrences, rng, self.values[initiative.rate_per_day],
            self.values[initiative.min_tension],
            lambda: self._launch(state, Act(initiative.order), None, initiative.id),
        )

    def _accident(self, accident: AccidentDef) -> None:
        rng = self.streams.get(f"accident:{accident.id}")
        kind = self.scenario.kinds["accident"]

        def occur() -> None:
            deaths = max(0, round(draw(accident.deaths, rng)))
            event = Event(
                id=self._take_id(), time=self.env.now,
                started=self.env.now, actor=accident.actor, kind=kind.id, effect=kind.effect,
                target=accident.victims or "", deaths=deaths, policy=f"accident:{accident.id}",
                note=accident.description,
            )
            self._happened(event, kind.rung)

        self._recurring(accident.max_occurrences, rng, self.values[accident.rate_per_day],
                        self.values[self.scenario.tension.alert_threshold], occur)

    # -- bookkeeping -----------------------------------------------------------------
    def _take_id(self) -> int:
        """The next event's id: events are numbered in the order they happen."""
        self._next_id += 1
        return self._next_id - 1

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
        """Send each actor its perception of ``event``: its first report, and revisions as
        casualties are disclosed. Reports due at the same moment travel as one SimPy event
        (they were consecutive events at that moment, with nothing between them)."""
        victim = self.actors.get(event.target)
        if victim is not None and (event.deaths or event.injuries):
            steps = disclosure_steps(event.deaths, event.injuries,
                                     victim.d.death_stages, victim.d.injury_stages)
        else:
            steps = ((0.0, event.deaths, event.injuries),)
        w_deaths, w_injuries, w_value = self.scenario.harm_weights
        lost = w_value * event.value_lost
        values, streams = self.values, self.streams
        hostile = event.hostile and victim is not None
        due: dict[float, list[Delivery]] = {}
        for observer in self.actors.values():
            d = observer.d
            rng = streams.get(observer.perceive)
            delay = draw(d.perception.delay, rng)
            if observer is victim:
                factor, phantom = 1.0, 0
            else:
                enemy = hostile and self.ladder.hostile(d.id, event.target)
                factor, phantom = distortion(
                    rng, values[d.perception.noise], values[d.perception.bias],
                    values[d.perception.inflation], enemy,
                )
            before = (0, 0)
            for index, (after, deaths, injuries) in enumerate(steps):
                own = (0, 0)
                if observer is victim:
                    seen = (deaths, injuries)
                    own, before = (deaths - before[0], injuries - before[1]), seen
                else:
                    seen = perceived_counts(deaths, injuries, factor, phantom)
                harm = w_deaths * seen[0] + w_injuries * seen[1] + lost
                first = index == 0
                delivery = (observer, Perceived(0.0, d.id, event, seen[0], seen[1], harm, not first),
                            first, own)
                at = delay + after
                batch = due.get(at)
                if batch is None:
                    due[at] = [delivery]
                else:
                    batch.append(delivery)
        self._work(len(self.actors))  # each first report keeps the run from ending until it arrives
        for at, batch in due.items():
            self._after(at, self._arrive_all(batch))

    def _arrive_all(self, batch: list[Delivery]) -> Callback:
        def arrive(_: simpy.Event) -> None:
            now, firsts = self.env.now, 0
            for observer, perceived, first, own in batch:
                perceived.time = now
                observer.deaths_suffered += own[0]
                observer.injuries_suffered += own[1]
                if self.keep_events:
                    self.perceptions.append(perceived)
                self._tell(observer, perceived)
                firsts += first
            self._work(-firsts)  # never to zero here: whoever was told is deliberating
        return arrive
