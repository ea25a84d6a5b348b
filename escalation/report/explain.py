"""Why did this run escalate: the chain of answers from the opening to its worst moments.

For the run's most escalated act (the first to reach its highest rung) and its last hostile
act, the chain of causes back to the opening, each step with what the acting side had
perceived of the event it answered and which of its policies fired, on which condition; then
the outcome and why the run ended as it did. A trace (``format_trace``) shows everything that
happened; this shows only what led to the escalation, and why.
"""

from __future__ import annotations

from collections import defaultdict

from escalation.engine.records import PAST, Event, Perceived, RunRecord
from escalation.model.vocabulary import Effect, ThreatStatus
from escalation.montecarlo.chunk import threat_labels
from escalation.policies.base import Policy
from escalation.policies.threat import ThreatThenEnforcePolicy
from escalation.report.trace import causal_chain, clock, event_line
from escalation.scenario.compiled import Scenario

INDENT = " " * 7
FATES: dict[str, str] = {
    ThreatStatus.PENDING: "issued, and not enforced: no deliberation of its author found its red line "
               "crossed before the run ended",
    ThreatStatus.ENFORCING: "red line crossed; being enforced when the run ended",
    ThreatStatus.CARRIED_OUT: "carried out",
    ThreatStatus.BACKED_DOWN: "backed down: its red line was crossed and it was not enforced",
    ThreatStatus.LAPSED: "lapsed before its red line was crossed",
}
ENDINGS = {
    "terminal": "a terminal outcome's condition held",
    "quiet": "no hostile act for the quiet period of {quiet}",
    "horizon": "still going at the horizon of {horizon}",
    "failed": "it reached a bound of the run, and stopped",
}
LONGEST_CHAIN = 20  # steps of a causal chain shown in full; longer ones show their two ends


def explain(scenario: Scenario, record: RunRecord) -> str:
    """The explanation as text; the same record always gives the same text.

    Needs the run's events (``simulate(..., keep_events=True)``)."""
    if not record.events and not record.error:
        raise ValueError("the run has no events to explain: simulate it with keep_events=True "
                         "(or replay it with escalation.analysis.replay.replay_run)")
    seen = _perceptions_by_actor_and_event(record.perceptions)
    lines = [f"{scenario.name}: why run {record.run} (seed {record.seed}) ended in "
             f"{record.outcome}", ""]
    hostile = [e for e in record.events if e.hostile and e.policy != PAST]  # the run's own
    if not record.events:
        lines.append("The run stopped before any act was carried out.")
    elif not any(not e.scripted for e in hostile):
        lines.append("This run did not escalate: no actor answered with a hostile act.")
        openings = [e for e in record.events if e.scripted]
        if openings:
            lines += ["", "The opening:"]
            lines += [line for i, e in enumerate(openings, 1)
                      for line in _step(scenario, e, i, seen)]
    else:
        rungs = scenario.ladder.rungs
        # Only hostile acts against another party move the ladder (see World._happened).
        peak = next((e for e in hostile if e.rung >= record.max_rung and e.target
                     and e.target != e.actor), max(hostile, key=lambda e: e.rung))
        last = hostile[-1]
        lines.append(f"The most escalated act, #{peak.id} (the first to reach rung "
                     f"{peak.rung}, {rungs[peak.rung]}), and the chain that led to it:")
        lines += _chain(scenario, record, peak, seen)
        if peak.scripted:
            lines.append("Nothing that followed climbed higher than the opening.")
        lines.append("")
        if last.id == peak.id:
            lines.append("It was also the last hostile act.")
        else:
            lines.append(f"The last hostile act, #{last.id} (rung {last.rung}, "
                         f"{rungs[last.rung]}), and the chain that led to it:")
            lines += _chain(scenario, record, last, seen)
    lines.append("")
    lines += _outcome(scenario, record)
    return "\n".join(lines) + "\n"


def _chain(scenario: Scenario, record: RunRecord, event: Event,
           seen: dict[tuple[str, int], list[Perceived]]) -> list[str]:
    steps = list(reversed(causal_chain(record, event.id)))
    numbered = list(enumerate(steps, 1))
    if len(steps) > LONGEST_CHAIN:  # a runaway run's chain can be thousands of acts long
        head, tail = LONGEST_CHAIN // 4, LONGEST_CHAIN - LONGEST_CHAIN // 4
        skipped = len(steps) - head - tail
        return [*(line for i, e in numbered[:head] for line in _step(scenario, e, i, seen)),
                f"{'':>4}  ... {skipped:,} more steps ...",
                *(line for i, e in numbered[-tail:] for line in _step(scenario, e, i, seen))]
    return [line for i, e in numbered for line in _step(scenario, e, i, seen)]


