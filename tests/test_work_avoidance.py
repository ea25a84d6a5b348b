"""Work avoidance (engine/avoidance.py): a report no policy of a lane could act on is not
deliberated on, and runs are the same draw for draw.

Checked by hand on toys (``World.deliberations`` counts the deliberations held on something to
decide), and on generated scenarios against runs with avoidance off
(``ESCALATION_AVOID_WORK=0``): the same records, events and perceptions.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import escalation
from escalation import RunRecord, Scenario
from escalation.engine.avoidance import STATIC_NAMES
from escalation.engine.simulate import run_values, run_world
from escalation.engine.world import World
from escalation.model.namespace import PERCEIVED, policy_names
from escalation.model.streams import run_seed
from escalation.policies.base import Context, Policy, Response
from escalation.policies.rule import RulePolicy
from escalation.scenario.conditions import UNKNOWN, parse_condition, partial
from tests.strategies import scenarios
from tests.toys import crisis, opening, prompt

SWITCH = "ESCALATION_AVOID_WORK"
POLICY_NAMES = policy_names((), ())
# what a report fixes but verdicts leave unknown: measures, many values each (a verdict per value
# would fill the cache for nothing)
MEASURES = {"perceived.deaths", "perceived.injuries", "perceived.harm", "perceived.value_lost",
            "perceived.economic_loss", "perceived.salvo", "perceived.hits"}


@contextmanager
def avoiding(on: bool) -> Iterator[None]:
    """Runs made inside skip pointless deliberations (``on``) or hold every one."""
    before = os.environ.get(SWITCH)
    os.environ[SWITCH] = "1" if on else "0"
    try:
        yield
    finally:
        if before is None:
            del os.environ[SWITCH]
        else:
            os.environ[SWITCH] = before


def played(scenario: Scenario, on: bool, seed: int = 0) -> World:
    with avoiding(on):
        own = run_seed(seed, 0)
        return run_world(scenario, own, run_values(scenario, own).tolist(), keep_events=True)


def simulated(scenario: Scenario, on: bool, seed: int = 0, keep_events: bool = True) -> RunRecord:
    with avoiding(on):
        return escalation.simulate(scenario, seed=seed, keep_events=keep_events)


def test_every_perceived_name_is_static_or_a_measure() -> None:
    """A name added to what actors perceive must be placed: static (and then in the key), or
    left unknown to verdicts."""
    assert set(STATIC_NAMES) | MEASURES == set(PERCEIVED)
    assert not set(STATIC_NAMES) & MEASURES


# -- three-valued partial evaluation -------------------------------------------------------
@pytest.mark.parametrize(("text", "known", "value"), [
    ("perceived.by_me and own.credibility > 0.5", {"perceived.by_me": False}, False),
    ("perceived.by_me and own.credibility > 0.5", {"perceived.by_me": True}, UNKNOWN),
    ("perceived.by_me or own.credibility > 0.5", {"perceived.by_me": True}, True),
    ("not perceived.update and perceived.deaths > 0", {"perceived.update": True}, False),
    ("perceived.kind in ['strike', 'campaign']", {"perceived.kind": "criticize"}, False),
    ("perceived.kind not in ['strike']", {"perceived.kind": "criticize"}, True),
    ("perceived.rung + 1 >= 3", {"perceived.rung": 2.0}, True),
    ("max(perceived.rung, tension) >= 3", {"perceived.rung": 5.0}, UNKNOWN),
    ("not (tension > 1)", {}, UNKNOWN),
])
def test_partial_evaluation_is_three_valued(text: str, known: dict[str, Any],
                                            value: object) -> None:
    expression = parse_condition(text, POLICY_NAMES)
    assert partial(expression.tree, known) is value
    assert expression.could_hold(known) is (value is not False)


TEXTS = ("perceived.hostile and (perceived.against_me or tension > 2)",
         "not perceived.update or own.credibility < 0.5 and perceived.rung >= 3",
         "perceived.rung * 2 - tension / 0 > 1 or not perceived.by_me")


@given(text=st.sampled_from(TEXTS), hostile=st.booleans(), against=st.booleans(),
       update=st.booleans(), by_me=st.booleans(), rung=st.integers(0, 9),
       tension=st.floats(0, 10), credibility=st.floats(0, 1), reveal=st.sets(st.integers(0, 6)))
def test_partial_evaluation_agrees_with_evaluate_where_it_knows(
        text: str, hostile: bool, against: bool, update: bool, by_me: bool, rung: int,
        tension: float, credibility: float, reveal: set[int]) -> None:
    expression = parse_condition(text, POLICY_NAMES)
    names = {"perceived.hostile": hostile, "perceived.against_me": against,
             "perceived.update": update, "perceived.by_me": by_me,
             "perceived.rung": float(rung), "tension": tension, "own.credibility": credibility}
    known = {name: value for index, (name, value) in enumerate(names.items()) if index in reveal}
    value = partial(expression.tree, known)
    assert value is UNKNOWN or value == expression.evaluate(names)


# -- toys: deliberations held ----------------------------------------------------------------
ANSWERS_STRIKES = [{"when": "perceived.kind == 'strike' and not perceived.update",
                    "do": {"action": "sanctions", "target": "offender"}}]
ANSWERS_CRITICISM = [{"when": "perceived.kind == 'criticize' and not perceived.update",
                      "clock": "deliberation",
                      "do": {"action": "statement", "target": "offender"}}]


def test_a_report_no_policy_could_act_on_is_not_deliberated_on() -> None:
    """a criticises b; b answers only strikes, and a has no policies: nothing could be
    decided, so nothing is deliberated on (without avoidance: b's deliberation and a's
    follow-up of its own act)."""
    scenario = crisis({"a": prompt(), "b": prompt(policies=ANSWERS_STRIKES)},
                      initial_events=[opening("a", "criticize", "b")])
    assert played(scenario, on=True).deliberations == 0
    assert played(scenario, on=False).deliberations == 2


def test_only_the_lane_that_could_act_deliberates() -> None:
    """b answers criticism: b deliberates on a's act (1); a's follow-up of its criticism and
    a's hearing of b's statement could decide nothing (a has no policies), and b's follow-up
    of its own statement neither (its rule answers criticism only)."""
    scenario = crisis({"a": prompt(), "b": prompt(policies=ANSWERS_CRITICISM)},
                      initial_events=[opening("a", "criticize", "b")])
    on, off = played(scenario, on=True), played(scenario, on=False)
    assert on.deliberations == 1
    assert off.deliberations == 4
    assert [(e.actor, e.kind, e.started) for e in on.events] == \
        [(e.actor, e.kind, e.started) for e in off.events] == \
        [("a", "criticize", 0.0), ("b", "statement", 1.0)]


def test_news_that_matters_joins_the_deliberation_skipped_news_started() -> None:
    """b takes 10 hours to decide. a's statement at hour 0 could decide nothing but starts b's
    deliberation; a's criticism at hour 4 joins it: b answers at hour 10, not 14."""
    b = prompt(deliberation_hours=10, policies=ANSWERS_CRITICISM)
    scenario = crisis({"a": prompt(), "b": b}, initial_events=[
        opening("a", "statement", "b"), opening("a", "criticize", "b", at=4)])
    for on in (True, False):
        assert [e.started for e in played(scenario, on).events if e.actor == "b"] == [10.0]
    assert played(scenario, on=True).deliberations == 1  # b's: the only one held


