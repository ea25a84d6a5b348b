"""How news of an event reaches each actor, and what the actor then does with it.

Every actor gets its own perception of every event: late, noisy and, about its enemies'
losses, biased; casualties revealed in stages arrive as revisions. Reports due at the same
moment travel as one SimPy event. An actor that hears news while idle starts to deliberate,
for its deliberation time (its follow-up time when the news is of its own act); news arriving
meanwhile joins that deliberation. Reports of its own acts are followed up apart: decided on
after its follow-up time (the declaration planned with an act), even while a deliberation on
others' acts is under way. Deliberating, it asks its policies in order.

News none of a lane's policies could act on (engine/avoidance.py) does not join its
deliberation, and a deliberation with nothing to decide asks no policy: it only takes its time
(drawn, and keeping the crisis open, as before), so runs are the same draw for draw. Such a
deliberation is not even put on the clock (``World.deliberate``). In batches (events not
kept), news an observer's lanes are already known to ignore is timed but not perceived, and
not sent at all where each lane it reaches is deliberating past its arrival (``_unheard``).

This is the innermost loop of a run (in a typical run, most of the work is here), so the
functions are written flat, with few calls.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from escalation.engine.avoidance import could_act, key_number, static_facts
from escalation.engine.context import DecisionContext
from escalation.engine.formulas import decided
from escalation.engine.perception import disclosure_steps, distortion, perceived_counts
from escalation.engine.records import Event, Perceived
from escalation.engine.state import ActorState, Lane
from escalation.engine.variates import draw
from escalation.policies.base import Act, Policy
from escalation.scenario.compiled import AttributionDef, Variate

if TYPE_CHECKING:
    from escalation.engine.world import World

# observer, report (None: news none of the lanes it reaches could act on, which can only
# start their deliberations), first?, own harm (deaths, injuries, US$ million), the number of
# the verdicts' key (the event's static facts, who it is taken to be from, update?,
# verification?: avoidance.py) and the observer's lanes it reaches
Delivery = tuple[ActorState, Perceived | None, bool, tuple[int, int, float], int, Sequence[Lane]]
_UNHARMED = (0, 0, 0.0)


class Observer:
    """What ``report`` reads of one observer for every report of a run, looked up once per
    run (``observers``) instead of once per report: its state, its perception's delay and its
    noise, bias and inflation in this run."""

    __slots__ = ("bias", "delay", "id", "inflation", "noise", "perceive", "state")

    def __init__(self, state: ActorState, values: list[float]) -> None:
        d, perception = state.d, state.d.perception
        self.state, self.id, self.perceive = state, d.id, state.perceive
        self.delay = perception.delay
        self.noise, self.bias = values[perception.noise], values[perception.bias]
        self.inflation = values[perception.inflation]


def observers(world: World) -> list[Observer]:
    """Every actor as an observer, made at the run's first report."""
    found = world.observers
    if found is None:
        found = world.observers = [Observer(state, world.values) for state in world.actors.values()]
    return found


