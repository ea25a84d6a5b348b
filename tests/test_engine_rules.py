"""The engine's rules, each checked through ``simulate`` on a scenario built to show it: the
ladder (docs/scenario-format.md 2.12), the counts a run keeps (2.15), tension (2.13) and how a
run ends (2.16). Every expectation is exact by construction: actors hear at once and exactly,
killings always succeed, and nothing drawn decides what is checked."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import escalation
from escalation import Event, RunRecord, Scenario
from escalation.engine.simulate import run_world
from tests.toys import crisis, opening, prompt

TEN_RUNGS = [{"name": f"rung_{i}"} for i in range(10)]  # rungs 0..9: any threshold fits


def kill(rung: int = 1, goldstein: float = -5, **fields: object) -> dict[str, object]:
    """A kind of act that always kills everyone at its target, instantly."""
    return {"effect": "killing", "goldstein": goldstein, "rung": rung,
            "success_probability": 1, **fields}


def ladder(killed: int = 2, struck: int = 3, mutual: int = 7) -> dict[str, object]:
    return {"rungs": TEN_RUNGS, "nationals_killed": killed, "homeland_struck": struck,
            "mutual_homeland": mutual}


def run(scenario: Scenario, seed: int = 0) -> RunRecord:
    return escalation.simulate(scenario, seed=seed)


def of_kind(record: RunRecord, kind: str) -> list[Event]:
    return [e for e in record.events if e.kind == kind]


# -- the ladder -------------------------------------------------------------------------
@settings(max_examples=60, deadline=None)
@given(base=st.integers(0, 9), killed=st.integers(0, 9), struck=st.integers(0, 9),
       people=st.integers(0, 3), state=st.booleans(), homeland=st.booleans(),
       hour=st.integers(0, 48))
def test_deaths_of_a_states_nationals_and_homeland_strikes_lift_an_acts_rung(
    base: int, killed: int, struck: int, people: int, state: bool, homeland: bool, hour: int
) -> None:
    """An act's rung is its kind's, at least ``nationals_killed`` when it killed nationals
    of a state, at least ``homeland_struck`` when it hit its target's own soil; the crisis
    reaches every rung up to it on the day it happens."""
    scenario = crisis(
        {"a": prompt(), "b": prompt(kind="state" if state else "non_state"), "c": prompt()},
        ladder=ladder(killed, struck, mutual=9),
        action_kinds={"hit": kill(base)},
        assets={"target": {"owner": "b", "host": "b" if homeland else "c", "personnel": people}},
        initial_events=[opening("a", "hit", "target", at=hour)],
    )
    record = run(scenario)
    (hit,) = of_kind(record, "hit")
    expected = base
    if people and state:
        expected = max(expected, killed)
    if homeland:
        expected = max(expected, struck)
    assert (hit.deaths, hit.homeland) == (people, homeland)
    assert hit.rung == record.max_rung == expected
    assert record.rung_days == {rung: hour / 24 for rung in range(1, expected + 1)}
    assert record.homeland_strikes == int(homeland)


def test_a_homeland_strike_that_hits_nothing_is_no_homeland_strike() -> None:
    """Homeland means hits on home soil: a salvo that all fails leaves the kind's rung."""
    scenario = crisis(
        {"a": prompt(), "b": prompt()}, ladder=ladder(),
        action_kinds={"dud": {"effect": "strike", "goldstein": -5, "rung": 1, "salvo": 4,
                              "failure_probability": 1}},
        assets={"home": {"owner": "b", "personnel": 10}},
        initial_events=[opening("a", "dud", "home")],
    )
    record = run(scenario)
    (dud,) = of_kind(record, "dud")
    assert (dud.salvo, dud.failed, dud.hits, dud.homeland) == (4, 4, 0, False)
    assert dud.rung == record.max_rung == 1
    assert record.homeland_strikes == 0


@pytest.mark.parametrize(("second", "mutual"), [
    (("b", "a_home"), True),     # b answers on a's soil: both have struck each other's homeland
    (("b", "a_abroad"), False),  # b strikes a abroad
    (("c", "a_home"), False),    # a third party strikes a's soil
    (("a", "b_home"), False),    # a strikes b's soil again
])
def test_mutual_homeland_strikes_lift_the_pair_to_mutual_homeland(
    second: tuple[str, str], mutual: bool
) -> None:
    scenario = crisis(
        {"a": prompt(), "b": prompt(), "c": prompt()}, ladder=ladder(killed=2, struck=3, mutual=7),
        action_kinds={"hit": kill(1)},
        assets={"a_home": {"owner": "a"}, "a_abroad": {"owner": "a", "host": "c"},
                "b_home": {"owner": "b"}},
        initial_events=[opening("a", "hit", "b_home"), opening(*second[:1], "hit", second[1], at=5)],
    )
    record = run(scenario)
    first, answer = of_kind(record, "hit")
    assert first.rung == 3
    assert answer.rung == (7 if mutual else 1 if second[1] == "a_abroad" else 3)
    assert record.max_rung == (7 if mutual else 3)
    assert (7 in record.rung_days) == mutual


