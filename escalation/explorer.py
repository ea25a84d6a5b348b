"""An interactive explorer for notebooks: sliders for a scenario's main assumptions.

``explore(path)`` returns, when ipywidgets is installed, a widget box with one slider per
assumption and an outcome chart that is re-run (same seed: common random numbers) whenever a
slider is released. Each slider pins its field with a ``PATH=VALUE`` setting, exactly as
``escalation run --set PATH=VALUE`` would. Without ipywidgets it returns a static outcome
chart at the scenario's own values, so a notebook using it still runs everywhere.
"""

from __future__ import annotations

import importlib
import io
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from escalation.montecarlo.batch import run_batch
from escalation.montecarlo.results import Results
from escalation.plotting.outcomes import outcome_chart
from escalation.scenario.compiled import Scenario
from escalation.scenario.loader import load_scenario
from escalation.scenario.params import Parameter

DEFAULT_COUNT = 4
STEPS = 40  # slider positions between the ends of a range
NOTE = ("ipywidgets is not installed, so this is a static chart at the scenario's own values; "
        "`pip install ipywidgets` for sliders.")


@dataclass(frozen=True)
class Knob:
    """One assumption a slider moves: its setting path, range and starting value."""

    path: str
    low: float
    high: float
    value: float
    integer: bool = False

    @property
    def step(self) -> float:
        if self.integer:
            return max(1.0, float(round((self.high - self.low) / STEPS)))
        span = self.high - self.low
        if span <= 0:
            return 1.0
        return float(10 ** math.floor(math.log10(span / STEPS)))

    def setting(self, value: float) -> str:
        return f"{self.path}={round(value) if self.integer else float(value)!r}"


def default_parameters(scenario: Scenario, count: int = DEFAULT_COUNT) -> list[str]:
    """Up to ``count`` names: uncertain policy parameters first, then other uncertain
    parameters, then (if still short) policies' constant probabilities."""
    uncertain = [p.name for p in scenario.parameters.uncertain]
    ordered = [n for n in uncertain if ".policies." in n] + [n for n in uncertain if ".policies." not in n]
    constants = [p.name for p in scenario.parameters.all
                 if p.distribution is None and ".policies" in p.name and p.name.endswith(".probability")]
    return list(dict.fromkeys([*ordered, *constants]))[:count]


def knob(parameter: Parameter) -> Knob:
    """The slider range of a parameter: its distribution's 1st to 99th percentile (the whole
    support when that is finite and narrow), or around its constant value."""
    distribution = parameter.distribution
    if distribution is not None:
        low, high = (float(v) for v in distribution.ppf(np.array([0.01, 0.99])))
        middle = float(distribution.ppf(np.array([0.5]))[0])
        if parameter.integer:
            low, high, middle = math.floor(low), math.ceil(high), round(middle)
        if high <= low:
            high = low + 1.0
        step = Knob(parameter.name, low, high, middle, parameter.integer).step
        low, high = math.floor(low / step) * step, math.ceil(high / step) * step
        middle = round(middle / step) * step
        return Knob(parameter.name, round(low, 12), round(high, 12), min(max(round(middle, 12), low), high),
                    parameter.integer)
    value = parameter.value
    if parameter.name.endswith(("probability", "resolve", "credibility", "warned_factor", "air_defence")) \
            or 0.0 <= value <= 1.0:
        return Knob(parameter.name, 0.0, 1.0, value, parameter.integer)
    return Knob(parameter.name, 0.0, max(2.0 * abs(value), 1.0), value, parameter.integer)


def knobs(scenario: Scenario, parameters: Sequence[str] | None = None) -> list[Knob]:
    """The knobs for ``parameters`` (names as in the trace), or the default ones."""
    table = scenario.parameters.by_name()
    names = list(parameters) if parameters is not None else default_parameters(scenario)
    unknown = [n for n in names if n not in table]
    if unknown:
        raise ValueError(f"no parameter named {', '.join(unknown)}; names look like "
                         f"{', '.join(default_parameters(scenario, 3))}")
    return [knob(table[n]) for n in names]


def run_with(path: str | os.PathLike[str], settings: Sequence[str], runs: int, seed: int) -> Results:
    """One small serial batch of the scenario with ``settings`` applied."""
    scenario = load_scenario(path, settings)
    return run_batch(scenario, runs, seed, backend="serial", progress=False)


def figure_png(figure: Figure) -> bytes:
    """A figure as PNG bytes (works with any matplotlib backend, or none)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def explore(scenario_path: str | os.PathLike[str], parameters: list[str] | None = None,
            runs: int = 300, seed: int = 0) -> Any:
    """Sliders for the main assumptions of a scenario and its outcome chart.

    With ipywidgets: a ``VBox`` of sliders (``.sliders``, name -> slider) and an output area
    (``.output``); releasing a slider re-runs ``runs`` runs with ``seed`` and redraws the chart
    (the latest is ``.figure``, its batch ``.results``). Without ipywidgets: a static
    matplotlib Figure at the scenario's own values, with a note in its title."""
    scenario = load_scenario(scenario_path)
    chosen = knobs(scenario, parameters)
    try:
        widgets = importlib.import_module("ipywidgets")
    except ImportError:
        figure = outcome_chart(run_with(scenario_path, [], runs, seed))
        figure.suptitle(NOTE, fontsize="small", wrap=True)
        return figure
    return _widget_box(widgets, scenario_path, chosen, runs, seed)


def _widget_box(widgets: Any, path: str | os.PathLike[str], chosen: list[Knob], runs: int, seed: int) -> Any:
    from IPython.display import Image, display

    sliders: dict[str, Any] = {}
    for k in chosen:
        slider_type = widgets.IntSlider if k.integer else widgets.FloatSlider
        sliders[k.path] = slider_type(
            value=int(k.value) if k.integer else k.value,
            min=int(k.low) if k.integer else k.low,
            max=int(k.high) if k.integer else k.high,
            step=int(k.step) if k.integer else k.step,
            description=k.path.rsplit(".", 2)[-2] + "." + k.path.rsplit(".", 1)[-1],
            tooltip=k.path, continuous_update=False, readout_format=".3g" if not k.integer else "d",
            style={"description_width": "initial"}, layout=widgets.Layout(width="95%"))
    output = widgets.Output()
    status = widgets.HTML()
    box = widgets.VBox([*sliders.values(), status, output])
    box.sliders = sliders
    box.output = output
    by_path = {k.path: k for k in chosen}

    def render(_change: object = None) -> None:
        settings = [by_path[name].setting(s.value) for name, s in sliders.items()]
        status.value = "<code>" + "<br>".join(settings) + "</code>"
        results = run_with(path, settings, runs, seed)
        figure = outcome_chart(results)
        box.results, box.figure = results, figure
        output.clear_output(wait=True)
        with output:
            display(Image(data=figure_png(figure)))

    for slider in sliders.values():
        slider.observe(render, names="value")
    render()
    return box
