"""How each actor comes to know of an event (docs/scenario-format.md 2.3 and 2.4): late by its
own delay, its counts misjudged by noise, and by bias and phantom deaths when the victims are
its enemies; the victim sees its own losses exactly, as far as it has revealed them in stages.
Checked on the records of runs (``perceptions``) against the events' true counts: exactly
where no noise is drawn, statistically (five standard errors) where it is."""

from __future__ import annotations

import math
import statistics

import pytest
from hypothesis import given
from hypothesis import strategies as st

import escalation
from escalation import Perceived, RunRecord, Scenario
from escalation.engine.perception import disclosure_steps
from escalation.model.bounds import MAX_PEOPLE
from tests.toys import crisis, opening, prompt

RUNS = 300


def seeing(delay: float = 0, noise: float = 0, bias: float = 1, inflation: float = 0,
           **fields: object) -> dict[str, object]:
    """An actor with this perception, deciding within the hour."""
    return prompt(perception={"delay_hours": delay, "noise": noise, "enemy_loss_bias": bias,
                              "enemy_loss_inflation": inflation}, **fields)


def attack(observers: dict[str, dict[str, object]], first: list[dict[str, object]] | None = None,
           victim: dict[str, object] | None = None, **sections: object) -> Scenario:
    """a strikes b's base (20 units, all hit) at hour 10, after the ``first`` openings;
    ``observers`` are the other actors (``a`` and ``b`` among them unless given)."""
    kinds = {"hit": {"effect": "strike", "goldstein": -5, "rung": 4, "salvo": 20,
                     "failure_probability": 0}}
    return crisis(
        {"a": seeing(), "b": victim or seeing(), **observers},
        action_kinds=kinds,
        assets={"b_base": {"owner": "b", "personnel": 10**5, "lethality": 50, "injury_rate": 100,
                           "value": 3, "damage_per_hit": 0.01}},
        initial_events=[*(first or []), opening("a", "hit", "b_base", at=10)],
        **sections,
    )


def reports(record: RunRecord, observer: str, kind: str = "hit") -> list[Perceived]:
    return [p for p in record.perceptions if p.observer == observer and p.event.kind == kind]


def first_report(record: RunRecord, observer: str) -> Perceived:
    (report,) = reports(record, observer)
    return report


# -- who misjudges what -----------------------------------------------------------------
def test_the_victim_and_neutral_observers_see_exactly_and_enemies_with_their_bias() -> None:
    """b (the victim) sees the true counts despite its bias; c (no quarrel with b) too; a,
    whose strike made b its enemy, sees them times its bias; everyone weighs the harm."""
    scenario = attack({"a": seeing(bias=2.5), "b": seeing(bias=3), "c": seeing(bias=2.5)},
                      harm={"death": 2, "injury": 0.5, "value": 10})
    record = escalation.simulate(scenario)
    (hit,) = [e for e in record.events if e.kind == "hit"]
    assert hit.deaths > 0 and hit.injuries > 0
    seen = {name: first_report(record, name) for name in "abc"}
    assert (seen["b"].deaths, seen["b"].injuries) == (hit.deaths, hit.injuries)
    assert (seen["c"].deaths, seen["c"].injuries) == (hit.deaths, hit.injuries)
    assert (seen["a"].deaths, seen["a"].injuries) == (round(hit.deaths * 2.5),
                                                      round(hit.injuries * 2.5))
    for report in seen.values():
        assert report.harm == pytest.approx(2 * report.deaths + 0.5 * report.injuries
                                            + 10 * hit.value_lost)
        assert report.time == hit.time and not report.update


@pytest.mark.parametrize("quarrel", [
    opening("c", "criticize", "b"),  # c was hostile to b
    opening("b", "criticize", "c"),  # b was hostile to c: enemies either way
])
def test_an_earlier_hostile_act_between_them_makes_an_observer_an_enemy(
    quarrel: dict[str, object]
) -> None:
    record = escalation.simulate(attack({"c": seeing(bias=2)}, first=[quarrel]))
    (hit,) = [e for e in record.events if e.kind == "hit"]
    assert first_report(record, "c").deaths == round(hit.deaths * 2)


def test_losses_in_an_act_that_is_not_hostile_are_seen_without_bias() -> None:
    """An accident is no enemy's doing: even an enemy of its victims sees its toll as is."""
    scenario = attack(
        {"c": seeing(bias=4, inflation=5)}, first=[opening("c", "criticize", "b")],
        tension={"per_goldstein": 1, "alert_threshold": 0},
        accidents=[{"id": "crash", "actor": "a", "rate_per_day": 1000, "deaths": 6,
                    "victims": "b"}],
    )
    record = escalation.simulate(scenario)
    assert [p.deaths for p in reports(record, "c", "accident")] == [6]