@pytest.mark.parametrize(("war_deaths", "war"), [(5, True), (6, False)])
def test_deaths_between_a_pair_reaching_war_deaths_lift_the_act_to_the_top_rung(
    war_deaths: int, war: bool
) -> None:
    """a kills three of b's, b two of a's: five dead between them, both ways counted."""
    scenario = crisis(
        {"a": prompt(), "b": prompt()}, ladder={**ladder(), "war_deaths": war_deaths},
        action_kinds={"hit": kill(1)},
        assets={"a_base": {"owner": "a", "host": "b", "personnel": 2},
                "b_base": {"owner": "b", "host": "a", "personnel": 3}},
        initial_events=[opening("a", "hit", "b_base"), opening("b", "hit", "a_base", at=5)],
    )
    record = run(scenario)
    assert [e.rung for e in of_kind(record, "hit")] == [2, 9 if war else 2]
    assert record.max_rung == (9 if war else 2)


def test_a_lesser_act_does_not_lower_the_pairs_rung() -> None:
    rule = {"when": "perceived.kind == 'criticize' and pair_rung == 4",
            "do": {"action": "statement", "target": None, "note": "still four"}}
    scenario = crisis({"a": prompt(), "b": prompt(policies=[rule])}, ladder=ladder(),
                      action_kinds={"hit": kill(4)}, assets={"b_base": {"owner": "b", "host": "a"}},
                      initial_events=[opening("a", "hit", "b_base"),
                                      opening("a", "criticize", "b", at=5)])
    record = run(scenario)
    assert [e.rung for e in record.events if e.actor == "a"] == [4, 1]
    assert [e.note for e in record.events if e.actor == "b"] == ["still four"]


def test_the_pair_rung_is_the_same_whichever_side_asks() -> None:
    """``pair_rung`` is the rung between the deciding actor and the perceived actor, whatever
    their order; an actor with no exchange with the perceived actor reads 0."""
    def answer(rung: int) -> list[dict[str, object]]:
        return [{"when": f"perceived.actor == 'zulu' and pair_rung == {rung}",
                 "do": {"action": "statement", "target": None, "note": f"rung {rung}"}}]

    scenario = crisis(
        {"alpha": prompt(policies=answer(3)), "zulu": prompt(), "mike": prompt(policies=answer(0))},
        ladder=ladder(), action_kinds={"hit": kill(1)},
        assets={"alpha_home": {"owner": "alpha"}},
        initial_events=[opening("zulu", "hit", "alpha_home")],
    )
    notes = {(e.actor, e.note) for e in of_kind(run(scenario), "statement")}
    assert notes == {("alpha", "rung 3"), ("mike", "rung 0")}


@pytest.mark.parametrize("act", [
    opening("a", "criticize", None),     # hostile, but aimed at no one
    opening("a", "stand_down", "b"),     # aimed, but not hostile
    opening("a", "hit", "a_home"),       # hostile, at its own asset
])
def test_acts_not_aimed_at_another_in_hostility_leave_the_ladder_alone(
    act: dict[str, object]
) -> None:
    scenario = crisis({"a": prompt(), "b": prompt()}, ladder=ladder(),
                      action_kinds={"hit": kill(4)}, assets={"a_home": {"owner": "a", "personnel": 1}},
                      initial_events=[act])
    record = run(scenario)
    (event,) = record.events
    assert event.rung == scenario.kinds[str(act["action"])].rung
    assert record.max_rung == 0 and record.rung_days == {}


# -- the counts -------------------------------------------------------------------------
KINDS = ("criticize", "threat", "sanctions", "stand_down", "statement", "hit", "dud")
TARGETS = {"hit": "b_home", "dud": "b_abroad"}


@settings(max_examples=40, deadline=None)
@given(acts=st.lists(st.tuples(st.sampled_from(("a", "b")), st.sampled_from(KINDS)),
                     min_size=1, max_size=14))
