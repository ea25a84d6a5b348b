"""The ``observed:`` block (what really happened) and the ``first_act_day.<actor>`` column it is
compared with: loading, errors with file, line and field, and the column's meaning."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

import escalation
from escalation import ScenarioError, load_scenario, load_scenario_text, run_batch, simulate
from tests.toys import quick

ROOT = Path(__file__).resolve().parents[1]

# a criticises b at t = 0 (scripted); b answers with sanctions one hour later (it perceives at
# once and decides in exactly one hour); a never answers. c only ever acted before t = 0.
TOY = quick("""\
name: toy
horizon_days: 10
quiet_days: 2
actors:
  a:
    QUICK
  b:
    QUICK
    policies:
      - when: "perceived.actor == 'a' and not perceived.update"
        do: {action: sanctions, target: a}
  c: {}
initial_state:
  history:
    - {actor: c, action: criticize, target: a, days_ago: 2}
initial_events:
  - {actor: a, action: criticize, target: b}
outcomes:
  - {id: answered, when: "responses.b >= 1"}
  - {id: silence, when: "true"}
observed:
  summary: "b answered within the hour"
  outcome: {value: answered, source: "facts:#3"}
  first_answer_days:
    b: {value: 0.04, source: "facts:#4"}
    a: {value: null, source: "facts:#5"}
  deaths:
    a: {value: 0, source: "facts:#6"}
  hostile_acts: {value: 2, source: "facts:#7"}
  crisis_days: {value: 0.04, source: "facts:#8"}
""")


def problems(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text(text, "case.yaml")
    return [str(p) for p in caught.value.problems]


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def test_each_fact_is_paired_with_its_column() -> None:
    observed = load_scenario_text(TOY).observed
    assert observed is not None and observed.summary == "b answered within the hour"
    assert (observed.outcome.column, observed.outcome.value) == ("outcome", "answered")
    assert [(f.name, f.column, f.kind, f.value, f.source) for f in observed.facts] == [
        ("first_answer_days.b", "first_act_day.b", "lag", 0.04, "facts:#4"),
        ("first_answer_days.a", "first_act_day.a", "lag", None, "facts:#5"),
        ("deaths.a", "deaths.a", "count", 0.0, "facts:#6"),
        ("hostile_acts", "hostile_acts", "count", 2.0, "facts:#7"),
        ("crisis_days", "crisis_days", "days", 0.04, "facts:#8"),
    ]


def test_a_scenario_without_the_block_has_none() -> None:
    assert load_scenario_text(TOY.split("observed:")[0]).observed is None


def test_the_block_changes_no_run() -> None:
    with_block = load_scenario_text(TOY)
    without = load_scenario_text(TOY.split("observed:")[0])
    assert simulate(with_block, 4, 2).summary() == simulate(without, 4, 2).summary()


@pytest.mark.parametrize(("old", "new", "needle", "field", "phrase"), [
    ("value: answered", "value: answerd", "value: answerd", "observed.outcome.value",
     "did you mean 'answered'"),
    ("value: answered", "value: answerd", "value: answerd", "observed.outcome.value",
     "its classes: answered, silence"),
    ("    a: {value: 0, source", "    d: {value: 0, source", "    d: {value: 0", "observed.deaths.d",
     "unknown actor 'd'"),
    ("    b: {value: 0.04", "    bb: {value: 0.04", "    bb: {value", "observed.first_answer_days.bb",
     "did you mean 'b'"),
    ('{value: 2, source: "facts:#7"}', '{value: -2, source: "facts:#7"}', "hostile_acts:",
     "observed.hostile_acts.value", "greater than or equal to 0"),
    ('{value: 0, source: "facts:#6"}', '{value: null, source: "facts:#6"}',
     '    a: {value: null, source: "facts:#6', "observed.deaths.a.value", "expected a number"),
    ('source: "facts:#8"', 'source: "  "', 'source: "  "', "observed.crisis_days.source",
     "needs a source"),
    ("  summary:", "  sumary:", "sumary:", "observed.sumary", "did you mean 'summary'"),
    ('  hostile_acts: {value: 2, source: "facts:#7"}', '  hostile_acts: {value: 2}', "hostile_acts:",
     "observed.hostile_acts.source", "required field 'source'"),
    ('{value: 0.04, source: "facts:#8"}', '{value: .inf, source: "facts:#8"}', "crisis_days:",
     "observed.crisis_days.value", "finite"),
])
def test_bad_facts_are_located_and_explained(old: str, new: str, needle: str, field: str,
                                             phrase: str) -> None:
    assert old in TOY
    text = TOY.replace(old, new, 1)
    [message] = problems(text)
    assert message.startswith(f"case.yaml:{line_of(text, needle)}:"), message
    assert field in message and phrase in message, message


def test_the_outcome_is_required() -> None:
    text = TOY.replace('  outcome: {value: answered, source: "facts:#3"}\n', "")
    [message] = problems(text)
    assert "observed.outcome" in message and "required field 'outcome'" in message


# -- the first_act_day.<actor> column ------------------------------------------------------
def test_first_act_day_leaves_out_scripted_openings_and_the_past() -> None:
    record = simulate(load_scenario_text(TOY), seed=0)
    assert record.first_act_days == {"b": 1 / 24}  # a's opening is scripted; c acted before t = 0
    summary = record.summary()
    assert summary["first_act_day.b"] == 1 / 24 and "first_act_day.a" not in summary


def test_an_opening_that_answers_is_still_scripted() -> None:
    text = TOY.replace("  - {actor: a, action: criticize, target: b}",
                       "  - {actor: a, action: criticize, target: b, answer: true}")
    assert simulate(load_scenario_text(text), seed=0).first_act_days == {"b": 1 / 24}


def test_only_hostile_acts_count() -> None:
    text = TOY.replace("do: {action: sanctions, target: a}", "do: {action: statement, target: a}")
    assert simulate(load_scenario_text(text), seed=0).first_act_days == {}


def test_the_run_table_has_the_column_for_every_actor_nan_when_never() -> None:
    runs = run_batch(load_scenario_text(TOY), 5, seed=1, backend="serial", progress=False).runs
    assert list(runs["first_act_day.b"]) == [1 / 24] * 5
    assert runs["first_act_day.a"].isna().all() and runs["first_act_day.c"].isna().all()


def test_a_later_act_does_not_move_the_first() -> None:
    text = TOY.replace("""    policies:
      - when: "perceived.actor == 'a' and not perceived.update"
        do: {action: sanctions, target: a}""", """    policies:
      - when: "perceived.actor == 'a' and not perceived.update"
        do:
          - {action: sanctions, target: a}
          - {action: threat, target: a, after_hours: 5}""")
    record = simulate(load_scenario_text(text), seed=0)
    assert record.first_act_days == {"b": 1 / 24} and record.hostile_acts == 3


# -- the shipped episode ---------------------------------------------------------------------
def test_india_pakistan_2019_carries_what_happened() -> None:
    scenario = load_scenario(ROOT / "scenarios" / "india_pakistan_2019.yaml")
    observed = scenario.observed
    assert observed is not None and observed.outcome.value in scenario.outcome_ids
    assert all(f.source.strip() for f in observed.all)
    columns = set(escalation.run_batch(scenario, 2, backend="serial", progress=False).runs.columns)
    assert {f.column for f in observed.facts} <= columns
    assert all(f.value is None or math.isfinite(float(f.value)) for f in observed.facts)