@pytest.mark.parametrize("inflation", [0.5, 4])
def test_phantom_deaths_are_added_for_enemies_only_with_their_mean(inflation: float) -> None:
    """c, enemy of b, adds Poisson phantom deaths to b's losses; d, no enemy, adds none."""
    scenario = attack({"c": seeing(inflation=inflation), "d": seeing(inflation=inflation)},
                      first=[opening("c", "criticize", "b")])
    extra = {"c": [], "d": []}
    for seed in range(RUNS):
        record = escalation.simulate(scenario, seed=seed)
        (hit,) = [e for e in record.events if e.kind == "hit"]
        for name, found in extra.items():
            report = first_report(record, name)
            found.append(report.deaths - hit.deaths)
            assert report.injuries == hit.injuries
    assert set(extra["d"]) == {0}
    assert min(extra["c"]) >= 0
    assert abs(statistics.fmean(extra["c"]) - inflation) <= 5 * math.sqrt(inflation / RUNS)


@pytest.mark.parametrize("bias", [1, 3])
def test_noise_misjudges_on_a_log_scale_with_its_spread(bias: float) -> None:
    """log(perceived / true) ~ N(log bias, noise²), the same factor for deaths and
    injuries: c is neutral (no bias), e an enemy of b."""
    noise = 0.4
    scenario = attack({"c": seeing(noise=noise, bias=bias), "e": seeing(noise=noise, bias=bias)},
                      first=[opening("e", "criticize", "b")])
    logs: dict[str, list[float]] = {"c": [], "e": []}
    for seed in range(RUNS):
        record = escalation.simulate(scenario, seed=seed)
        (hit,) = [e for e in record.events if e.kind == "hit"]
        for name, found in logs.items():
            report = first_report(record, name)
            found.append(math.log(report.deaths / hit.deaths))
            assert math.log(report.injuries / hit.injuries) == pytest.approx(found[-1], abs=0.01)
    for name, centre in (("c", 0.0), ("e", math.log(bias))):
        assert abs(statistics.fmean(logs[name]) - centre) <= 5 * noise / math.sqrt(RUNS)
        assert statistics.stdev(logs[name]) == pytest.approx(noise, rel=0.25)


# -- when news arrives ------------------------------------------------------------------
@given(delays=st.tuples(st.integers(0, 30), st.integers(0, 30), st.integers(0, 30)))
def test_each_actor_hears_of_every_event_after_its_own_delay(
    delays: tuple[int, int, int]
) -> None:
    names = ("a", "b", "c")
    scenario = attack({name: seeing(delay) for name, delay in zip(names, delays, strict=True)})
    record = escalation.simulate(scenario)
    for event in record.events:
        heard = {p.observer: p.time for p in record.perceptions if p.event is event}
        assert heard == {name: event.time + delay for name, delay in zip(names, delays, strict=True)}


STAGED = {"deaths": [{"after_hours": 0, "share": 0.5}, {"after_hours": 48, "share": 1}],
          "injuries": [{"after_hours": 24, "share": 0.25}, {"after_hours": 48, "share": 1}]}


def staged(policies: list[dict[str, object]]) -> Scenario:
    """The attack on a victim that discloses in ``STAGED`` stages, and has ``policies``."""
    return attack({"c": seeing(delay=3, bias=2), "d": seeing(delay=5, noise=0.3)},
                  first=[opening("c", "criticize", "b")],
                  victim=seeing(delay=1, disclosure=STAGED, policies=policies))


