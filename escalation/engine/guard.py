"""Bounds on one run, so that no scenario, however written, makes a run hang or overflow.

A run stops with ``RunStopped`` (recorded as a failed run, with this message, by batches,
``simulate`` and ``trace``) when it schedules more events than the scenario's ``limits``
allow, in all or at one instant, or when a count it draws cannot be meant (a salvo of 1e308
would loop for ever drawing each unit's fate). The bounds are documented in
docs/assumptions.md ("Bounds on a run").
"""

from __future__ import annotations

import math
from collections import deque

from escalation.model.bounds import MAX_PEOPLE

RECENT = 12  # acts remembered to name who was acting when a run ran away


class RunStopped(RuntimeError):
    """A run reached one of its bounds; its message says which, and what to change."""


class RunawayRun(RunStopped):
    """A run scheduled more events than its scenario's ``limits`` allow."""


class OutOfBounds(RunStopped):
    """A run drew a number no crisis can mean (a salvo of 1e308, a delay that is not a number)."""


class Recent:
    """The last few acts of a run (actor and kind), to say who was acting when it ran away."""

    __slots__ = ("acts",)

    def __init__(self) -> None:
        self.acts: deque[tuple[float, str, str]] = deque(maxlen=RECENT)

    def describe(self, now: float, source: str) -> str:
        """Who acted at this instant (or last, before it), else what kept scheduling."""
        at_instant = [(actor, kind) for time, actor, kind in self.acts if time == now]
        acts = list(dict.fromkeys(at_instant or [(actor, kind) for _, actor, kind in self.acts]))
        if not acts:
            return f"nothing acted; {source} kept scheduling" if source else "nothing acted"
        actors = sorted({actor for actor, _ in acts})
        moves = ", ".join(f"{actor}:{kind}" for actor, kind in acts)
        when = "at this instant" if at_instant else "last"
        return f"acting {when}: {', '.join(actors)} ({moves})"


def runaway(limit: str, value: int, now: float, recent: Recent, source: str) -> RunawayRun:
    """The error of a run that reached ``limits.<limit>``, naming the loop's actors."""
    where = f"{recent.describe(now, source)}; at hour {now:.6g}"
    if limit == "max_events_per_instant":
        advice = ("a chain of decisions and reports with no delay between them: give it one "
                  "(deliberation_hours, follow_up_hours, perception.delay_hours), or raise "
                  "limits.max_events_per_instant")
    else:
        advice = "an event rate or a loop no crisis can mean: lower it, or raise limits.max_events"
    return RunawayRun(f"run stopped at limits.{limit} = {value:,} events ({where}): {advice}")


def beyond(value: float, limit: float, what: str, unit: str) -> OutOfBounds:
    """The error of a drawn number above its bound (or NaN): callers compare first, so that
    the message is only built when a run stops."""
    return OutOfBounds(f"{what} is {value:g} {unit}; the most a run allows is {limit:,} "
                       "(docs/assumptions.md, 'Bounds on a run'): lower it or its distribution")


def people(count: float, what: str) -> int:
    """A drawn count of people as a whole number, no greater than ``MAX_PEOPLE``."""
    if not count <= MAX_PEOPLE:  # NaN too
        raise beyond(count, MAX_PEOPLE, what, "people")
    return max(0, round(count))


def bad_delay(hours: float) -> OutOfBounds:
    """The error of a drawn wait that cannot be scheduled: negative, or not a number."""
    if math.isnan(hours):
        return OutOfBounds("a delay was drawn that is not a number: check the scenario's "
                           "delay distributions (hours)")
    return OutOfBounds(f"a negative delay was drawn ({hours:g} hours): a delay's distribution "
                       "must stay at or above zero")
