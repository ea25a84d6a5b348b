"""escalation: Monte Carlo discrete-event simulation of international crises."""

from escalation.engine.records import Event, Perceived, RunRecord
from escalation.engine.simulate import simulate
from escalation.errors import Problem, ScenarioError
from escalation.scenario.compiled import Scenario
from escalation.scenario.loader import (
    dump_scenario,
    load_scenario,
    load_scenario_text,
    scenario_from_dict,
)

__version__ = "0.1.0"
__all__ = [
    "Event",
    "Perceived",
    "Problem",
    "RunRecord",
    "Scenario",
    "ScenarioError",
    "__version__",
    "dump_scenario",
    "load_scenario",
    "load_scenario_text",
    "scenario_from_dict",
    "simulate",
]
