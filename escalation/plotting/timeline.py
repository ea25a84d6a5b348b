"""One run as a figure: who did what when, what answered what, and harm as seen by each side.

The top panel has a lane per actor that acted, a marker per event (warnings included, drawn
as their own shape) at its day, shaped by effect, strikes sized by salvo, and an arrow from
each event to every act that answered it. The bottom panel puts, for each event that did
harm, its real deaths and injuries next to what each observer finally believed: the gap is
what misperception adds to a crisis.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from escalation.engine.records import Event, Perceived, RunRecord
from escalation.model.vocabulary import Effect
from escalation.plotting.outcomes import no_data
from escalation.plotting.palette import NEUTRAL, actor_colour
from escalation.scenario.compiled import Scenario

# Effect category -> marker; effects not listed are 'other'. A marker's colour is its actor's
# (the actor palette, as in every figure), so the shape alone tells the effect.
STYLES: dict[str, str] = {
    Effect.STRIKE: "o",
    Effect.KILLING: "X",
    Effect.SANCTIONS: "s",
    Effect.THREAT: "^",
    Effect.STAND_DOWN: "v",
    Effect.ACCIDENT: "*",
    Effect.WARNING: "d",
    "other": "p",
}
SIZE = 60.0  # marker area (points²) of non-strike events
PER_SHOT = 4.0  # strikes: marker area grows with the salvo ...
MAX_SALVO = 100  # ... up to this many shots
MAX_HARM_EVENTS = 12
REAL = "real"


def category(event: Event) -> str:
    """The marker category of an event: its effect, or 'other'."""
    return event.effect if event.effect in STYLES else "other"


def timeline_chart(scenario: Scenario, record: RunRecord, max_harm_events: int = MAX_HARM_EVENTS
                   ) -> Figure:
    """The run's timeline (top) and perceived versus real harm (bottom).

    Top: one scatter per marker category (gid 'events-<category>', one point per event) and an
    arrow from cause to answer (gid 'cause-<event id>'). Bottom: for each of the (at most
    ``max_harm_events``, the most deadly kept) events with real or perceived harm, a deaths bar
    and an injuries bar for the real toll (gids 'deaths-<id>-real', 'injuries-<id>-real') and
    for each observer's last perception ('deaths-<id>-<observer>', ...)."""
    figure = Figure(figsize=(11.0, 8.0), layout="constrained")
    top, bottom = figure.subplots(2, 1, height_ratios=[3, 2])
    figure.suptitle(f"{scenario.name}, seed {record.seed}, run {record.run}: {record.outcome} "
                    f"(ended by {record.ended_by} after {record.duration_days:.1f} days)")
    if not record.events:
        for axes in (top, bottom):
            no_data(axes, "no events kept: simulate with keep_events=True")
        return figure
    _timeline(top, scenario, record)
    _harm(bottom, scenario, record, max_harm_events)
    return figure


def acting_actors(scenario: Scenario, record: RunRecord) -> list[str]:
    """The actors with at least one event, in the scenario's order: the timeline's lanes."""
    acted = {event.actor for event in record.events}
    return [actor.id for actor in scenario.actors if actor.id in acted]


def _timeline(axes: Axes, scenario: Scenario, record: RunRecord) -> None:
    lanes = {actor: i for i, actor in enumerate(acting_actors(scenario, record))}
    by_id = {event.id: event for event in record.events}
    place = {event.id: (event.time / 24.0, lanes[event.actor]) for event in record.events}
    for event in record.events:
        if event.cause in place:
            rad = 0.25 if by_id[event.cause].actor == event.actor else 0.1
            axes.annotate("", xy=place[event.id], xytext=place[event.cause],
                          arrowprops={"arrowstyle": "-|>", "color": "0.55", "lw": 0.6,
                                      "shrinkA": 4, "shrinkB": 5, "alpha": 0.7,
                                      "connectionstyle": f"arc3,rad={rad}"},
                          gid=f"cause-{event.id}", zorder=1)
    groups: dict[str, list[Event]] = defaultdict(list)
    for event in record.events:
        groups[category(event)].append(event)
    handles = []
    tints = actor_tints(scenario)
    for name, marker in STYLES.items():
        events = groups.get(name, [])
        if not events:
            continue
        xy = np.array([place[e.id] for e in events], dtype=float)
        sizes = [SIZE + PER_SHOT * min(e.salvo, MAX_SALVO) if e.effect == Effect.STRIKE else SIZE
                 for e in events]
        axes.scatter(xy[:, 0], xy[:, 1], s=sizes, marker=marker, color=[tints[e.actor] for e in events],
                     alpha=0.85, edgecolors="white", linewidths=0.6, zorder=3, gid=f"events-{name}")
        handles.append(Line2D([], [], linestyle="", marker=marker, color=NEUTRAL, markersize=7,
                              label=f"{name.replace('_', ' ')} ({len(events)})"))
    for event in record.events:
        if event.deaths:
            axes.annotate(f"{event.deaths} killed", place[event.id], xytext=(0, 9),
                          textcoords="offset points", ha="center", fontsize=7, color="black")
    end = record.duration_days
    axes.axvline(end, color="0.3", linestyle=":", linewidth=1)
    axes.annotate(f"end: {record.outcome}", (end, -0.5), ha="right", va="top",
                  fontsize=8, color="0.3", xytext=(-3, 0), textcoords="offset points")
    axes.set_yticks(range(len(lanes)), list(lanes))
    axes.set_ylim(len(lanes) - 0.5, -0.5)  # the first actor on top
    axes.set_xlim(-0.02 * max(end, 1.0), end * 1.02 + 0.1)
    axes.set_xlabel("days since the start of the crisis")
    axes.set_title("events by actor (arrows: from an event to the act that answered it; "
                   f"strike markers sized by salvo, up to {MAX_SALVO})", fontsize=10)
    axes.grid(axis="x", alpha=0.3)
    axes.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8,
                title="effect (events)", title_fontsize=8, frameon=False)


