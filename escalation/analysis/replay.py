"""Replaying a run of a finished batch, with its full trace, from the batch's own records."""

from __future__ import annotations

import numpy as np

from escalation.engine.records import RunRecord
from escalation.engine.simulate import simulate
from escalation.montecarlo.results import Results
from escalation.scenario.compiled import Scenario


def replay_run(scenario: Scenario, results: Results, run: int) -> RunRecord:
    """Run ``run`` of the batch again with events and perceptions kept.

    The parameter values come from the batch's own row, so runs of Latin-hypercube or
    designed batches replay exactly too (independent draws would give the same values)."""
    rows = results.runs.index[results.runs["run"] == run]
    if len(rows) == 0:
        raise ValueError(f"run {run} is not in these results (runs {results.runs['run'].min()}"
                         f"..{results.runs['run'].max()})")
    row = results.runs.loc[rows[0]]
    values = scenario.parameters.base_vector()
    for parameter in scenario.parameters.uncertain:
        column = f"param.{parameter.name}"
        if column not in row.index:
            raise ValueError(f"the results have no column '{column}': they come from another "
                             "version of the scenario; load the batch folder's scenario.yaml")
        values[parameter.slot] = float(row[column])
    if np.isnan(values).any():
        return simulate(scenario, results.seed, run, keep_events=True)  # a failed run: own draws
    return simulate(scenario, results.seed, run, keep_events=True, values=values)
