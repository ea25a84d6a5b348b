"""escalation: Monte Carlo discrete-event simulation of international crises.

The public names load on first use (PEP 562), so a worker process that only runs chunks does
not pay for pandas and PyArrow at start-up.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from escalation import native
from escalation._version import __version__

native.use_sources()  # before anything imports the engine: its sources or its compiled build

if TYPE_CHECKING:
    from escalation.engine.records import Event, Perceived, RunRecord
    from escalation.engine.simulate import simulate
    from escalation.errors import Problem, ScenarioError
    from escalation.montecarlo.batch import run_batch
    from escalation.montecarlo.results import Results
    from escalation.scenario.compiled import Scenario
    from escalation.scenario.loader import (
        dump_scenario,
        load_scenario,
        load_scenario_text,
        scenario_from_dict,
    )

_HOMES = {
    "Event": "escalation.engine.records",
    "Perceived": "escalation.engine.records",
    "RunRecord": "escalation.engine.records",
    "simulate": "escalation.engine.simulate",
    "Problem": "escalation.errors",
    "ScenarioError": "escalation.errors",
    "run_batch": "escalation.montecarlo.batch",
    "Results": "escalation.montecarlo.results",
    "Scenario": "escalation.scenario.compiled",
    "dump_scenario": "escalation.scenario.loader",
    "load_scenario": "escalation.scenario.loader",
    "load_scenario_text": "escalation.scenario.loader",
    "scenario_from_dict": "escalation.scenario.loader",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'escalation' has no attribute '{name}'")
    value = getattr(import_module(home), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOMES])


__all__ = [
    "Event",
    "Perceived",
    "Problem",
    "Results",
    "RunRecord",
    "Scenario",
    "ScenarioError",
    "__version__",
    "dump_scenario",
    "load_scenario",
    "load_scenario_text",
    "run_batch",
    "scenario_from_dict",
    "simulate",
]