def test_counts_are_the_sums_over_the_acts(acts: list[tuple[str, str]]) -> None:
    """Every count of the record is what its definition gives over the run's events (all
    scripted here: none is a response); the path lists the first ten moves, then '…'."""
    scenario = crisis(
        {"a": prompt(), "b": prompt()}, ladder=ladder(),
        action_kinds={"hit": kill(4), "dud": {"effect": "strike", "goldstein": -3, "rung": 2,
                                              "salvo": 2, "failure_probability": 1}},
        assets={"b_home": {"owner": "b", "personnel": 2}, "b_abroad": {"owner": "b", "host": "a"}},
        initial_events=[opening(actor, kind, TARGETS.get(kind, "b" if actor == "a" else "a"),
                                at=i) for i, (actor, kind) in enumerate(acts)],
    )
    record = run(scenario)
    events = record.events
    assert [(e.actor, e.kind) for e in events] == acts
    moves = [f"{actor}:{kind}" for actor, kind in acts]
    assert record.path == " > ".join(moves if len(moves) <= 10 else [*moves[:10], "…"])
    assert record.hostile_acts == sum(e.hostile for e in events)
    assert record.kinetic_acts == sum(kind in TARGETS for _, kind in acts)
    assert record.kinetic_responses == 0
    assert record.stand_downs == acts.count(("a", "stand_down")) + acts.count(("b", "stand_down"))
    assert record.threats_made == sum(kind == "threat" for _, kind in acts)
    assert record.homeland_strikes == sum(kind == "hit" for _, kind in acts)
    assert record.deaths == {"a": 0, "b": 2 * sum(kind == "hit" for _, kind in acts)}
    assert record.injuries == {"a": 0, "b": 0}


def holds(condition: str) -> list[dict[str, object]]:
    """Outcome classes that tell whether ``condition`` holds at the end of a run."""
    return [{"id": "holds", "when": condition}, {"id": "other", "when": "true"}]


@pytest.mark.parametrize("condition", [
    "responses.b == 2", "responses.a == 0", "kinetic_responses == 1", "kinetic_acts == 2",
    "hostile_acts == 4", "not stood_down.b", "stood_down.a",
])
def test_answers_count_as_responses_and_openings_do_not(condition: str) -> None:
    """a opens with a sanction and a killing (scripted: no responses), then stands down; b
    answers the sanction with sanctions and the killing with a killing (responses), which
    also clears the stand-down b declared at the start."""
    answers = [{"when": f"perceived.actor == 'a' and perceived.kind == '{kind}'",
                "do": {"action": reply, "target": target}}
               for kind, reply, target in (("sanctions", "sanctions", "a"), ("hit", "hit", "a_base"))]
    scenario = crisis(
        {"a": prompt(), "b": prompt(policies=answers)},
        ladder=ladder(), action_kinds={"hit": kill(4)},
        assets={"a_base": {"owner": "a"}, "b_base": {"owner": "b"}},
        initial_events=[opening("b", "stand_down", "a"), opening("a", "sanctions", "b", at=2),
                        opening("a", "hit", "b_base", at=4), opening("a", "stand_down", "b", at=6)],
        outcomes=holds(condition),
    )
    record = run(scenario)
    assert [(e.actor, e.kind) for e in record.events] == [
        ("b", "stand_down"), ("a", "sanctions"), ("b", "sanctions"), ("a", "hit"), ("b", "hit"),
        ("a", "stand_down")]
    assert record.outcome == "holds"


def test_accident_deaths_are_counted_apart_from_hostile_deaths() -> None:
    scenario = crisis(
        {"a": prompt(), "b": prompt()}, ladder=ladder(), action_kinds={"hit": kill(4)},
        assets={"b_base": {"owner": "b", "personnel": 3}},
        tension={"per_goldstein": 1, "alert_threshold": 0},
        accidents=[{"id": "crash", "actor": "a", "rate_per_day": 1000, "deaths": 7,
                    "victims": "b", "max_occurrences": 2}],
        initial_events=[opening("a", "hit", "b_base", at=12)],
    )
    record = run(scenario)
    assert len(of_kind(record, "accident")) == 2
    assert record.accident_deaths == 14
    assert record.deaths == {"a": 0, "b": 3}
    assert record.hostile_acts == 1


# -- tension ----------------------------------------------------------------------------
@settings(max_examples=30, deadline=None)
@given(per_goldstein=st.sampled_from((0.1, 0.5, 2.0)), half_life=st.sampled_from((0.5, 1.0, 7.0)),
       gap=st.integers(1, 72))
