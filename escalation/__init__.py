"""escalation: Monte Carlo discrete-event simulation of international crises."""

from escalation._version import __version__
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
