"""What strikes and killings do (docs/scenario-format.md 2.9.3 to 2.9.5): ``effects.strike``
and ``effects.killing`` as functions of a random stream, exact where the model leaves nothing
to chance and statistical (means within five standard errors over thousands of draws)
elsewhere; then how a run feeds them: potency, air defence, failure, warnings relayed by a
host, salvos capped by stock, the launch asset."""

from __future__ import annotations

import dataclasses
import math
import random
import statistics
from collections.abc import Callable
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

import escalation
from escalation import Event, RunRecord, Scenario
from escalation.engine.effects import Damage, Exposure, killing, strike
from tests.toys import crisis, opening, prompt

DRAWS = 4000


def exposure(personnel: float = 10**6, value: float = 10.0, air_defence: float = 0.0,
             lethality: float = 1.0, injury_rate: float = 1.0, damage_per_hit: float = 0.1,
             warned_factor: float = 0.1) -> Exposure:
    return Exposure(personnel, value, air_defence, lethality, injury_rate, damage_per_hit,
                    warned_factor)


def mean_of(draw: Callable[[random.Random], float], expected: float, sd: float) -> None:
    """The mean of ``DRAWS`` draws (one stream each) is within five standard errors."""
    mean = statistics.fmean(draw(random.Random(i)) for i in range(DRAWS))
    assert abs(mean - expected) <= 5 * sd / math.sqrt(DRAWS) + 1e-9, (mean, expected)


exposures = st.builds(
    exposure, personnel=st.integers(0, 40).map(float), value=st.floats(0, 100),
    air_defence=st.floats(0, 1), lethality=st.floats(0, 50), injury_rate=st.floats(0, 50),
    damage_per_hit=st.floats(0, 1), warned_factor=st.floats(0, 1),
)


# -- strike -----------------------------------------------------------------------------
@given(seed=st.integers(0, 2**32), salvo=st.integers(0, 60), failure=st.floats(0, 1),
       target=exposures, warned=st.booleans())
def test_a_strike_accounts_for_every_unit_and_never_hurts_more_than_are_there(
    seed: int, salvo: int, failure: float, target: Exposure, warned: bool
) -> None:
    damage = strike(random.Random(seed), salvo, failure, target, warned)
    assert min(dataclasses.astuple(damage)) >= 0
    assert damage.failed + damage.intercepted + damage.hits == salvo
    assert damage.deaths + damage.injuries <= target.personnel
    assert damage.value_lost == pytest.approx(
        target.value * min(1.0, damage.hits * target.damage_per_hit))


@given(seed=st.integers(0, 2**32), salvo=st.integers(0, 60), target=exposures,
       warned=st.booleans())
def test_certain_failure_interception_and_hits(
    seed: int, salvo: int, target: Exposure, warned: bool
) -> None:
    rng = random.Random(seed)
    assert units(strike(rng, salvo, 1.0, target, warned)) == (salvo, 0, 0)
    assert units(strike(rng, salvo, 0.0, replace(target, air_defence=1.0), warned)) == (0, salvo, 0)
    assert units(strike(rng, salvo, 0.0, replace(target, air_defence=0.0), warned)) == (0, 0, salvo)


def units(damage: Damage) -> tuple[int, int, int]:
    """A strike's units that failed, were intercepted and hit."""
    return damage.failed, damage.intercepted, damage.hits


def test_nothing_hits_nothing_is_hurt() -> None:
    target = exposure(lethality=100, injury_rate=100)
    assert strike(random.Random(0), 20, 1.0, target, False) == Damage(failed=20)


@pytest.mark.parametrize("people", [0, 1, 7])
def test_deaths_first_then_injuries_capped_at_the_people_there(people: int) -> None:
    """A lethal strike kills everyone there and leaves no one to injure; a strike that only
    injures injures everyone there."""
    rng = random.Random(people)
    lethal = strike(rng, 5, 0.0, exposure(people, lethality=1e4, injury_rate=1e4), False)
    assert (lethal.deaths, lethal.injuries) == (people, 0)
    hurting = strike(rng, 5, 0.0, exposure(people, lethality=0, injury_rate=1e4), False)
    assert (hurting.deaths, hurting.injuries) == (0, people)


def test_failures_and_interceptions_follow_their_probabilities() -> None:
    """failed ~ Binomial(n, q); intercepted ~ Binomial(n − failed, a)."""
    n, q, a = 12, 0.3, 0.6
    target = exposure(air_defence=a)
    mean_of(lambda rng: strike(rng, n, q, target, False).failed, n * q, math.sqrt(n * q * (1 - q)))
    p = (1 - q) * a  # a unit is intercepted when it does not fail and then is intercepted
    mean_of(lambda rng: strike(rng, n, q, target, False).intercepted, n * p,
            math.sqrt(n * p * (1 - p)))