def report(world: World, event: Event) -> None:
    """Send each actor its perception of ``event``: a first report, and revisions as
    casualties are disclosed. Each first report keeps the run open until it arrives.

    Runs once per event for every actor: what does not change within a run is looked up
    once (``observers``), what does not change within an event once per event (its static
    facts, for the avoidance verdicts of every lane it reaches)."""
    actors = world.actors
    victim = actors.get(event.target)
    deaths, injuries = event.deaths, event.injuries
    if victim is not None and (deaths or injuries):
        steps = disclosure_steps(deaths, injuries, victim.d.death_stages, victim.d.injury_stages)
    else:
        steps = ((0.0, deaths, injuries),)
    w_deaths, w_injuries, w_value, w_economic = world.scenario.harm_weights
    lost = w_value * event.value_lost
    economic = event.economic_loss
    streams = world.streams
    actor = event.actor
    enemies = event.hostile and victim is not None
    ladder = world.ladder
    target = event.target
    disguise = world.disguises.get(event.id) if event.appears_as else None
    facts = static_facts(event)
    numbers = world.report_keys
    if numbers is None:  # work avoidance is off: no lane has verdicts
        numbers = {}
    keys = (key_number(numbers, (*facts, actor, False, False)),
            key_number(numbers, (*facts, actor, True, False)))
    misled: list[Delivery] = []
    due: dict[float, list[Delivery]] = {}
    now, keep, told, revised = world.env._now, world.keep_events, 0, len(steps) > 1
    for seer in observers(world):
        observer = seer.state
        me = seer.id
        rng = streams[seer.perceive]
        delay = draw(seer.delay, rng, world.values)
        lanes = observer.follow if actor == me else observer.lanes
        if disguise is None:
            author, first_key, update_key = actor, keys[0], keys[1]
        else:
            author = _believed_author(world, me, event, disguise, rng)
            first_key = key_number(numbers, (*facts, author, False, False))
            update_key = key_number(numbers, (*facts, author, True, False))
        if observer is victim:
            factor, phantom = 1.0, 0
        else:
            factor, phantom = distortion(rng, seer.noise, seer.bias, seer.inflation,
                                         enemies and ladder.hostile(me, target))
            if not keep and disguise is None and \
                    _unheeded(lanes, first_key, update_key if revised else -1):
                told += _unheard(due, observer, lanes, now, delay, steps)
                continue
        told += 1
        before_deaths = before_injuries = 0
        first = True
        seen_economic = economic * factor if economic else 0.0  # the whole loss at once
        for after, step_deaths, step_injuries in steps:
            own = _UNHARMED
            if observer is victim:
                seen_deaths, seen_injuries = step_deaths, step_injuries
                own = (step_deaths - before_deaths, step_injuries - before_injuries,
                       economic if first else 0.0)
                before_deaths, before_injuries = step_deaths, step_injuries
            else:
                seen_deaths, seen_injuries = perceived_counts(step_deaths, step_injuries, factor,
                                                              phantom)
            harm = w_deaths * seen_deaths + w_injuries * seen_injuries + lost + \
                w_economic * seen_economic
            delivery = (observer, Perceived(0.0, me, event, seen_deaths, seen_injuries, harm,
                                            not first, author, False, seen_economic),
                        first, own, first_key if first else update_key, lanes)
            first = False
            _send(due, delay + after, delivery)
        if author != actor:  # its last belief, to be corrected if the truth comes out
            misled.append((observer, Perceived(0.0, me, event, seen_deaths, seen_injuries, harm,
                                               False, actor, True, seen_economic), False,
                           _UNHARMED, key_number(numbers, (*facts, actor, False, True)), lanes))
    world.busy += told
    for at, batch in due.items():
        world._after(at, _arrival(world, batch))
    if misled and disguise is not None and disguise.verify is not None:
        _verify_later(world, event, disguise.verify, misled)


def _unheeded(lanes: Sequence[Lane], first: int, update: int) -> bool:
    """Whether it is known already that no policy of these lanes could act on this report,
    first or revised (``update``: -1 when it is not revised), by ``could_act``'s verdicts kept
    from earlier reports (keys numbered); then what the observer makes of it cannot matter,
    only when."""
    for lane in lanes:
        verdicts = lane.verdicts
        if verdicts is None or verdicts.get(first) is not False or \
                (update >= 0 and verdicts.get(update) is not False):
            return False
    return True


def _busy_past(lanes: Sequence[Lane], moment: float) -> bool:
    """Whether every one of ``lanes`` deliberates until after ``moment``."""
    return all(lane.deciding and lane.until > moment for lane in lanes)


def _wake(world: World, observer: ActorState, lane: Lane) -> None:
    """Start ``lane``'s deliberation if it is idle now."""
    if world.idle(lane):
        world.deliberate(observer, lane, draw(lane.delay, world.streams[observer.decide], world.values))


def _unheard(due: dict[float, list[Delivery]], observer: ActorState, lanes: Sequence[Lane],
             now: float, delay: float, steps: tuple[tuple[float, int, int], ...]) -> int:
    """Deliver news no lane could act on (``_unheeded``): at each of its arrivals it only
    starts the deliberation of a lane idle then, so an arrival that finds every lane still
    deliberating (until after it) is not scheduled at all. Returns 1 if its first report is
    delivered (and keeps the run open until then), else 0: a lane deliberating past it keeps
    the run open as long."""
    first, told = True, 0
    for after, _, _ in steps:
        at = delay + after
        if _busy_past(lanes, now + at):
            first = False
            continue
        told += first
        _send(due, at, (observer, None, first, _UNHARMED, -1, lanes))
        first = False
    return told