def test_a_deliberation_ends_before_news_that_arrives_at_its_last_moment() -> None:
    """b takes 10 hours to decide. a's statement at hour 0 starts b's deliberation, which
    nothing joins; a's statement at hour 10 arrives as it ends, after it in SimPy's order, and
    starts the next (hours 10 to 20), which a's criticism at hour 15 joins: b answers at hour
    20, whether or not the first deliberation was ever put on the clock."""
    answers = [{**ANSWERS_CRITICISM[0], "do": {"action": "criticize", "target": "offender"}}]
    b = prompt(deliberation_hours=10, policies=answers)
    scenario = crisis({"a": prompt(), "b": b}, initial_events=[
        opening("a", "statement", "b"), opening("a", "statement", "b", at=10),
        opening("a", "criticize", "b", at=15)])
    for on, keep in ((True, False), (True, True), (False, False)):
        record = simulated(scenario, on, keep_events=keep)  # b's first hostile act: its answer
        assert record.first_act_days["b"] * 24 == pytest.approx(20.0)


def test_news_sent_before_a_deliberation_began_arrives_before_its_end_at_the_same_moment() -> None:
    """a kills b's people at hour 0, half of the deaths disclosed at once, all at hour 10. c
    answers revisions only, and takes 10 hours to decide: the first report starts its
    deliberation (hours 0 to 10) without joining it; the revision, sent at hour 0 before that
    deliberation began, comes before its end in SimPy's order at hour 10, joins it, and c
    answers at hour 10 (not at 20, from a deliberation of its own)."""
    kill = {"effect": "killing", "goldstein": -5, "rung": 1, "success_probability": 1}
    c = prompt(deliberation_hours=10, policies=[
        {"when": "perceived.update", "clock": "deliberation",
         "do": {"action": "criticize", "target": "offender"}}])
    stages = [{"after_hours": 0, "share": 0.5}, {"after_hours": 10, "share": 1}]
    scenario = crisis({"a": prompt(), "b": prompt(disclosure={"deaths": stages}), "c": c},
                      action_kinds={"hit": kill}, assets={"b_base": {"owner": "b", "personnel": 4}},
                      initial_events=[opening("a", "hit", "b_base")])
    for on, keep in ((True, False), (True, True), (False, False)):
        record = simulated(scenario, on, keep_events=keep)  # c's first hostile act: its answer
        assert record.first_act_days["c"] * 24 == pytest.approx(10.0)