def test_tension_adds_hostility_and_halves_every_half_life(
    per_goldstein: float, half_life: float, gap: int
) -> None:
    """A ceasefire (+9) at the start cannot push tension below zero; a threat (−7) then a
    criticism (−2) ``gap`` hours later leave the threat's share decayed by the half-life."""
    scenario = crisis(
        {"a": prompt(), "b": prompt()},
        tension={"per_goldstein": per_goldstein, "half_life_days": half_life},
        initial_events=[opening("a", "ceasefire", "b"), opening("a", "threat", "b", at=1),
                        opening("a", "criticize", "b", at=1 + gap)],
    )
    ceasefire, threat, criticism = run(scenario).events
    assert ceasefire.tension == 0.0
    assert threat.tension == pytest.approx(7 * per_goldstein)
    decayed = 7 * per_goldstein * 0.5 ** (gap / (24 * half_life))
    assert criticism.tension == pytest.approx(decayed + 2 * per_goldstein)
    assert run(scenario).max_tension == pytest.approx(max(threat.tension, criticism.tension))


# -- how a run ends ---------------------------------------------------------------------
def ended(record: RunRecord) -> tuple[str, float]:
    return record.ended_by, record.duration_days * 24


@pytest.mark.parametrize(("act", "end"), [
    (opening("a", "criticize", "b", at=10), 34.0),   # the quiet day counts from the act
    (opening("a", "criticize", None, at=10), 24.0),  # an act aimed at no one resets nothing
    (opening("a", "statement", "b", at=10), 24.0),   # nor does an act that is not hostile
])
def test_a_run_ends_a_quiet_period_after_the_last_hostile_act(
    act: dict[str, object], end: float
) -> None:
    scenario = crisis({"a": prompt(), "b": prompt()}, quiet_days=1, initial_events=[act])
    assert ended(run(scenario)) == ("quiet", end)


@pytest.mark.parametrize(("b", "kinds", "end"), [
    (prompt(deliberation_hours=100), {}, 100.0),                         # b still deliberating
    (prompt(perception={"delay_hours": 50, "noise": 0}), {}, 51.0),      # b's first report late
    (prompt(), {"criticize": {"effect": "none", "goldstein": 0, "rung": 1,
                              "duration_hours": 60}}, 61.0),             # the act under way
])
def test_a_run_does_not_end_quietly_while_something_is_pending(
    b: dict[str, object], kinds: dict[str, object], end: float
) -> None:
    """Quiet returns after the quiet period only once nothing is being decided, carried out
    or first reported: the run then ends at once."""
    scenario = crisis({"a": prompt(), "b": b}, quiet_days=1, action_kinds=kinds,
                      initial_events=[opening("a", "criticize", "b")])
    assert ended(run(scenario)) == ("quiet", end)


def test_disclosures_still_to_come_do_not_keep_a_run_open() -> None:
    scenario = crisis(
        {"a": prompt(), "b": prompt(disclosure={"deaths": [{"after_hours": 0, "share": 0.5},
                                                           {"after_hours": 200, "share": 1}]})},
        quiet_days=1, action_kinds={"hit": kill(4)}, assets={"b_base": {"owner": "b", "personnel": 4}},
        initial_events=[opening("a", "hit", "b_base")],
    )
    record = run(scenario)
    assert ended(record) == ("quiet", 24.0)
    assert all(not p.update for p in record.perceptions)


def test_a_run_still_busy_at_the_horizon_ends_there() -> None:
    scenario = crisis({"a": prompt(), "b": prompt(deliberation_hours=1000)}, horizon_days=2,
                      initial_events=[opening("a", "criticize", "b")])
    assert ended(run(scenario)) == ("horizon", 48.0)


def test_a_terminal_class_ends_the_run_at_the_event_that_makes_it_hold() -> None:
    scenario = crisis(
        {"a": prompt(), "b": prompt()},
        outcomes=[{"id": "second", "when": "hostile_acts >= 2", "terminal": True},
                  {"id": "other", "when": "true"}],
        initial_events=[opening("a", "criticize", "b", at=i * 10) for i in range(4)],
    )
    record = run(scenario)
    assert (record.outcome, *ended(record)) == ("second", "terminal", 10.0)
    assert len(record.events) == 2


def test_a_run_no_class_holds_for_is_unclassified() -> None:
    scenario = crisis({"a": prompt(), "b": prompt()},
                      outcomes=[{"id": "never", "when": "hostile_acts > 100"}],
                      initial_events=[opening("a", "criticize", "b")])
    assert run(scenario).outcome == "unclassified"