@pytest.mark.parametrize("warned", [False, True])
def test_casualties_per_hit_and_the_warned_share_of_deaths(warned: bool) -> None:
    """Deaths ~ Poisson(hits × lethality), times the warned factor when warned in time;
    injuries ~ Poisson(hits × injury rate), warned or not (sheltered people are hurt)."""
    hits, lethality, injury_rate, factor = 8, 1.5, 2.5, 0.2
    target = exposure(lethality=lethality, injury_rate=injury_rate, warned_factor=factor)
    deaths = hits * lethality * (factor if warned else 1.0)
    mean_of(lambda rng: strike(rng, hits, 0.0, target, warned).deaths, deaths, math.sqrt(deaths))
    injuries = hits * injury_rate
    mean_of(lambda rng: strike(rng, hits, 0.0, target, warned).injuries, injuries,
            math.sqrt(injuries))


@given(hits=st.integers(0, 30), damage_per_hit=st.floats(0, 1), value=st.floats(0, 1e6))
def test_value_lost_per_hit_up_to_the_whole(hits: int, damage_per_hit: float, value: float) -> None:
    target = exposure(value=value, damage_per_hit=damage_per_hit)
    lost = strike(random.Random(hits), hits, 0.0, target, False).value_lost
    assert lost == pytest.approx(value * min(1.0, hits * damage_per_hit))


# -- killing ----------------------------------------------------------------------------
@given(seed=st.integers(0, 2**32), target=exposures)
def test_a_killing_kills_the_whole_party_or_no_one(seed: int, target: Exposure) -> None:
    assert killing(random.Random(seed), 1.0, target) == Damage(
        hits=1, deaths=int(target.personnel), value_lost=target.value)
    assert killing(random.Random(seed), 0.0, target) == Damage(failed=1)


def test_a_killing_succeeds_with_its_probability() -> None:
    mean_of(lambda rng: killing(rng, 0.3, exposure()).hits, 0.3, math.sqrt(0.3 * 0.7))


# -- through a run ----------------------------------------------------------------------
STRIKE = {"effect": "strike", "goldstein": -5, "rung": 4, "salvo": 20, "failure_probability": 0}


def struck(asset: dict[str, object], kind: dict[str, object] | None = None,
           order: dict[str, object] | None = None, **sections: object) -> Scenario:
    """a strikes b's ``target`` (in c) once, with the kind ``hit``."""
    return crisis({"a": prompt(), "b": prompt(), "c": prompt(**sections.pop("c", {}))},
                  action_kinds={"hit": {**STRIKE, **(kind or {})}},
                  assets={"target": {"owner": "b", "host": "c", **asset}},
                  initial_events=[opening("a", "hit", "target", **(order or {}))], **sections)


def hit_of(record: RunRecord) -> Event:
    (hit,) = [e for e in record.events if e.kind == "hit"]
    return hit


def test_potency_scales_deaths_and_injuries_per_hit() -> None:
    """20 hits, lethality 2 and injury rate 4 at potency 0.5: about 20 deaths and 40
    injuries per strike."""
    scenario = struck({"personnel": 10**6, "lethality": 2, "injury_rate": 4},
                      kind={"potency": 0.5})
    hits = [hit_of(escalation.simulate(scenario, seed=seed)) for seed in range(200)]
    assert all(h.hits == 20 for h in hits)
    for name, expected in (("deaths", 20), ("injuries", 40)):
        mean = statistics.fmean(getattr(h, name) for h in hits)
        assert abs(mean - expected) <= 5 * math.sqrt(expected / len(hits)), (name, mean)


@pytest.mark.parametrize(("asset", "kind", "expected"), [
    ({"air_defence": 1}, {}, (0, 20, 0)),
    ({}, {"failure_probability": 1}, (20, 0, 0)),
    ({}, {"salvo": 2.6}, (0, 0, 3)),
])
def test_the_targets_defence_and_the_kinds_failure_apply(
    asset: dict[str, object], kind: dict[str, object], expected: tuple[int, int, int]
) -> None:
    hit = hit_of(escalation.simulate(struck({"personnel": 5, **asset}, kind=kind)))
    assert (hit.failed, hit.intercepted, hit.hits) == expected


