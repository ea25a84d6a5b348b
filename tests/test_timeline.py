"""One run's timeline figure, checked against the run's record.

- A marker per event (warnings included), in the lane of its actor, at its day, in the
  scatter of its effect; strikes grow with their salvo; an arrow per event that answers one.
- Lanes are the actors that acted, in the scenario's order.
- Below, for each event with harm, bars as high as the real deaths and injuries and as each
  observer's last perception of them.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.patches import Rectangle
from matplotlib.text import Annotation

import escalation
from escalation.engine.records import Event, RunRecord
from escalation.plotting.timeline import MAX_HARM_EVENTS, STYLES, timeline_chart
from escalation.scenario.compiled import Scenario

ROOT = Path(__file__).resolve().parents[1]
US_IRAN = ROOT / "scenarios" / "us_iran_2020.yaml"
MINIMAL = ROOT / "benchmarks" / "minimal.yaml"


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return escalation.load_scenario(US_IRAN)


@pytest.fixture(scope="module", params=[0, 1, 2])
def record(request: pytest.FixtureRequest, scenario: Scenario) -> RunRecord:
    """The first, second and third run (seed 1) whose opening killed, with no more kinetic acts
    and accidents than the harm panel shows (so that it shows them all): not pinned to one
    run's draws, which a recalibration may change."""
    killed = (r for r in (escalation.simulate(scenario, 1, run, keep_events=True)
                          for run in range(400))
              if r.events and r.events[0].deaths
              and sum(e.kinetic or e.effect == "accident" for e in r.events) <= MAX_HARM_EVENTS)
    for _ in range(request.param):
        next(killed)
    return next(killed)


def panels(scenario: Scenario, record: RunRecord) -> tuple[Axes, Axes]:
    top, bottom = timeline_chart(scenario, record).axes
    return top, bottom


def scatters(axes: Axes) -> dict[str, PathCollection]:
    return {str(c.get_gid())[len("events-"):]: c for c in axes.collections
            if isinstance(c, PathCollection) and str(c.get_gid()).startswith("events-")}


def expected_category(event: Event) -> str:
    return event.effect if event.effect in STYLES else "other"


def test_one_marker_per_event_in_its_actors_lane_at_its_day(scenario: Scenario,
                                                            record: RunRecord) -> None:
    top, _ = panels(scenario, record)
    acted = [a.id for a in scenario.actors if any(e.actor == a.id for e in record.events)]
    assert [t.get_text() for t in top.get_yticklabels()] == acted
    assert list(top.get_yticks()) == list(range(len(acted)))
    groups = scatters(top)
    assert sum(len(np.asarray(c.get_offsets())) for c in groups.values()) == len(record.events)
    for name, collection in groups.items():
        events = [e for e in record.events if expected_category(e) == name]
        offsets = np.asarray(collection.get_offsets())
        np.testing.assert_allclose(offsets[:, 0], [e.time / 24 for e in events])
        assert offsets[:, 1].tolist() == [acted.index(e.actor) for e in events]
    assert set(groups) == {expected_category(e) for e in record.events}
    box = top.get_legend()
    assert box is not None
    legend = [t.get_text() for t in box.get_texts()]
    assert len(legend) == len(groups)
    assert all(any(t.startswith(name.replace("_", " ") + " (") for t in legend) for name in groups)


def test_strike_markers_grow_with_the_salvo(scenario: Scenario, record: RunRecord) -> None:
    top, _ = panels(scenario, record)
    strikes = [e for e in record.events if e.effect == "strike"]
    sizes = scatters(top)["strike"].get_sizes()
    assert len(sizes) == len(strikes) > 0
    order = np.argsort([e.salvo for e in strikes], kind="stable")
    assert np.all(np.diff(sizes[order]) >= 0)
    others = [c.get_sizes() for name, c in scatters(top).items() if name != "strike"]
    assert all(len(set(s)) == 1 for s in others)
    if len({e.salvo for e in strikes}) > 1:
        assert sizes.max() > sizes.min()


