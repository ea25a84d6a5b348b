"""Where an answer lands (docs/scenario-format.md 2.9.2): roles read off the perceived act
(offender, sponsor, origin host, self), selectors that pick one of the eligible assets at
random, and orders that lapse when nothing fits. b answers a's strike on b's base, launched
from a pad in c; each case changes only b's answer."""

from __future__ import annotations

import pytest

import escalation
from escalation import Event, RunRecord, Scenario
from tests.toys import crisis, opening, prompt

ASSETS = {
    "b_base": {"owner": "b", "kind": "base"},
    "pad": {"owner": "a", "host": "c", "kind": "base"},
    "a_home": {"owner": "a", "kind": "city"},
    "a_away": {"owner": "a", "host": "c", "kind": "city"},
    "a_camp": {"owner": "a", "host": "b", "kind": "base"},
    "s_base": {"owner": "s", "kind": "base"},
}


def answered(order: dict[str, object], origin: list[str] | None = None,
             a: dict[str, object] | None = None) -> Scenario:
    """a strikes b's base (from ``origin``); b answers with ``order``."""
    rule = {"when": "perceived.actor == 'a' and perceived.kind == 'strike'", "do": order}
    return crisis(
        {"a": prompt(**(a or {})), "b": prompt(policies=[rule]), "c": prompt(), "s": prompt()},
        assets=ASSETS,
        initial_events=[opening("a", "strike", "b_base", salvo=1,
                                **({"origin": origin} if origin else {}))],
    )


def answers(record: RunRecord) -> list[Event]:
    return [e for e in record.events if e.actor == "b"]


@pytest.mark.parametrize(("target", "origin", "a", "expected"), [
    ("offender", None, None, "a"),
    ("self", None, None, "b"),
    ("c", None, None, "c"),
    ("sponsor", None, {"kind": "non_state", "sponsor": "s"}, "s"),
    ("sponsor", None, None, "a"),             # no sponsor: the offender itself
    ("origin_host", ["pad"], None, "c"),
    ("origin_host", None, None, ""),          # launched from its own soil: no one
    ({"owner": "offender", "kind": "city"}, None, None, "a"),  # not kinetic: the owner alone
])
def test_roles_resolve_from_the_perceived_act(
    target: object, origin: list[str] | None, a: dict[str, object] | None, expected: str
) -> None:
    record = escalation.simulate(answered({"action": "criticize", "target": target}, origin, a))
    (answer,) = answers(record)
    assert (answer.kind, answer.target, answer.asset) == ("criticize", expected, "")


@pytest.mark.parametrize(("selector", "eligible"), [
    ({"owner": "offender"}, {"pad", "a_home", "a_away", "a_camp"}),
    ({"owner": "offender", "kind": "city"}, {"a_home", "a_away"}),
    ({"owner": "offender", "host": "c"}, {"pad", "a_away"}),
    ({"owner": "offender", "homeland": True}, {"a_home"}),
    ({"owner": "offender", "homeland": False}, {"pad", "a_away", "a_camp"}),
    ({"owner": "offender", "same_kind": True}, {"pad", "a_camp"}),  # b's base was hit: bases
    ({"owner": "offender", "kind": "city", "host": "c"}, {"a_away"}),
    ("offender", {"pad", "a_home", "a_away", "a_camp"}),  # an actor: any of its assets
    ({"owner": "self", "kind": "base"}, {"b_base"}),
    ({"owner": "sponsor", "kind": "base"}, {"s_base"}),
])
def test_a_strike_lands_on_one_of_the_assets_its_selector_admits(
    selector: object, eligible: set[str]
) -> None:
    scenario = answered({"action": "strike", "target": selector, "salvo": 1},
                        a={"kind": "non_state", "sponsor": "s"})
    hit = {next(iter(answers(escalation.simulate(scenario, seed=seed)))).asset
           for seed in range(30)}
    assert hit == eligible


def test_same_kind_without_an_asset_hit_admits_any_kind() -> None:
    """An act that hit no asset (a criticism) leaves ``same_kind`` nothing to match."""
    rule = {"when": "perceived.actor == 'a'",
            "do": {"action": "strike", "target": {"owner": "offender", "same_kind": True}}}
    scenario = crisis({"a": prompt(), "b": prompt(policies=[rule]), "c": prompt(), "s": prompt()},
                      assets=ASSETS,
                      initial_events=[opening("a", "criticize", "b")])
    hit = {answers(escalation.simulate(scenario, seed=seed))[0].asset for seed in range(30)}
    assert hit == {"pad", "a_home", "a_away", "a_camp"}


@pytest.mark.parametrize("target", [
    {"owner": "offender", "kind": "city", "host": "b"},  # no city of a's in b
    {"owner": "origin_host"},                            # launched from home: no one
    "c",                                                 # c owns nothing
])
def test_a_strike_with_nothing_to_hit_lapses(target: object) -> None:
    record = escalation.simulate(answered({"action": "strike", "target": target}))
    assert answers(record) == []


def test_an_opening_has_no_offender() -> None:
    """Roles other than ``self`` resolve to nothing in scripted openings: a criticism goes to
    no one, a strike at an offender's assets lapses."""
    scenario = crisis({"a": prompt(), "b": prompt(), "c": prompt(), "s": prompt()},
                      assets=ASSETS,
                      initial_events=[opening("a", "criticize", "offender"),
                                      opening("a", "strike", {"owner": "offender"}, at=1),
                                      opening("a", "criticize", "self", at=2)])
    record = escalation.simulate(scenario)
    assert [(e.kind, e.target) for e in record.events] == [("criticize", ""), ("criticize", "a")]


def test_an_asset_target_is_that_asset_and_its_owner() -> None:
    record = escalation.simulate(answered({"action": "strike", "target": "a_camp", "salvo": 1}))
    (answer,) = answers(record)
    assert (answer.target, answer.asset, answer.host) == ("a", "a_camp", "b")
