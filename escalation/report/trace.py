"""One run as a readable timeline: what happened, what each side perceived, and why."""

from __future__ import annotations

from collections import defaultdict

from escalation.engine.records import PAST, Event, Perceived, RunRecord
from escalation.model.vocabulary import UNKNOWN_AUTHOR, Effect
from escalation.scenario.compiled import Scenario

_LONGEST_CHAIN = 12  # links of a causal chain shown in full


def clock(hours: float) -> str:
    """'day 4 18:57': days and hours since the start of the crisis."""
    minutes = round(hours * 60)
    days, rest = divmod(minutes, 24 * 60)
    return f"day {days:>2} {rest // 60:02d}:{rest % 60:02d}"


def format_trace(scenario: Scenario, record: RunRecord) -> str:
    """The whole run as text; the same record always gives the same text."""
    seen = _perceptions_by_event(record.perceptions)
    lines = [
        f"{scenario.name}: {scenario.spec.title}".rstrip(": "),
        f"seed {record.seed}, run {record.run}"
        + (f"; t = 0 is {scenario.spec.start}" if scenario.spec.start else ""),
    ]
    if record.parameters:
        lines.append("drawn for this run: " + ", ".join(
            f"{name} = {value:.3g}" for name, value in sorted(record.parameters.items())))
    lines.append("")
    for event in record.events:
        lines.append(event_line(scenario, event))
        lines.extend(_perception_lines(event, seen.get(event.id, [])))
    lines.append("")
    lines.extend(_verdict(scenario, record))
    return "\n".join(lines) + "\n"


def causal_chain(record: RunRecord, event_id: int) -> list[Event]:
    """The event and, going back, each event that caused it, to the opening."""
    by_id = {event.id: event for event in record.events}
    chain: list[Event] = []
    current: int | None = event_id
    while current is not None and current in by_id:
        chain.append(by_id[current])
        current = by_id[current].cause
    return chain


def _perceptions_by_event(perceptions: tuple[Perceived, ...]) -> dict[int, list[Perceived]]:
    grouped: dict[int, list[Perceived]] = defaultdict(list)
    for perceived in perceptions:
        grouped[perceived.event.id].append(perceived)
    return grouped


def event_line(scenario: Scenario, e: Event) -> str:
    target = e.asset or e.target or "(public)"
    if e.asset:
        asset = scenario.assets[e.asset]
        target = f"{e.asset} ({asset.owner}, in {asset.host})"
    why = "before t = 0" if e.policy == PAST else "scripted opening" if e.scripted else \
        f"by {e.policy}"
    if e.appears_as:
        why += "; deniable" if e.appears_as == UNKNOWN_AUTHOR else f"; appears to be by {e.appears_as}"
    if e.cause is not None:
        why += f", answering #{e.cause}"
    if e.threat:
        why += f", enforcing threat {e.threat}"
    return (f"{clock(e.time)}  #{e.id:<3} {e.actor:<17} {e.kind:<17} {target:<34} "
            f"{_outcome_text(e)}  [rung {e.rung}; {why}]")


def _outcome_text(e: Event) -> str:
    if e.policy == PAST:  # what is known of it, as the scenario tells it
        counts = f"{e.deaths} killed, {e.injuries} injured" if e.deaths or e.injuries else ""
        return "; ".join(part for part in (counts, f'"{e.note}"' if e.note else "") if part)
    if e.effect == Effect.STRIKE:
        parts = [f"{e.salvo} fired", f"{e.failed} failed", f"{e.intercepted} intercepted",
                 f"{e.hits} hit"]
        if e.warned:
            parts.append("target warned")
        return ", ".join(parts) + f"; {e.deaths} killed, {e.injuries} injured"
    if e.effect == Effect.KILLING:
        return f"killed {e.deaths}" if e.hits else "failed"
    if e.effect == Effect.ACCIDENT:
        return f"{e.deaths} killed" + (f" ({e.note})" if e.note else "")
    return f'"{e.note}"' if e.note else ""


def _perception_lines(event: Event, perceived: list[Perceived]) -> list[str]:
    if not (event.kinetic or event.effect == Effect.ACCIDENT):
        return []
    lines = []
    for p in sorted(perceived, key=lambda p: (p.time, p.observer)):
        lag = p.time - event.time
        verb = "learns who did it" if p.verified else "learns later" if p.update else "perceives"
        lines.append(f"{'':16}{p.observer} {verb} {p.deaths} killed, {p.injuries} injured"
                     f"{_blame(event, p)} ({clock(p.time).strip()}, {lag:.1f} h after)")
    return lines


def _blame(event: Event, p: Perceived) -> str:
    """Who the observer blames, where it is not plain: a disguised act, or a verification."""
    if not event.appears_as or p.observer == event.actor:
        return ""
    return f", blames {p.author}" if p.author else ", cannot tell who did it"


def _verdict(scenario: Scenario, record: RunRecord) -> list[str]:
    rung_name = scenario.ladder.rungs[record.max_rung]
    deaths = ", ".join(f"{k} {v}" for k, v in record.deaths.items() if v) or "none"
    injuries = ", ".join(f"{k} {v}" for k, v in record.injuries.items() if v) or "none"
    lines = [
        f"outcome: {record.outcome} (ended by {record.ended_by} after "
        f"{record.duration_days:.1f} days)",
        *([f"the run failed: {record.error}"] if record.error else []),
        f"highest rung: {record.max_rung} ({rung_name}); peak tension {record.max_tension:.2f}",
        f"killed by hostile acts: {deaths}; injured: {injuries}"
        + (f"; accidents killed {record.accident_deaths}" if record.accident_deaths else ""),
    ]
    for label, status in sorted(record.threats.items()):
        lines.append(f"threat {label}: {status.replace('_', ' ')}")
    hostile = [e for e in record.events if e.hostile and not e.scripted]
    if hostile:
        links = [f"#{e.id} {e.actor} {e.kind}" for e in causal_chain(record, hostile[-1].id)]
        if len(links) > _LONGEST_CHAIN:  # a runaway run's chain can be thousands of acts long
            links[_LONGEST_CHAIN - 1:-1] = [f"({len(links) - _LONGEST_CHAIN:,} more)"]
        lines.append("chain to the last hostile act: " + " <- ".join(links))
    return lines