def _send(due: dict[float, list[Delivery]], at: float, delivery: Delivery) -> None:
    """Add ``delivery`` to the reports due ``at`` hours from now (one SimPy event each)."""
    batch = due.get(at)
    if batch is None:
        due[at] = [delivery]
    else:
        batch.append(delivery)


def _believed_author(world: World, observer: str, event: Event, disguise: AttributionDef,
                     rng: random.Random) -> str:
    """Who ``observer`` takes to be the author of a disguised act: the real one if it is the
    author, its sponsor, in the know, or sees through it; else who the act appears to be from
    ('' for no one)."""
    author = event.actor
    if observer == author or world.sponsors.get(author) == observer or \
            observer in disguise.known_to:
        return author
    return author if rng.random() < world.values[disguise.seen_through] else disguise.appears_as


def _verify_later(world: World, event: Event, verify: Variate, misled: list[Delivery]) -> None:
    """The real author becomes known to everyone who believed otherwise, at one moment (an
    investigation's findings, intelligence made public). Each such report is a first report
    of who did it: policies answer it as they would the act, against the real author. It
    does not keep the crisis open: a truth that comes out after the crisis has ended (quiet)
    is too late to matter in this run."""
    world._after(draw(verify, world.streams[world.actors[event.actor].effects], world.values),
                 _arrival(world, misled))


def _arrival(world: World, batch: list[Delivery]) -> Callable[[object], None]:
    """Deliver ``batch``: each report starts a deliberation in each lane of its observer (the
    follow-up of its own acts, for a report of one) that is idle, and joins it unless no
    policy of the lane could act on it (engine/avoidance.py)."""
    def arrive(_: object) -> None:
        now, firsts = world.env._now, 0
        keep = world.keep_events
        for observer, perceived, first, own, key, lanes in batch:
            if perceived is None:  # news that can only start a deliberation
                for lane in lanes:
                    _wake(world, observer, lane)
                firsts += first
                continue
            perceived.time = now
            if own is not _UNHARMED:
                observer.deaths_suffered += own[0]
                observer.injuries_suffered += own[1]
                observer.economic_suffered += own[2]
            if keep:
                world.perceptions.append(perceived)
            for lane in lanes:
                _wake(world, observer, lane)
                verdicts = lane.verdicts
                if verdicts is not None:  # work avoidance: could its policies act on it?
                    could = verdicts.get(key)
                    if could is None:
                        could = verdicts[key] = could_act(world, observer, lane.policies,
                                                          perceived)
                    if not could:
                        continue
                lane.inbox.append(perceived)
                if not lane.scheduled:
                    world.schedule(observer, lane)
            firsts += first
        world._work(-firsts)  # never to zero while the watch waits: whoever was told deliberates
    return arrive


def deliberation_end(world: World, state: ActorState, lane: Lane) -> Callable[[object], None]:
    """The end of ``lane``'s deliberation, once it is on the clock (``World.schedule``): it
    decides on what joined it, if anything did."""
    def deliberated(_: object) -> None:
        batch, lane.inbox = lane.inbox, []
        lane.deciding = lane.scheduled = False
        if batch:
            world.deliberations += 1
            decide(world, state, batch, lane.policies)
        else:  # nothing it heard could be decided on: the time passed, nothing was asked
            world._work(-1)
    return deliberated


def decide(world: World, state: ActorState, batch: list[Perceived],
           policies: tuple[Policy, ...]) -> None:
    """Deliberate on the reports in ``batch``, in order: each of ``policies`` in turn may act,
    and may stop the later ones. (An actor without policies only takes its time.)"""
    for perceived in batch if policies else ():
        context = DecisionContext(world, state, perceived)
        cause = perceived.event
        if perceived.author != cause.actor:  # roles ('offender', 'sponsor') name who it blames
            cause = replace(cause, actor=perceived.author)
        launched: list[Act] = []
        for policy in policies:
            response = policy.respond(context)
            if response is None:
                continue
            for act in response.acts:
                act = decided(act, context)  # formulas, from what the actor knows now
                world._launch(state, act, cause, policy.label)
                launched.append(act)
            if response.stop:
                break
        if context.deferred:  # verdicts that wait for what the whole deliberation did
            deferred, context.deferred = context.deferred, None  # they hold the context: no cycle
            for settle in deferred:
                settle(launched)
    world._work(-1)
