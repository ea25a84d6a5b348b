"""``explain``: why a run escalated, checked against the run's own record.

- For a run of the seed scenario that ends in war, the chain to its most escalated act starts
  at the scripted opening, each step answers the one before, and each step names the policy
  that fired, its type and its condition text from the scenario (the red line for an act
  enforcing a threat), and what the actor had perceived of the event it answered.
- The outcome comes with why the run ended and each threat's fate.
- A run in which nobody answered says it did not escalate; a record without events is refused.
"""

from __future__ import annotations

import re
from dataclasses import replace
from itertools import pairwise
from pathlib import Path

import pytest

import escalation
from escalation.engine.records import Event, RunRecord
from escalation.report.explain import explain
from escalation.report.trace import causal_chain
from escalation.scenario.compiled import Scenario

ROOT = Path(__file__).resolve().parents[1]
US_IRAN = ROOT / "scenarios" / "us_iran_2020.yaml"
SEED = 1
UNANSWERED = """
name: unanswered
horizon_days: 10
quiet_days: 1
actors:
  a: {}
  b: {}
assets:
  b_base: {owner: b, host: a, personnel: 0, value: 1}
initial_events:
  - {id: opening_strike, actor: a, action: strike, target: b_base, at_hours: 0}
"""
STEP = re.compile(r"^\s+(\d+)\. day .*?#(\d+)\s")


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return escalation.load_scenario(US_IRAN)


def peak(record: RunRecord) -> Event:
    return next(e for e in record.events if e.hostile and e.rung == record.max_rung)


def first_run(scenario: Scenario, outcome: str, limit: int = 300) -> RunRecord:
    """The first run ending in ``outcome`` whose peak chain enforces a threat, with events."""
    for run in range(limit):
        if escalation.simulate(scenario, SEED, run, keep_events=False).outcome != outcome:
            continue
        record = escalation.simulate(scenario, SEED, run, keep_events=True)
        if any(e.threat for e in causal_chain(record, peak(record).id)):
            return record
    raise AssertionError(f"no {outcome} run in the first {limit} runs")


@pytest.fixture(scope="module")
def war(scenario: Scenario) -> RunRecord:
    return first_run(scenario, "war")