def test_a_deliberation_with_nothing_to_decide_still_takes_its_time() -> None:
    """b deliberates for 100 hours on a criticism it has no policy about: it asks no policy,
    but the run still waits for it (a quiet day after the act would be hour 24)."""
    scenario = crisis({"a": prompt(), "b": prompt(deliberation_hours=100)}, quiet_days=1,
                      initial_events=[opening("a", "criticize", "b")])
    assert played(scenario, on=True).deliberations == 0
    assert simulated(scenario, on=True).duration_days * 24 == 100.0


# -- toys: policies that keep state on reports they do not act on ---------------------------
def acts_of(scenario: Scenario, actor: str) -> list[tuple[str, float]]:
    """``actor``'s acts (kind, hour started), the same with and without avoidance."""
    on, off = (simulated(scenario, flag) for flag in (True, False))
    assert on.events == off.events
    return [(e.kind, e.started) for e in on.events if e.actor == actor]


def test_a_threat_that_expires_is_asked_on_every_report() -> None:
    """b threatens a when criticised (hour 1), its red line a strike, expiring after a day;
    a's statement at hour 48 is about nothing b's policy reads, but b deliberating on it finds
    the threat expired: lapsed, not pending."""
    threat = {"policy": "threat_then_enforce", "id": "t",
              "issue_when": "perceived.kind == 'criticize'",
              "threat": {"action": "threat", "target": "a"},
              "red_line": "perceived.kind == 'strike'",
              "enforce": {"action": "sanctions", "target": "a"}, "expires_after_days": 1}
    scenario = crisis({"a": prompt(), "b": prompt(policies=[threat])}, initial_events=[
        opening("a", "criticize", "b"), opening("a", "statement", "b", at=48)])
    assert acts_of(scenario, "b") == [("threat", 1.0)]
    assert simulated(scenario, on=True).threats == {"b.t": "lapsed"}


