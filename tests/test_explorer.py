"""The notebook explorer: sliders that re-run the batch, and the static fallback."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from matplotlib.figure import Figure

from escalation.explorer import default_parameters, explore, knobs
from escalation.scenario.loader import load_scenario

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "scenarios" / "us_iran_2020.yaml"
AVENGES = "actors.iran.policies.avenges.probability"


def bar_heights(figure: Figure) -> list[float]:
    return [patch.get_height() for patch in figure.axes[0].patches]


def test_default_parameters_are_uncertain_policy_fields_first() -> None:
    scenario = load_scenario(SEED)
    names = default_parameters(scenario)
    assert len(names) == 4
    assert AVENGES in names
    for k in knobs(scenario):
        assert k.low < k.value < k.high or k.low <= k.value <= k.high


def test_knob_ranges_follow_the_distribution() -> None:
    (k,) = knobs(load_scenario(SEED), [AVENGES])   # beta(8, 2): 1st-99th percentile ~0.46-0.98
    assert 0.4 <= k.low < 0.5 and 0.95 < k.high <= 1.0
    with pytest.raises(ValueError, match="no parameter named"):
        knobs(load_scenario(SEED), ["actors.iran.policies.nope.probability"])


def test_sliders_rerun_the_chart() -> None:
    import ipywidgets  # noqa: F401  (the test extra installs it)
    box = explore(SEED, [AVENGES, "actors.united_states.policies.sanctions_first.death_threshold"],
                  runs=60, seed=3)
    assert list(box.sliders) == [AVENGES, "actors.united_states.policies.sanctions_first.death_threshold"]
    assert all(type(s).__name__ == "FloatSlider" for s in box.sliders.values())
    assert box.children[: len(box.sliders)] == tuple(box.sliders.values())
    first, before = box.figure, bar_heights(box.figure)
    box.sliders[AVENGES].value = box.sliders[AVENGES].min
    assert box.figure is not first
    assert not np.allclose(before, bar_heights(box.figure))


def test_default_explorer_has_one_slider_per_parameter() -> None:
    import ipywidgets  # noqa: F401  (the test extra installs it)
    box = explore(SEED, runs=20)
    assert list(box.sliders) == default_parameters(load_scenario(SEED))


def test_without_widgets_a_static_figure(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ipywidgets", None)
    figure = explore(SEED, runs=40, seed=1)
    assert isinstance(figure, Figure)
    assert len(bar_heights(figure)) == len(load_scenario(SEED).outcomes)
    assert "ipywidgets" in figure.get_suptitle()
