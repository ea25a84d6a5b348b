"""A per-occurrence delay's median as a per-run parameter (scenario/compiler.py ``_delay``,
model/draws.py ``Sampler.draw_in``): named ``PATH.median`` and constant unless set, it moves
nothing else when a run pins it, and calibration can fit it from observed first-answer lags
(docs/calibration.md: decision delays)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import escalation
from escalation.analysis.episodes import WHOLE_CRISIS
from escalation.analysis.posterior import abc_smc
from escalation.montecarlo.batch import run_batches
from escalation.montecarlo.gather import BatchRequest
from escalation.montecarlo.sampling import RunValues

MEDIAN = "actors.b.deliberation_hours.median"
TRUE_MEDIAN = 30.0
SERIAL = {"backend": "serial", "progress": False}

# a strikes b's base; b always answers, after deliberating for a log-normal time around
# ``median`` hours (sigma 0.3): the first-answer lag says how long b deliberates.
SLOW_ANSWER = """\
name: {name}
horizon_days: 20
quiet_days: 3
actors:
  a:
    deliberation_hours: 2
    perception: {{delay_hours: 1}}
  b:
    deliberation_hours: {{dist: lognormal, median: {median:g}, sigma: 0.3}}
    perception: {{delay_hours: 1}}
    policies:
      - id: answer
        when: "perceived.actor == 'a' and perceived.hostile and not perceived.update"
        do: {{action: sanctions, target: a}}
assets:
  b_base: {{owner: b, host: a, personnel: 100, value: 2, air_defence: 0, lethality: 0}}
initial_events:
  - {{actor: a, action: strike, target: b_base, at_hours: 0, salvo: 1}}
outcomes:
  - {{id: answered, when: "responses.b >= 1"}}
  - {{id: quiet, when: "true"}}
{observed}
"""


def slow_answer(folder: Path, name: str, median: float = 24.0, lag_days: float | None = None
                ) -> Path:
    observed = "" if lag_days is None else (
        "observed:\n  summary: toy\n  outcome: {value: answered, source: test}\n"
        f"  first_answer_days:\n    b: {{value: {lag_days:.4f}, source: test}}")
    path = folder / f"{name}.yaml"
    path.write_text(SLOW_ANSWER.format(name=name, median=median, observed=observed))
    return path


def test_the_median_is_a_named_constant_that_set_moves(tmp_path: Path) -> None:
    path = slow_answer(tmp_path, "toy")
    scenario = escalation.load_scenario(path)
    [median] = [p for p in scenario.parameters.all if p.name == MEDIAN]
    assert median.value == 24.0 and median.distribution is None
    lags = {}
    for value in (6.0, 60.0):
        moved = escalation.load_scenario(path, [f"{MEDIAN}={value:g}"])
        runs = escalation.run_batch(moved, runs=200, seed=1, **SERIAL).runs
        lags[value] = float(np.median(runs["first_act_day.b"]))
    assert lags[6.0] * 24 == pytest.approx(6.0 + 1.0, rel=0.15)  # perceived after 1 h
    assert lags[60.0] * 24 == pytest.approx(60.0 + 1.0, rel=0.15)


@pytest.mark.parametrize("backend", ["serial", "processes"])
def test_a_pinned_median_gives_the_runs_of_the_scenario_with_it_set(tmp_path: Path,
                                                                    backend: str) -> None:
    path = slow_answer(tmp_path, "toy")
    scenario = escalation.load_scenario(path)
    [slot] = [p.slot for p in scenario.parameters.all if p.name == MEDIAN]
    medians = np.array([[6.0], [60.0]] * 20)
    [varied] = run_batches([BatchRequest(scenario, 40, 3, per_run=RunValues((slot,), medians))],
                           backend=backend, workers=2, progress=False)
    for value in (6.0, 60.0):
        loaded = escalation.load_scenario(path, [f"{MEDIAN}={value:g}"])
        alone = escalation.run_batch(loaded, runs=40, seed=3, **SERIAL).runs
        same = medians[:, 0] == value
        pd.testing.assert_frame_equal(varied.runs[same].reset_index(drop=True),
                                      alone[same].reset_index(drop=True), check_categorical=False)


def test_abc_fits_a_deliberation_median_from_first_answer_lags(tmp_path: Path) -> None:
    """Eight episodes, each the first-answer lag of one run at a median of 30 hours: the
    posterior of the median covers 30 and is far narrower than the prior (1 to 120 h)."""
    model = escalation.load_scenario(slow_answer(tmp_path, "model", TRUE_MEDIAN),
                                     list(WHOLE_CRISIS))
    lags = escalation.run_batch(model, runs=8, seed=5, **SERIAL).runs["first_act_day.b"]
    library = tmp_path / "library"
    library.mkdir()
    for k, lag in enumerate(lags):
        slow_answer(library, f"episode_{k}", lag_days=float(lag))
    posterior = abc_smc(library, [MEDIAN], ranges={MEDIAN: (1.0, 120.0)}, particles=200,
                        generations=5, seed=2, **SERIAL)
    row = posterior.summary().iloc[0]
    assert row["low"] <= TRUE_MEDIAN <= row["high"]
    assert row["sd"] < 0.25 * (120.0 - 1.0) / np.sqrt(12)


def test_a_delay_left_at_its_default_takes_a_median_from_a_setting_or_a_calibrated_file(
        tmp_path: Path) -> None:
    """Actor a writes no deliberation, perception or relay time: a setting of one of their
    medians starts from the default (as calibration sets every actor's median), and the
    scenario as run writes the default out with the median set."""
    text = slow_answer(tmp_path, "written").read_text()
    path = tmp_path / "toy.yaml"
    path.write_text(text.replace("    deliberation_hours: 2\n    perception: {delay_hours: 1}\n",
                                 "    name: A\n", 1))
    names = ("actors.a.deliberation_hours.median", "actors.a.relay_delay_hours.median",
             "actors.a.perception.delay_hours.median")
    scenario = escalation.load_scenario(path)
    assert {p.name: p.value for p in scenario.parameters.all if p.name in names} == \
        dict(zip(names, (24.0, 0.25, 1.0), strict=True))  # docs/assumptions.md, default times
    moved = escalation.load_scenario(path, [f"{name}={value}" for name, value in
                                            zip(names, (30, 2, 5), strict=True)])
    assert {p.name: p.value for p in moved.parameters.all if p.name in names} == \
        dict(zip(names, (30.0, 2.0, 5.0), strict=True))
    assert moved.spec.actors["a"].relay_delay_hours.sigma == 0.7  # the default's spread kept
    calibrated = tmp_path / "calibrated.yaml"
    calibrated.write_text("parameters:\n  'actors.*.relay_delay_hours.median': 4\n")
    (tmp_path / "with_file.yaml").write_text(path.read_text().replace(
        "horizon_days", f"calibration: {calibrated.name}\nhorizon_days", 1))
    used = escalation.load_scenario(tmp_path / "with_file.yaml")
    relays = {p.name: p.value for p in used.parameters.all
              if p.name.endswith("relay_delay_hours.median")}
    assert relays == {"actors.a.relay_delay_hours.median": 4.0,
                      "actors.b.relay_delay_hours.median": 4.0}
    with pytest.raises(escalation.ScenarioError, match="is a value, not a section"):
        escalation.load_scenario(path, ["actors.b.perception.delay_hours.median=5"])  # constant
