"""Loading scenarios: every fault is reported with file, line, field and a way to fix it."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from escalation import ScenarioError, dump_scenario, load_scenario, load_scenario_text, simulate

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))

MINIMAL = """\
name: toy
actors:
  red:
    policies:
      - policy: proportional_retaliation
        response: {action: strike, target: {owner: offender}}
  blue:
    inventory: {missiles: 10}
assets:
  red_base: {owner: red, personnel: 100}
  blue_base: {owner: blue, personnel: 100}
initial_events:
  - {actor: blue, action: strike, target: red_base, salvo: 3}
"""


def problems(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text(text, "case.yaml")
    return [str(p) for p in caught.value.problems]


def test_every_shipped_scenario_loads_and_runs() -> None:
    assert SCENARIOS, "no scenarios shipped"
    for path in SCENARIOS:
        scenario = load_scenario(path)
        record = simulate(scenario, seed=3)
        assert record.outcome in scenario.outcome_ids


def test_minimal_scenario_uses_standard_vocabulary() -> None:
    scenario = load_scenario_text(MINIMAL)
    assert scenario.outcome_ids == ("war", "de_escalation", "contained_exchange", "protracted_conflict")
    record = simulate(scenario, seed=1)
    assert record.events[0].kind == "strike" and record.events[0].actor == "blue"


def test_misspelt_field_names_line_and_suggests() -> None:
    text = MINIMAL.replace("personnel: 100}\n  blue_base", "personel: 100}\n  blue_base")
    [message] = problems(text)
    assert message.startswith("case.yaml:10:")
    assert "assets.red_base.personel" in message and "did you mean 'personnel'" in message


def test_unknown_reference_is_located_with_suggestion() -> None:
    text = MINIMAL.replace("target: red_base", "target: red_bass")
    [message] = problems(text)
    assert message.startswith("case.yaml:13:")
    assert "initial_events[0].target" in message and "did you mean 'red_base'" in message


def test_unknown_policy_lists_registered_ones() -> None:
    text = MINIMAL.replace("policy: proportional_retaliation", "policy: proportional_retaliaton")
    [message] = problems(text)
    assert "case.yaml:5:" in message and "did you mean 'proportional_retaliation'" in message
    assert "tit_for_tat" in message


def test_bad_condition_points_into_the_text() -> None:
    text = MINIMAL.replace(
        "      - policy: proportional_retaliation\n",
        "      - policy: proportional_retaliation\n        when: \"perceived.deths > 0\"\n",
    )
    [message] = problems(text)
    assert message.startswith("case.yaml:6:")
    assert "did you mean 'perceived.deaths'" in message


def test_probability_out_of_range_is_refused_with_range() -> None:
    text = MINIMAL.replace("red:\n", "red:\n    resolve: {dist: uniform, low: 0.5, high: 1.5}\n")
    [message] = problems(text)
    assert "actors.red.resolve" in message and "between 0 and 1" in message


def test_wrong_type_says_what_is_expected() -> None:
    text = MINIMAL.replace("personnel: 100}\n  blue_base", "personnel: many}\n  blue_base")
    [message] = problems(text)
    assert "expected a number, or a distribution" in message and "'many'" in message


def test_all_problems_are_reported_together() -> None:
    text = MINIMAL.replace("target: red_base", "target: nowhere").replace("owner: blue,", "owner: green,")
    assert len(problems(text)) == 2


@pytest.mark.parametrize(
    "text, phrase",
    [
        ("", "empty"),
        ("- a\n- b\n", "mapping"),
        ("name: [unclosed\n", "case.yaml:"),
        ("!!python/object:os.system {}\n", "tag"),
        ("name: toy\nactors: {}\n", "actors"),
        ("name: Toy Crisis\nactors: {a: {}}\n", "not a valid id"),
    ],
)
def test_broken_documents_get_clear_errors(text: str, phrase: str) -> None:
    assert any(phrase in message for message in problems(text))


def test_missing_file_and_directory(tmp_path: Path) -> None:
    for path in (tmp_path / "absent.yaml", tmp_path):
        with pytest.raises(ScenarioError) as caught:
            load_scenario(path)
        assert str(path) in str(caught.value)


def test_dump_and_load_round_trip_keeps_the_scenario() -> None:
    for path in SCENARIOS:
        scenario = load_scenario(path)
        again = load_scenario_text(dump_scenario(scenario))
        assert again.spec == scenario.spec
        assert simulate(again, seed=5).summary() == simulate(scenario, seed=5).summary()


def test_scenario_pickles_and_runs_identically() -> None:
    scenario = load_scenario(ROOT / "scenarios" / "us_iran_2020.yaml")
    clone = pickle.loads(pickle.dumps(scenario))
    assert simulate(clone, seed=11).summary() == simulate(scenario, seed=11).summary()


SEED_TEXT = (ROOT / "scenarios" / "us_iran_2020.yaml").read_text()
SEED_LINES = SEED_TEXT.splitlines()


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300))
def test_any_text_loads_or_raises_scenario_error(text: str) -> None:
    try:
        load_scenario_text(text)
    except ScenarioError as error:
        assert all(p.location is None or p.location.line >= 1 for p in error.problems)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, len(SEED_LINES) - 1), min_size=1, max_size=4, unique=True),
       st.sampled_from(["", "  x: 1", "- ", ": :", "resolve: 2", "target: nowhere", "{"]))
def test_damaged_seed_scenario_never_crashes(lines: list[int], replacement: str) -> None:
    damaged = list(SEED_LINES)
    for index in lines:
        damaged[index] = replacement
    try:
        scenario = load_scenario_text("\n".join(damaged), "damaged.yaml")
    except ScenarioError as error:
        assert all(str(p).startswith("damaged.yaml") for p in error.problems)
    else:
        simulate(scenario, seed=0)