def _step(scenario: Scenario, event: Event, number: int,
          seen: dict[tuple[str, int], list[Perceived]]) -> list[str]:
    lines = [f"{number:>4}. {event_line(scenario, event).strip()}"]
    if event.cause is not None:
        lines.append(INDENT + _perceived(event, seen.get((event.actor, event.cause), [])))
    lines.append(INDENT + _why(scenario, event))
    return lines


def _perceived(event: Event, reports: list[Perceived]) -> str:
    """What the actor knew of the event it answered when it decided (its latest report)."""
    known = [p for p in reports if p.time <= event.started + 1e-9]
    if not known:
        return f"answering #{event.cause}, of which {event.actor} had no report yet"
    p = known[-1]
    cause = p.event
    lag = p.time - cause.time
    text = (f"answering #{event.cause} ({cause.actor} {cause.kind}): {event.actor} had "
            f"perceived {p.deaths} killed, {p.injuries} injured "
            f"({'a later disclosure, ' if p.update else ''}{clock(p.time).strip()}, "
            f"{lag:.1f} h after it happened)")
    if cause.kinetic or cause.effect == Effect.ACCIDENT:
        text += f"; really {cause.deaths} killed, {cause.injuries} injured"
    return text


def _why(scenario: Scenario, event: Event) -> str:
    """Which policy (or script, initiative, accident) produced the event, on what condition."""
    if event.scripted:
        return f"why: the scenario's scripted opening '{event.policy}'"
    if event.policy.startswith("accident:"):
        return f"why: an accident ({event.policy[9:]}), more likely while tension is high"
    if event.policy == "relays_warnings":
        return f"why: {event.actor} relays warnings it receives to their target"
    actor = scenario.actor(event.actor)
    policy = next((p for p in actor.policies if p.label == event.policy), None)
    if policy is None:
        if any(i.id == event.policy for i in actor.initiatives):
            return (f"why: initiative {event.policy}: acts at random while tension is high enough "
                    f"(tension then {event.tension:.2f})")
        return f"why: {event.policy}"
    field, condition = _condition(scenario, event, policy)
    return f"why: policy {policy.label} ({policy.name}) fired; {field}: {condition}"


def _condition(scenario: Scenario, event: Event, policy: Policy) -> tuple[str, str]:
    """The name and text of the condition that made the policy act: the red line for an act
    enforcing a threat, ``issue_when`` for the threat itself, else its ``when``."""
    if isinstance(policy, ThreatThenEnforcePolicy):
        if event.threat:
            return "red_line", policy.red_line.text
        if event.effect == Effect.THREAT:
            return "issue_when", policy.issue_when.text
    actor = scenario.actor(event.actor)
    spec = scenario.spec.actors[actor.id].policies[actor.policies.index(policy)]
    return ("when" if spec.when is not None else "when (default)"), policy.trigger.text


def _outcome(scenario: Scenario, record: RunRecord) -> list[str]:
    spec = scenario.spec
    ending = ENDINGS.get(record.ended_by, record.ended_by).format(quiet=_days(spec.quiet_days),
                                                                  horizon=_days(spec.horizon_days))
    lines = [f"Outcome: {record.outcome}, after {record.duration_days:.1f} days "
             f"(ended by {record.ended_by}: {ending})."]
    if record.error:
        lines.append(f"  why it stopped: {record.error}")
    condition = next((o.condition.text for o in scenario.outcomes if o.id == record.outcome), None)
    if condition is not None:
        which = "its condition" if record.ended_by == "terminal" else \
            "the first outcome class whose condition holds"
        lines.append(f"  classified {record.outcome} as {which}: {condition}")
    lines.append(f"  highest rung: {record.max_rung} ({scenario.ladder.rungs[record.max_rung]})")
    deaths = ", ".join(f"{side} {n}" for side, n in record.deaths.items() if n) or "none"
    lines.append(f"  killed by hostile acts: {deaths}"
                 + (f"; accidents killed {record.accident_deaths}" if record.accident_deaths else ""))
    enforced = {e.threat: e.id for e in record.events if e.threat}
    for label in threat_labels(scenario):
        status = record.threats.get(label, ThreatStatus.NOT_ISSUED)
        fate = FATES.get(status, status.replace("_", " "))
        if label in enforced and status == ThreatStatus.CARRIED_OUT:
            fate += f" (#{enforced[label]})"
        lines.append(f"  threat {label}: {fate}")
    return lines


def _days(days: float) -> str:
    return f"{days:g} day" + ("" if days == 1 else "s")


def _perceptions_by_actor_and_event(perceptions: tuple[Perceived, ...]
                                    ) -> dict[tuple[str, int], list[Perceived]]:
    grouped: dict[tuple[str, int], list[Perceived]] = defaultdict(list)
    for p in sorted(perceptions, key=lambda p: p.time):
        grouped[(p.observer, p.event.id)].append(p)
    return grouped