def test_a_records_summary_is_one_flat_row() -> None:
    """Scalars as they are; deaths, injuries, threats, rung days and parameters one column
    each, named by their kind and key; no events or perceptions."""
    threat = {"policy": "threat_then_enforce", "id": "t", "issue_when": "perceived.by_me",
              "threat": {"action": "threat", "target": "b"}, "red_line": "false",
              "enforce": {"action": "criticize", "target": "b"}}
    scenario = crisis(
        {"a": prompt(policies=[threat], resolve={"dist": "uniform", "low": 0, "high": 1}),
         "b": prompt()},
        ladder=ladder(), action_kinds={"hit": kill(2)},
        assets={"b_base": {"owner": "b", "host": "a", "personnel": 3}},
        initial_events=[opening("a", "hit", "b_base", at=12)],
    )
    record = run(scenario)
    row = record.summary()
    assert row["outcome"] == record.outcome and row["max_rung"] == 2
    assert (row["scenario"], row["seed"], row["run"], row["error"]) == ("toy", 0, 0, "")
    assert escalation.simulate(scenario, run=3).summary()["run"] == 3
    assert (row["deaths.a"], row["deaths.b"], row["injuries.b"]) == (0, 3, 0)
    assert row["threat.a.t"] == "pending"
    assert (row["rung_day.1"], row["rung_day.2"]) == (0.5, 0.5)
    assert row["param.actors.a.resolve"] == record.parameters["actors.a.resolve"]
    assert row["crisis_days"] == pytest.approx(13 / 24)  # the threat, an hour after the hit
    assert not {"deaths", "injuries", "threats", "parameters", "rung_days", "events",
                "perceptions"} & set(row)


@pytest.mark.parametrize("keep", [True, False])
def test_a_world_run_for_a_batch_keeps_its_events_only_when_asked(keep: bool) -> None:
    scenario = crisis({"a": prompt(), "b": prompt()},
                      initial_events=[opening("a", "criticize", "b")])
    world = run_world(scenario, 1, list(scenario.parameters.values_from_uniforms(
        np.zeros((1, 0)))[0]), keep_events=keep)
    assert world.tally.hostile_acts == 1
    assert (len(world.events), len(world.perceptions)) == ((1, 2) if keep else (0, 0))


def test_the_past_is_recorded_as_it_was_told() -> None:
    """History events (initial_state.history) are in the trace before t = 0, with their kind's
    effect, rung, Goldstein score, hostility and kinetics, their counts, and their target: the
    asset's owner, the actor named, or a selector's owner; scripted, never counted."""
    history = [
        {"actor": "a", "action": "hit", "target": "b_base", "days_ago": 3, "deaths": 4,
         "injuries": 2, "note": "the raid"},
        {"actor": "b", "action": "sanctions", "target": "a", "days_ago": 2},
        {"actor": "b", "action": "criticize", "target": {"owner": "a"}, "days_ago": 1},
        {"actor": "b", "action": "criticize", "target": {"owner": "offender"}, "days_ago": 0.5},
    ]
    scenario = crisis({"a": prompt(), "b": prompt()}, ladder=ladder(),
                      action_kinds={"hit": kill(4)}, assets={"b_base": {"owner": "b"}},
                      initial_state={"history": history})
    record = run(scenario)
    raid, sanctions, named, role = record.events[:4]
    assert (raid.time, raid.started, raid.effect, raid.asset, raid.target) == (
        -72.0, -72.0, "killing", "b_base", "b")
    assert (raid.deaths, raid.injuries, raid.rung, raid.goldstein, raid.note) == (4, 2, 4, -5, "the raid")
    assert raid.hostile and raid.kinetic and raid.scripted and raid.policy == "history"
    assert (sanctions.target, sanctions.asset, sanctions.effect, sanctions.kinetic) == (
        "a", "", "sanctions", False)
    assert (named.target, role.target) == ("a", "")
    assert (record.hostile_acts, record.deaths["b"], record.max_rung, record.path) == (0, 0, 0, "")


@pytest.mark.parametrize("moves", [9, 10, 11, 12])
def test_a_path_lists_ten_moves_then_an_ellipsis(moves: int) -> None:
    scenario = crisis({"a": prompt(), "b": prompt()},
                      initial_events=[opening("a", "criticize", "b", at=i) for i in range(moves)])
    path = run(scenario).path.split(" > ")
    assert path == ["a:criticize"] * min(moves, 10) + ["…"] * (moves > 10)
