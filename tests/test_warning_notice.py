"""Being warned protects more the earlier the owner hears (docs/assumptions.md, "Warnings and
their relay"): the share of deaths a warning leaves is 1 - (1 - warned_factor) * (1 -
exp(-t / shelter_hours)) for t hours of notice, all of them with none, ``warned_factor`` with
ample notice. Before, any warning heard before the impact cut deaths to ``warned_factor``.

The toys strike a crowd (no cap on deaths) with ten sure hits of ten expected deaths each,
warned_factor 0 and a shelter time of half an hour, so expected deaths are 100 exp(-t / 0.5).
"""

from __future__ import annotations

import math
import statistics

import pytest
from hypothesis import given
from hypothesis import strategies as st

import escalation
from escalation.engine.effects import warned_share
from tests.toys import crisis, opening

RUNS = 300
HIT = {"effect": "strike", "goldstein": -10, "rung": 5, "salvo": 10, "duration_hours": 0,
       "failure_probability": 0}
CROWD = {"owner": "b", "host": "c", "personnel": 10**6, "lethality": 10, "warned_factor": 0,
         "shelter_hours": 0.5}


def deaths(lead: float, warned: str = "b", **host: object) -> list[int]:
    """Deaths of the strike in each of RUNS runs, warned ``lead`` hours before launch."""
    scenario = crisis({"a": {}, "b": {}, "c": host}, action_kinds={"hit": HIT},
                      assets={"crowd": CROWD},
                      initial_events=[opening("a", "hit", "crowd", warn=[warned],
                                              warning_lead_hours=lead)])
    hits = [next(e for e in escalation.simulate(scenario, seed=5, run=run).events
                 if e.kind == "hit") for run in range(RUNS)]
    assert all(h.hits == 10 for h in hits)
    return [h.deaths for h in hits]


def assert_poisson_mean(counts: list[int], mean: float) -> None:
    """Within five standard errors of a Poisson mean."""
    assert abs(statistics.fmean(counts) - mean) <= 5 * math.sqrt(mean / len(counts)) + 1e-9


@pytest.mark.parametrize("lead", [0.05, 0.25, 0.5, 1.0, 3.0])
def test_deaths_fall_with_the_owners_notice(lead: float) -> None:
    assert_poisson_mean(deaths(lead), 100 * math.exp(-lead / 0.5))


def test_a_relayed_warning_gives_the_notice_left_when_it_arrives() -> None:
    """Warned an hour ahead through the host, who takes 0.75 h to pass it on: a quarter hour."""
    relayed = deaths(1.0, "c", relays_warnings=1, relay_delay_hours=0.75)
    assert_poisson_mean(relayed, 100 * math.exp(-0.25 / 0.5))


def test_a_warning_as_the_act_lands_protects_no_one() -> None:
    just_in_time = deaths(1.0, "c", relays_warnings=1, relay_delay_hours=1.0)
    assert_poisson_mean(just_in_time, 100.0)


def test_no_shelter_time_is_the_old_all_or_nothing_warning() -> None:
    assert warned_share(0.1, 0.0, 0.0) == 0.1
    assert warned_share(0.1, 0.0, 5.0) == 0.1


@given(factor=st.floats(0, 1), shelter=st.floats(1e-3, 10), early=st.floats(0, 10),
       later=st.floats(0, 10))
def test_the_share_left_falls_from_all_to_the_warned_factor(
    factor: float, shelter: float, early: float, later: float
) -> None:
    short, long = sorted((early, later))
    assert warned_share(factor, shelter, 0.0) == pytest.approx(1.0)
    assert 1.0 + 1e-12 >= warned_share(factor, shelter, short) >= \
        warned_share(factor, shelter, long) >= factor - 1e-12
    assert warned_share(factor, shelter, shelter) == pytest.approx(
        1 - (1 - factor) * (1 - math.exp(-1)))