def test_a_stand_down_is_re_engaged_by_news_no_other_policy_reads() -> None:
    """b answers each criticism with sanctions, and stands down at the first criticism after
    one answer (hour 11); a's statement at hour 20 re-engages it, so b answers the criticism
    of hour 30 again (without the statement it would hold back)."""
    stand_down = {"policy": "stand_down_when_satisfied", "id": "s", "answers": 1,
                  "when": "perceived.kind == 'criticize'",
                  "reengage_when": "perceived.kind == 'statement'",
                  "declaration": {"action": "stand_down", "target": "a"}}
    answer = {"when": "perceived.kind == 'criticize'",
              "do": {"action": "sanctions", "target": "a"}}
    scenario = crisis({"a": prompt(), "b": prompt(policies=[stand_down, answer])},
                      initial_events=[opening("a", "criticize", "b", at=hour)
                                      for hour in (0, 10, 30)]
                      + [opening("a", "statement", "b", at=20)])
    assert acts_of(scenario, "b") == [("sanctions", 1.0), ("stand_down", 11.0),
                                      ("sanctions", 31.0)]


def test_tit_for_tat_makes_peace_on_news_its_trigger_ignores() -> None:
    """b answers a's criticism (hour 1) and remembers a as an opponent; a's stand-down at
    hour 5 is not hostile, but b answers it with a ceasefire."""
    tit_for_tat = {"policy": "tit_for_tat", "generosity": 0,
                   "response": {"action": "criticize", "target": "offender"},
                   "conciliation": {"action": "ceasefire", "target": "offender"}}
    scenario = crisis({"a": prompt(), "b": prompt(policies=[tit_for_tat])}, initial_events=[
        opening("a", "criticize", "b"), opening("a", "stand_down", "b", at=5)])
    assert acts_of(scenario, "b") == [("criticize", 1.0), ("ceasefire", 6.0)]


class AskedRule(RulePolicy):
    """A rule that redefines how it responds (and not what it could act on)."""

    def respond(self, ctx: Context) -> Response | None:
        return super().respond(ctx)


def test_a_policy_that_redefines_respond_is_always_asked() -> None:
    rule = parse_condition("perceived.kind == 'strike'", POLICY_NAMES)
    never = {"perceived.kind": "criticize"}
    assert not RulePolicy("r", rule, 0, (), True).could_act(never)
    assert AskedRule("r", rule, 0, (), True).could_act(never)
    assert AskedRule.could_act is Policy.could_act


# -- generated scenarios: the same runs ------------------------------------------------------
def summary(record: RunRecord) -> dict[str, Any]:
    """The record's row, NaN (never happened) made comparable."""
    return {k: "NaN" if isinstance(v, float) and math.isnan(v) else v
            for k, v in record.summary().items()}


@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=scenarios(), seed=st.integers(0, 2**63))
def test_avoidance_changes_no_run(data: dict[str, Any], seed: int) -> None:
    scenario = escalation.scenario_from_dict(data)
    on, off = simulated(scenario, True, seed), simulated(scenario, False, seed)
    assert on.events == off.events
    assert on.perceptions == off.perceptions
    assert summary(on) == summary(off)


@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=scenarios(), seed=st.integers(0, 2**62))
def test_news_no_one_heeds_changes_no_run_when_events_are_not_kept(data: dict[str, Any],
                                                                   seed: int) -> None:
    """Without events kept (batches), news no lane could act on is only timed, not perceived,
    and not scheduled at all where every lane it reaches deliberates past its arrival; and a
    deliberation nothing joins is not scheduled: the same runs as every report joining."""
    scenario = escalation.scenario_from_dict(data)  # its verdicts, learnt run after run
    for run in range(8):
        lean = simulated(scenario, True, seed + run, keep_events=False)
        full = simulated(scenario, False, seed + run)
        assert summary(lean) == summary(full)