def _harm(axes: Axes, scenario: Scenario, record: RunRecord, limit: int) -> None:
    beliefs = last_perceptions(record)
    harmful = harmful_events(record, beliefs)
    if not harmful:
        no_data(axes, "no event did harm, really or as perceived")
        axes.set_axis_off()
        return
    shown = f"{len(harmful)} events with harm"
    if len(harmful) > limit:
        def toll(e: Event) -> int:
            return max([e.deaths, *(p.deaths for p in beliefs.get(e.id, {}).values())])

        kept = {e.id for e in sorted(harmful, key=lambda e: (-toll(e), e.id))[:limit]}
        shown = f"the {limit} most deadly of {len(harmful)} events with harm"
        harmful = [e for e in harmful if e.id in kept]
    observers = [a.id for a in scenario.actors
                 if any(a.id in beliefs.get(e.id, {}) for e in harmful)]
    tints = {REAL: "0.2", **actor_tints(scenario)}
    members = [REAL, *observers]
    width = 0.8 / (2 * len(members))
    highest = 0
    for g, event in enumerate(harmful):
        seen = beliefs.get(event.id, {})
        for m, who in enumerate(members):
            if who != REAL and who not in seen:
                continue
            deaths, injuries = (event.deaths, event.injuries) if who == REAL else \
                (seen[who].deaths, seen[who].injuries)
            x = g - 0.4 + (2 * m + 0.5) * width
            highest = max(highest, deaths, injuries)
            axes.bar(x, deaths, width, color=tints[who], gid=f"deaths-{event.id}-{who}")
            axes.bar(x + width, injuries, width, color=tints[who], alpha=0.35, hatch="///",
                     edgecolor=tints[who], linewidth=0, gid=f"injuries-{event.id}-{who}")
    axes.set_xticks(range(len(harmful)), [f"#{e.id} {e.actor}\n{e.kind}\nday {e.time / 24:.1f}"
                                          for e in harmful], fontsize=7)
    axes.set_yscale("symlog", linthresh=1)
    axes.set_ylim(0, max(2.0, highest * 1.6))  # room above the tallest bar on a log scale
    axes.yaxis.set_major_formatter("{x:,.0f}")
    axes.set_ylabel("people (symmetric log scale)")
    axes.set_title(f"real versus perceived harm, {shown}: solid deaths, hatched injuries "
                   "(perceived: each observer's last report)", fontsize=10)
    axes.grid(axis="y", alpha=0.3)
    handles = [Patch(color=tints[who], label="real toll" if who == REAL else f"seen by {who}")
               for who in members]
    axes.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8,
                frameon=False)


def actor_tints(scenario: Scenario) -> dict[str, str]:
    """Each actor's colour from the actor palette, by its place in the scenario (as the
    batch figures colour it), so an actor has one colour in a run's figure and in its batch's."""
    return {actor.id: actor_colour(i) for i, actor in enumerate(scenario.actors)}


def last_perceptions(record: RunRecord) -> dict[int, dict[str, Perceived]]:
    """What each observer finally believed of each event: its last report (disclosures
    revise the first), by event id then observer."""
    latest: dict[int, dict[str, Perceived]] = defaultdict(dict)
    for p in sorted(record.perceptions, key=lambda p: p.time):
        latest[p.event.id][p.observer] = p
    return dict(latest)


def harmful_events(record: RunRecord, beliefs: dict[int, dict[str, Perceived]]) -> list[Event]:
    """Kinetic acts and accidents that did harm, really or in someone's eyes."""
    return [e for e in record.events if (e.kinetic or e.effect == Effect.ACCIDENT) and (
        e.deaths or e.injuries or any(p.deaths or p.injuries for p in beliefs.get(e.id, {}).values()))]