def section(text: str, heading: str) -> list[str]:
    """The lines of the section starting with ``heading``, up to the next blank line."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(heading))
    end = next(i for i in range(start, len(lines)) if not lines[i])
    return lines[start + 1:end]


def steps(lines: list[str]) -> list[tuple[int, list[str]]]:
    """(event id, the step's lines) for each numbered step, checking the numbering."""
    found: list[tuple[int, list[str]]] = []
    for line in lines:
        match = STEP.match(line)
        if match:
            assert int(match[1]) == len(found) + 1
            found.append((int(match[2]), [line]))
        else:
            found[-1][1].append(line)
    return found


def policy_spec(scenario: Scenario, event: Event) -> object:
    actor = scenario.actor(event.actor)
    index = [p.label for p in actor.policies].index(event.policy)
    return scenario.spec.actors[event.actor].policies[index]


def test_the_chain_to_war_starts_at_the_opening_and_each_step_answers_the_last(
    scenario: Scenario, war: RunRecord,
) -> None:
    text = explain(scenario, war)
    assert text == explain(scenario, war)  # deterministic
    top = peak(war)
    assert top.rung == war.max_rung >= 8
    chain = steps(section(text, f"The most escalated act, #{top.id} "))
    ids = [event_id for event_id, _ in chain]
    assert ids == [e.id for e in reversed(causal_chain(war, top.id))]
    assert len(ids) >= 3 and ids[-1] == top.id
    by_id = {e.id: e for e in war.events}
    opening = by_id[ids[0]]
    assert opening.scripted and opening.cause is None
    assert "scripted opening" in chain[0][1][0]
    assert chain[0][1][1].strip() == f"why: the scenario's scripted opening '{opening.policy}'"
    for (previous, _), (event_id, lines) in pairwise(chain):
        assert by_id[event_id].cause == previous
        assert f"answering #{previous}" in lines[0]
        assert lines[1].strip().startswith(f"answering #{previous} ")


def test_each_step_names_its_policy_condition_and_what_its_actor_perceived(
    scenario: Scenario, war: RunRecord,
) -> None:
    text = explain(scenario, war)
    chain = steps(section(text, f"The most escalated act, #{peak(war).id} "))
    by_id = {e.id: e for e in war.events}
    enforced = 0
    for event_id, lines in chain[1:]:
        event = by_id[event_id]
        policy = next(p for p in scenario.actor(event.actor).policies if p.label == event.policy)
        spec = policy_spec(scenario, event)
        why = lines[-1].strip()
        assert why.startswith(f"why: policy {event.policy} ({policy.name}) fired; ")
        if event.threat:
            enforced += 1
            assert why.endswith(f"red_line: {spec.red_line}")  # type: ignore[attr-defined]
        else:
            assert why.endswith(f"when: {spec.when}")  # type: ignore[attr-defined]
        reports = [p for p in war.perceptions if p.observer == event.actor
                   and p.event.id == event.cause and p.time <= event.started]
        last = max(reports, key=lambda p: p.time)
        assert f"{event.actor} had perceived {last.deaths} killed, {last.injuries} injured" \
            in lines[1]
        cause = by_id[event.cause]  # type: ignore[index]
        assert f"really {cause.deaths} killed, {cause.injuries} injured" in lines[1]
    assert enforced >= 1


def test_the_outcome_says_why_the_run_ended_and_what_became_of_each_threat(
    scenario: Scenario, war: RunRecord,
) -> None:
    text = explain(scenario, war)
    assert text.splitlines()[0] == f"us_iran_2020: why run {war.run} (seed {SEED}) ended in war"
    outcome = section(text + "\n", "Outcome: ")
    assert text.count(f"Outcome: war, after {war.duration_days:.1f} days (ended by terminal") == 1
    war_condition = next(o.when for o in scenario.spec.outcomes or () if o.id == "war")
    assert f"  classified war as its condition: {war_condition}" in outcome
    assert f"  highest rung: {war.max_rung} (war)" in outcome
    labels = [p.label for a in scenario.actors for p in a.policies if p.name == "threat_then_enforce"]
    for label in labels:
        (line,) = [line for line in outcome if line.startswith(f"  threat {label}: ")]
        status = war.threats.get(label, "not_issued")
        expected = {"carried_out": "carried out", "backed_down": "backed down",
                    "pending": "no deliberation of its author found its red line",
                    "not_issued": "not issued"}
        assert expected[status] in line
    carried = [label for label, status in war.threats.items() if status == "carried_out"]
    assert carried
    for label in carried:  # by its enforcing act, or by a later policy's strike (no act named)
        act = next((e for e in war.events if e.threat == label), None)
        author = label.split(".")[0]
        assert (f"  threat {label}: carried out (#{act.id})" in outcome if act is not None else
                f"  threat {label}: carried out" in outcome and any(
                    e.actor == author and e.kinetic and not e.scripted for e in war.events))


def test_the_last_hostile_act_gets_its_own_chain_when_it_is_not_the_peak(
    scenario: Scenario,
) -> None:
    record = next(r for r in (escalation.simulate(scenario, SEED, run, keep_events=True)
                              for run in range(300))
                  if peak(r).scripted and [e for e in r.events if e.hostile][-1] != peak(r))
    text = explain(scenario, record)  # the first run whose opening is the peak, and not last
    top = peak(record)
    assert "Nothing that followed climbed higher than the opening." in text
    last = [e for e in record.events if e.hostile][-1]
    assert last.id != top.id
    chain = steps(section(text, f"The last hostile act, #{last.id} "))
    assert [i for i, _ in chain] == [e.id for e in reversed(causal_chain(record, last.id))]
    assert "It was also the last hostile act." not in text
    assert "did not escalate" not in text


def test_a_run_nobody_answered_did_not_escalate() -> None:
    scenario = escalation.load_scenario_text(UNANSWERED)
    record = escalation.simulate(scenario, 0, 0, keep_events=True)
    assert [e.scripted for e in record.events] == [True]
    text = explain(scenario, record)
    assert "This run did not escalate: no actor answered with a hostile act." in text
    (step,) = steps(section(text, "The opening:"))
    assert step[0] == 0 and "'opening_strike'" in step[1][-1]
    assert "The most escalated act" not in text
    assert "(ended by quiet: no hostile act for the quiet period of 1 day)" in text


def test_a_record_without_events_is_refused(scenario: Scenario, war: RunRecord) -> None:
    with pytest.raises(ValueError, match="keep_events=True"):
        explain(scenario, replace(war, events=(), perceptions=()))
