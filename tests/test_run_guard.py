"""The run guard: a run that would never end, or would overflow, ends as a failed run that says
why, and the loader warns of what it can see before any run.

Each scenario here hung or crashed the engine before the guard: two actors answering each
other with no delay looped at one instant for ever; an initiative at 1e300 a day never let
the clock reach the horizon; a salvo drawn beyond any stock looped over each unit; an absurd
perceived death toll overflowed into ``OverflowError``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import escalation
from escalation.cli import main
from escalation.errors import ScenarioError
from escalation.scenario.loader import load_scenario_text

PING_PONG = """
name: ping_pong
actors:
  a:
    deliberation_hours: 0
    perception: {delay_hours: 0}
    policies:
      - {when: "perceived.actor == 'b'", clock: deliberation, do: {action: criticize, target: b}}
  b:
    deliberation_hours: 0
    perception: {delay_hours: 0}
    policies:
      - {when: "perceived.actor == 'a'", clock: deliberation, do: {action: criticize, target: a}}
  c: {}
initial_events:
  - {actor: a, action: criticize, target: b}
"""

RESTLESS = """
name: restless
horizon_days: 30
actors:
  a:
    initiatives:
      - {id: needle, rate_per_day: 1e300, min_tension: 1000, do: {action: criticize, target: b}}
  b: {}
"""

SALVO = """
name: salvo
actors:
  a: {}
  b: {}
assets:
  depot: {owner: b, kind: base, personnel: 10}
initial_events:
  - {actor: a, action: strike, target: depot, salvo: SALVO}
"""

DEADLY_NEWS = """
name: deadly_news
horizon_days: 5
quiet_days: 1
actors:
  a:
    perception: {enemy_loss_bias: 1e300, noise: 900}
  b: {}
tension: {alert_threshold: 0}
accidents:
  - {id: blast, actor: a, victims: b, rate_per_day: 50, deaths: 1e9, max_occurrences: 2}
initial_events:
  - {actor: a, action: criticize, target: b}