def test_a_failed_killing_and_an_act_without_effect_do_no_damage() -> None:
    scenario = crisis(
        {"a": prompt(), "b": prompt()},
        action_kinds={"miss": {"effect": "killing", "goldstein": -5, "rung": 4,
                               "success_probability": 0}},
        assets={"target": {"owner": "b", "personnel": 5, "value": 3}},
        initial_events=[opening("a", "miss", "target"), opening("a", "show_of_force", "target")],
    )
    miss, show = escalation.simulate(scenario).events
    assert (miss.salvo, miss.failed, miss.hits, miss.deaths, miss.value_lost) == (0, 1, 0, 0, 0.0)
    assert (show.asset, show.failed, show.hits, show.deaths, show.value_lost) == ("target", 0, 0, 0, 0.0)


WARN = {"warn": ["c"], "warning_lead_hours": 5}


@pytest.mark.parametrize(("c", "warned"), [
    ({"relays_warnings": 1, "relay_delay_hours": 1}, True),
    ({"relays_warnings": 1, "relay_delay_hours": 7}, True),    # just in time: as it lands
    ({"relays_warnings": 1, "relay_delay_hours": 9}, False),   # the relay comes too late
    ({"relays_warnings": 0}, False),                           # the host keeps it
])
def test_a_warning_to_the_host_protects_only_when_relayed_in_time(
    c: dict[str, object], warned: bool
) -> None:
    """Warned in time, no one dies (warned factor 0, all under cover at once: shelter_hours 0);
    unwarned, everyone does. The act lands after its lead and duration."""
    scenario = struck({"personnel": 5, "lethality": 1e4, "warned_factor": 0, "shelter_hours": 0},
                      order=WARN,
                      kind={"duration_hours": 2}, c=c)
    record = escalation.simulate(scenario)
    hit = hit_of(record)
    assert hit.warned is warned
    assert hit.deaths == (0 if warned else 5)
    assert hit.time - hit.started == pytest.approx(5 + 2)
    relays = [e for e in record.events if e.policy == "relays_warnings"]
    assert [(e.actor, e.target, e.time) for e in relays] == (
        [("c", "b", c["relay_delay_hours"])] if c["relays_warnings"] else [])


@pytest.mark.parametrize(("warned_actors", "warned"), [(["b"], True), (["d"], False)])
def test_a_warning_to_the_owner_protects_at_once_one_to_a_bystander_does_not(
    warned_actors: list[str], warned: bool
) -> None:
    scenario = crisis({"a": prompt(), "b": prompt(), "c": prompt(),
                       "d": prompt(relays_warnings=1, relay_delay_hours=0)},
                      action_kinds={"hit": STRIKE},
                      assets={"target": {"owner": "b", "host": "c", "personnel": 5,
                                         "lethality": 1e4, "warned_factor": 0,
                                         "shelter_hours": 0}},
                      initial_events=[opening("a", "hit", "target", warn=warned_actors)])
    hit = hit_of(escalation.simulate(scenario))
    assert (hit.warned, hit.deaths) == (warned, 0 if warned else 5)


def test_warnings_and_relays_are_recorded_as_what_they_are() -> None:
    """A warning is a 'warning' event by the warner to each warned actor, caused as the act it
    announces and under its policy, noting what it warns of; a host that relays it records a
    warning of its own to the owner; neither is hostile or raises the ladder. Only the host
    of the target relays: not its owner, nor a third party, even when they would."""
    rule = {"id": "avenge", "when": "perceived.kind == 'criticize' and perceived.against_me",
            "do": {"action": "hit", "target": "target", "warn": ["b", "c", "d"],
                   "warning_lead_hours": 5}}
    relaying = prompt(relays_warnings=1, relay_delay_hours=1)
    scenario = crisis(
        {"a": prompt(policies=[rule]), "b": relaying, "c": relaying, "d": relaying},
        action_kinds={"hit": STRIKE}, assets={"target": {"owner": "b", "host": "c"}},
        initial_events=[opening("b", "criticize", "a"),
                        opening("b", "criticize", "d", at=100, warn=["c"])],
    )
    record = escalation.simulate(scenario)
    criticism = record.events[0]
    warnings = [e for e in record.events if e.kind == "warning"]
    assert [(e.actor, e.target, e.time, e.cause, e.policy, e.note) for e in warnings] == [
        *[("a", to, 1.0, criticism.id, "a.avenge", "warns of an attack on target")
          for to in "bcd"],
        ("c", "b", 2.0, warnings[1].id, "relays_warnings", "passes the warning on"),
        ("b", "c", 100.0, None, "opening_1", "warns of an attack on its soil"),
    ]
    assert all((e.effect, e.rung, e.goldstein, e.hostile) == ("warning", 0, 0, False)
               for e in warnings)
    assert record.max_rung == 4 and hit_of(record).warned
    assert "warning" not in record.path