def test_staged_disclosure_arrives_as_updates_with_the_same_misjudgement() -> None:
    """A victim reveals floor(count × share) at each stage time, to each observer at its delay
    plus the stage's hours; an observer misjudges each revision by the factor of its first
    report; own losses reach the victim's own counts as they are revealed."""
    (hit,) = [e for e in escalation.simulate(staged([])).events if e.kind == "hit"]
    deaths, injuries = hit.deaths, hit.injuries  # drawn from a's stream: b's policies keep them
    stages = [(0, deaths // 2, 0), (24, deaths // 2, injuries // 4), (48, deaths, injuries)]
    suffered = [{"when": f"perceived.kind == 'hit' and own.deaths_suffered == {d} and "
                 f"own.injuries_suffered == {i} and perceived.update == {update}",
                 "clock": "deliberation",
                 "do": {"action": "statement", "target": None, "note": f"{d} {i}"}}
                for update, (_, d, i) in zip(("false", "true", "true"), stages, strict=True)]
    record = escalation.simulate(staged(suffered))
    assert [e.note for e in record.events if e.actor == "b"] == [f"{d} {i}" for _, d, i in stages]
    assert [(p.time - hit.time - 1, p.deaths, p.injuries, p.update)
            for p in reports(record, "b")] == [(t, d, i, t > 0) for t, d, i in stages]
    assert [(p.time - hit.time - 3, p.deaths, p.injuries) for p in reports(record, "c")] == [
        (t, round(d * 2), round(i * 2)) for t, d, i in stages]
    factor = reports(record, "d")[-1].deaths / deaths  # d's misjudgement, to within rounding
    for report, (_, d, i) in zip(reports(record, "d"), stages, strict=True):
        assert report.deaths == pytest.approx(d * factor, abs=1)
        assert report.injuries == pytest.approx(i * factor, abs=1 + i / deaths)


@given(deaths=st.integers(0, 500), injuries=st.integers(0, 500),
       death_stages=st.lists(st.tuples(st.integers(0, 100), st.floats(0, 1)), max_size=4),
       injury_stages=st.lists(st.tuples(st.integers(0, 100), st.floats(0, 1)), max_size=4))
def test_disclosure_steps_reveal_floor_of_the_share_once_per_change(
    deaths: int, injuries: int, death_stages: list[tuple[int, float]],
    injury_stages: list[tuple[int, float]],
) -> None:
    """One step per stage time at which a count changes, the first always there; at each,
    the share of the latest stage reached, rounded down; everything by the last stage."""
    def staged(stages: list[tuple[int, float]]) -> tuple[tuple[float, float], ...]:
        times = sorted(float(t) for t, _ in stages)
        shares = sorted(s for _, s in stages)
        return (*zip(times, shares, strict=True), (max(times, default=0.0) + 1, 1.0))

    deaths_at, injuries_at = staged(death_stages), staged(injury_stages)
    steps = disclosure_steps(deaths, injuries, deaths_at, injuries_at)
    times = sorted({t for t, _ in deaths_at} | {t for t, _ in injuries_at})

    def shown(count: int, stages: tuple[tuple[float, float], ...], moment: float) -> int:
        return math.floor(count * max((s for t, s in stages if t <= moment), default=0.0) + 1e-9)

    expected: list[tuple[float, int, int]] = []
    for moment in times:
        counts = (shown(deaths, deaths_at, moment), shown(injuries, injuries_at, moment))
        if not expected or counts != expected[-1][1:]:
            expected.append((moment, *counts))
    assert list(steps) == expected
    assert steps[0][0] == times[0]
    assert steps[-1][1:] == (deaths, injuries)


def test_perceived_counts_never_exceed_the_most_people_a_count_may_hold() -> None:
    """A bias of ten million makes a thousand deaths ten billion: the count stops at
    ``MAX_PEOPLE``, while the few injuries, still below it, are seen as biased."""
    kinds = {"hit": {"effect": "strike", "goldstein": -5, "rung": 4, "salvo": 10,
                     "failure_probability": 0}}
    scenario = crisis(
        {"a": seeing(bias=10**7), "b": seeing()}, action_kinds=kinds,
        assets={"b_base": {"owner": "b", "personnel": 2000, "lethality": 100,
                           "injury_rate": 0.3}},
        initial_events=[opening("a", "hit", "b_base")],
    )
    for seed in range(5):
        record = escalation.simulate(scenario, seed=seed)
        (hit,) = [e for e in record.events if e.kind == "hit"]
        seen = first_report(record, "a")
        assert hit.deaths * 10**7 > MAX_PEOPLE > hit.injuries * 10**7
        assert (seen.deaths, seen.injuries) == (MAX_PEOPLE, hit.injuries * 10**7)


def test_a_capped_count_still_takes_the_phantom_deaths() -> None:
    """Phantoms are added to the capped count (and are capped themselves): an enemy's count
    of a toll past the bound is ``MAX_PEOPLE`` plus its media's invention."""
    kinds = {"hit": {"effect": "killing", "goldstein": -5, "rung": 4}}
    scenario = crisis(
        {"a": seeing(bias=10**9, inflation=5), "b": seeing()}, action_kinds=kinds,
        assets={"b_base": {"owner": "b", "personnel": 10}},
        initial_events=[opening("a", "hit", "b_base")],
    )
    extra = [first_report(escalation.simulate(scenario, seed=seed), "a").deaths - MAX_PEOPLE
             for seed in range(RUNS)]
    assert min(extra) >= 0
    assert abs(statistics.fmean(extra) - 5) <= 5 * math.sqrt(5 / RUNS)


def test_no_misjudgement_makes_something_of_nothing() -> None:
    """A bias so large that the misjudgement overflows to infinity still sees no injuries
    where there were none (0 × ∞ is no count), and the deaths at the bound."""
    kinds = {"hit": {"effect": "killing", "goldstein": -5, "rung": 4}}
    scenario = crisis(
        {"a": seeing(bias=1.7e308, noise=1), "b": seeing()}, action_kinds=kinds,
        assets={"b_base": {"owner": "b", "personnel": 10}},
        initial_events=[opening("a", "hit", "b_base")],
    )
    seen = [first_report(escalation.simulate(scenario, seed=seed), "a") for seed in range(20)]
    assert {(p.deaths, p.injuries) for p in seen} == {(MAX_PEOPLE, 0)}


def test_deaths_alone_are_disclosed_in_stages_too() -> None:
    """A killing hurts no one: its deaths alone are revealed in the victim's stages."""
    kinds = {"hit": {"effect": "killing", "goldstein": -5, "rung": 4}}
    scenario = crisis(
        {"a": seeing(), "b": seeing(disclosure={"deaths": [{"after_hours": 0, "share": 0.5},
                                                           {"after_hours": 48, "share": 1}]})},
        action_kinds=kinds, assets={"b_base": {"owner": "b", "personnel": 6}},
        initial_events=[opening("a", "hit", "b_base")],
    )
    record = escalation.simulate(scenario)
    assert [(p.time, p.deaths, p.update) for p in reports(record, "a")] == [
        (0.0, 3, False), (48.0, 6, True)]