"""


def write(tmp_path: Path, text: str, name: str = "scenario.yaml") -> Path:
    file = tmp_path / name
    file.write_text(text)
    return file


def test_actors_answering_each_other_at_once_stop_at_the_instant_limit() -> None:
    scenario = load_scenario_text(PING_PONG, "ping_pong.yaml")
    record = escalation.simulate(scenario, seed=1)
    assert (record.outcome, record.ended_by) == ("failed", "failed")
    assert "limits.max_events_per_instant = 10,000" in record.error
    assert "a, b (a:criticize, b:criticize)" in record.error  # the loop's actors, not c
    assert record.duration_days == 0
    assert record.events  # what happened up to the stop is kept for the trace


def test_the_limits_are_settable() -> None:
    scenario = load_scenario_text(PING_PONG, "ping_pong.yaml",
                                  settings=["limits.max_events_per_instant=50"])
    record = escalation.simulate(scenario, seed=1)
    assert "limits.max_events_per_instant = 50 " in record.error
    assert len(record.events) < 50
    seed = escalation.load_scenario(Path(__file__).parents[1] / "scenarios" / "us_iran_2020.yaml",
                                    settings=["limits.max_events=3"])
    assert "limits.max_events = 3 " in escalation.simulate(seed, seed=1).error


def test_a_process_too_fast_for_the_clock_stops_at_the_run_limit() -> None:
    scenario = load_scenario_text(RESTLESS, "restless.yaml")
    record = escalation.simulate(scenario, seed=2)
    assert record.outcome == "failed"
    assert "limits.max_events = 100,000" in record.error
    assert "initiative a.needle of a kept scheduling" in record.error
    assert any("1e+300 arrivals a day" in w.message for w in scenario.warnings)


def test_a_batch_records_runaway_runs_as_failed_with_their_reason() -> None:
    scenario = load_scenario_text(PING_PONG, "ping_pong.yaml",
                                  settings=["limits.max_events_per_instant=100"])
    results = escalation.run_batch(scenario, runs=4, seed=3, backend="serial", progress=False)
    assert results.failures == 4
    assert results.runs["error"].str.startswith("RunawayRun: run stopped at limits.").all()


@pytest.mark.parametrize("salvo", ["1e308", "{dist: uniform, low: 1e6, high: 1e7}"])
def test_a_salvo_that_cannot_be_meant_is_refused_at_its_line(salvo: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text(SALVO.replace("SALVO", salvo), "salvo.yaml")
    (problem,) = caught.value.problems
    assert str(problem.location).startswith("salvo.yaml:9:")
    assert "initial_events[0].salvo" in str(problem) and "at most 100,000" in str(problem)


def test_a_salvo_drawn_beyond_the_bound_stops_the_run() -> None:
    scenario = load_scenario_text(
        SALVO.replace("SALVO", "{dist: lognormal, median: 1e5, sigma: 3}"), "salvo.yaml")
    errors = {escalation.simulate(scenario, seed=4, run=run).error for run in range(30)}
    stopped = {e for e in errors if e}
    assert stopped and errors - stopped  # some draws pass the bound, some do not
    assert all("the salvo of a's strike" in e and "100,000" in e for e in stopped)


def test_absurd_perceived_tolls_are_capped_not_overflowed(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    file = write(tmp_path, DEADLY_NEWS)
    assert main(["trace", str(file), "--seed", "5"]) == 0
    record = escalation.simulate(escalation.load_scenario(file), seed=5)
    assert record.accident_deaths == 2 * 10**9
    seen = [p.deaths for p in record.perceptions if p.event.effect == "accident"]
    assert seen and max(seen) <= 10**9 + 10**9  # capped toll (+ phantom deaths, capped too)
    assert "Traceback" not in capsys.readouterr().err


def test_trace_shows_a_runaway_run_and_why_it_stopped(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trace", str(write(tmp_path, PING_PONG)), "--set",
                 "limits.max_events_per_instant=500"]) == 0
    out = capsys.readouterr().out
    assert "outcome: failed" in out and "the run failed: RunawayRun" in out
    assert "more) <- #0 a criticize" in out  # the causal chain is shortened


def test_the_loader_warns_of_actors_that_answer_at_once() -> None:
    scenario = load_scenario_text(PING_PONG, "ping_pong.yaml")
    (warning,) = scenario.warnings
    assert str(warning.location) == "ping_pong.yaml:5:5"  # actor a
    assert "actors a, b perceive and decide with no delay" in warning.message
    delayed = load_scenario_text(PING_PONG, "ping_pong.yaml",
                                 settings=["actors.b.perception.delay_hours=1"])
    assert "actor a perceives" in delayed.warnings[0].message  # a still answers its own acts
    library = Path(__file__).parents[1] / "scenarios"
    assert all(not escalation.load_scenario(f).warnings for f in sorted(library.glob("*.yaml")))


def test_explain_shortens_a_runaway_chain_and_says_why_it_stopped(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", str(write(tmp_path, PING_PONG)), "--set",
                 "limits.max_events_per_instant=500"]) == 0
    out = capsys.readouterr().out
    assert "more steps ..." in out and len(out.splitlines()) < 200
    assert "why it stopped: RunawayRun: run stopped at limits.max_events_per_instant" in out


def test_explain_a_run_stopped_before_its_first_act(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    file = write(tmp_path, SALVO.replace("SALVO", "{dist: lognormal, median: 1e6, sigma: 0.01}"))
    assert main(["explain", str(file)]) == 0
    out = capsys.readouterr().out
    assert "The run stopped before any act was carried out." in out
    assert "why it stopped: OutOfBounds: the salvo of a's strike (opening_0)" in out


def test_validate_prints_each_warning_at_its_line(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    file = write(tmp_path, PING_PONG, "ping_pong.yaml")
    assert main(["validate", str(file)]) == 0
    out, err = capsys.readouterr()
    assert "valid scenario 'ping_pong'" in out and "; 1 warning (standard error)" in out
    assert f"{file}:5:5: actors.a: warning: actors a, b perceive and decide with no delay" in err


def test_an_internal_error_is_one_line_and_a_bug_report_request(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("a fault planted by the test")

    monkeypatch.setattr("escalation.cli.batch.simulate", broken)
    file = write(tmp_path, PING_PONG)
    assert main(["trace", str(file)]) == 1
    err = capsys.readouterr().err
    assert "internal error: ZeroDivisionError: a fault planted by the test" in err
    assert "This is a bug" in err and "Traceback" not in err
    monkeypatch.setenv("ESCALATION_DEBUG", "1")
    with pytest.raises(ZeroDivisionError):
        main(["trace", str(file)])