def test_a_scenario_may_give_warnings_a_score_of_their_own() -> None:
    """Warnings and relays take the Goldstein score of the (replaceable) warning kind."""
    scenario = crisis({"a": prompt(), "b": prompt(),
                       "c": prompt(relays_warnings=1, relay_delay_hours=1)},
                      action_kinds={"hit": STRIKE,
                                    "warning": {"effect": "warning", "goldstein": -1, "rung": 0}},
                      assets={"target": {"owner": "b", "host": "c"}},
                      initial_events=[opening("a", "hit", "target", **WARN)])
    warnings = [e for e in escalation.simulate(scenario).events if e.kind == "warning"]
    assert [(e.actor, e.goldstein) for e in warnings] == [("a", -1), ("c", -1)]


def test_the_lead_applies_only_to_a_warned_act() -> None:
    scenario = struck({}, kind={"duration_hours": 2}, order={"warning_lead_hours": 5})
    hit = hit_of(escalation.simulate(scenario))
    assert (hit.started, hit.time) == (0.0, 2.0)


def test_salvos_are_capped_by_stock_and_lapse_when_it_runs_out() -> None:
    """A salvo drawn as none lapses too; the largest salvo a run allows (100,000) is fired."""
    none = {"dist": "choice", "values": [0]}
    scenario = crisis(
        {"a": prompt(inventory={"missiles": 5}), "b": prompt()},
        assets={"target": {"owner": "b"}},
        initial_events=[opening("a", "strike", "target", at=i, salvo=salvo)
                        for i, salvo in enumerate((none, 4, 4, 4))],
    )
    record = escalation.simulate(scenario)
    assert [e.salvo for e in record.events if e.kind == "strike"] == [4, 1]
    assert record.events[-1].kind == "strike"
    most = crisis({"a": prompt(), "b": prompt()}, assets={"target": {"owner": "b"}},
                  initial_events=[opening("a", "strike", "target", salvo=100_000)])
    (strike,) = escalation.simulate(most).events
    assert strike.salvo == 100_000


def test_the_launch_asset_is_one_of_the_orders_origins_and_names_its_host() -> None:
    scenario = crisis(
        {"a": prompt(), "b": prompt(), "c": prompt()},
        assets={"target": {"owner": "b"}, "pad": {"owner": "a", "host": "c"},
                "home_pad": {"owner": "a"}},
        initial_events=[opening("a", "strike", "target", origin=["pad", "home_pad"])],
    )
    launches = {(e.origin, e.origin_host) for seed in range(40)
                for e in escalation.simulate(scenario, seed=seed).events}
    assert launches == {("pad", "c"), ("home_pad", "a")}


def test_an_order_for_a_salvo_of_zero_fires_nothing() -> None:
    """An order's salvo is the units fired (docs/scenario-format.md 2.9.1): zero fires none,
    as a salvo drawn as zero does (above)."""
    scenario = crisis({"a": prompt(), "b": prompt()}, assets={"target": {"owner": "b"}},
                      initial_events=[opening("a", "strike", "target", salvo=0)])
    assert escalation.simulate(scenario).events == ()


def test_by_default_a_host_relays_with_a_chance_drawn_once_per_run() -> None:
    """relays_warnings defaults to beta(2, 2) (docs/assumptions.md, "Warnings and their relay"):
    over many runs about half the warnings to the host are passed on, and each run draws its
    own chance, so both happen. An actor no order warns, or that hosts nothing, draws none."""
    scenario = struck({"personnel": 5, "lethality": 1e4, "warned_factor": 0, "shelter_hours": 0},
                      order=WARN, kind={"duration_hours": 2}, c={"relay_delay_hours": 1})
    relayed = [hit_of(escalation.simulate(scenario, seed=4, run=run)).warned for run in range(400)]
    assert 0.4 < sum(relayed) / len(relayed) < 0.6
    uncertain = {p.name for p in scenario.parameters.uncertain}
    assert "actors.c.relays_warnings" in uncertain
    assert not {"actors.a.relays_warnings", "actors.b.relays_warnings"} & uncertain
    unwarned = struck({"personnel": 5}, c={"relay_delay_hours": 1})
    assert not any(p.name.endswith("relays_warnings") for p in unwarned.parameters.uncertain)