def test_an_arrow_from_each_cause_to_its_answer(scenario: Scenario, record: RunRecord) -> None:
    top, _ = panels(scenario, record)
    arrows = {str(t.get_gid()): t for t in top.texts
              if isinstance(t, Annotation) and str(t.get_gid()).startswith("cause-")}
    answers = [e for e in record.events if e.cause is not None]
    assert sorted(arrows) == sorted(f"cause-{e.id}" for e in answers)
    by_id = {e.id: e for e in record.events}
    for event in answers:
        arrow = arrows[f"cause-{event.id}"]
        assert event.cause is not None
        assert arrow.xy[0] == pytest.approx(event.time / 24)
        assert arrow.xyann[0] == pytest.approx(by_id[event.cause].time / 24)


def last_belief(record: RunRecord, event: Event, observer: str) -> tuple[int, int] | None:
    seen = [p for p in record.perceptions if p.event.id == event.id and p.observer == observer]
    if not seen:
        return None
    last = max(seen, key=lambda p: p.time)
    return last.deaths, last.injuries


def bars(axes: Axes) -> dict[str, Rectangle]:
    return {str(p.get_gid()): p for p in axes.patches if isinstance(p, Rectangle) and p.get_gid()}


def test_harm_bars_are_real_and_perceived_deaths_and_injuries(scenario: Scenario,
                                                              record: RunRecord) -> None:
    _, bottom = panels(scenario, record)
    shown = bars(bottom)
    harmful = {int(gid.split("-")[1]) for gid in shown}
    assert 0 in harmful  # the opening killed people
    killers = [e for e in record.events if e.deaths and (e.kinetic or e.effect == "accident")]
    assert {e.id for e in killers} <= harmful
    by_id = {e.id: e for e in record.events}
    compared = 0
    for event_id in harmful:
        event = by_id[event_id]
        assert shown[f"deaths-{event_id}-real"].get_height() == event.deaths
        assert shown[f"injuries-{event_id}-real"].get_height() == event.injuries
        for actor in scenario.actors:
            belief = last_belief(record, event, actor.id)
            if belief is None:
                assert f"deaths-{event_id}-{actor.id}" not in shown
                continue
            assert shown[f"deaths-{event_id}-{actor.id}"].get_height() == belief[0]
            assert shown[f"injuries-{event_id}-{actor.id}"].get_height() == belief[1]
            compared += 1
    assert compared >= len(scenario.actors)
    assert bottom.get_yscale() == "symlog"
    assert len(bottom.get_xticks()) == len(harmful)


def test_harm_panel_keeps_the_most_deadly_events_when_there_are_many(scenario: Scenario) -> None:
    record = next(r for r in (escalation.simulate(scenario, 1, run, keep_events=True)
                              for run in range(400))
                  if sum(bool(e.deaths) and e.kinetic for e in r.events) > 2)
    top, bottom = timeline_chart(scenario, record, max_harm_events=2).axes
    shown = {int(gid.split("-")[1]) for gid in bars(bottom)}
    assert len(shown) == 2
    assert "the 2 most deadly of" in bottom.get_title()
    assert sum(len(np.asarray(c.get_offsets())) for c in scatters(top).values()) == len(record.events)


def test_a_run_without_harm_and_a_record_without_events_say_so() -> None:
    minimal = escalation.load_scenario(MINIMAL)
    record = escalation.simulate(minimal, 1, 0, keep_events=True)
    top, bottom = panels(minimal, record)
    assert [t.get_text() for t in top.get_yticklabels()] == ["a", "b"]
    assert not bars(bottom)
    assert any("no event did harm" in t.get_text() for t in bottom.texts)
    empty = replace(record, events=(), perceptions=())
    top, bottom = panels(minimal, empty)
    assert not scatters(top)
    assert all(any("keep_events=True" in t.get_text() for t in ax.texts) for ax in (top, bottom))
