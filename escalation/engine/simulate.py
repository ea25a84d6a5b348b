"""``simulate``: one run of a scenario from a seed, returned as a ``RunRecord``."""

from __future__ import annotations

import numpy as np

from escalation.engine.records import RunRecord
from escalation.engine.streams import Streams, run_seed
from escalation.engine.world import World
from escalation.scenario.compiled import Scenario


def sample_uniforms(scenario: Scenario, streams: Streams) -> np.ndarray:
    """This run's uniforms for its uncertain parameters, from its own parameter stream."""
    rng = streams.get("parameters")
    return np.array([rng.random() for _ in scenario.parameters.uncertain])


def simulate(
    scenario: Scenario, seed: int = 0, run: int = 0, *, keep_events: bool = True,
    values: np.ndarray | None = None,
) -> RunRecord:
    """Run ``run`` of the batch with root ``seed``; the same arguments give the same record.

    ``values`` (a full parameter vector) overrides the run's own parameter draws: batches
    pass it to sample parameters by Latin hypercube, sweeps to pin one.
    """
    streams = Streams(run_seed(seed, run))
    if values is None:
        values = scenario.parameters.values_from_uniforms(sample_uniforms(scenario, streams))[0]
    world = World(scenario, values.tolist(), streams, keep_events)
    world.run()
    tally = world.tally
    outcome = tally.classify(world)
    parameter_values = {p.name: float(values[p.slot]) for p in scenario.parameters.uncertain}
    return RunRecord(
        scenario=scenario.name, seed=seed, run=run, outcome=outcome, ended_by=tally.ended_by,
        duration_days=world.env.now / 24.0, max_rung=world.ladder.top,
        max_tension=world.tension.peak, hostile_acts=tally.hostile_acts,
        kinetic_acts=tally.kinetic_acts, kinetic_responses=tally.kinetic_responses,
        stand_downs=tally.stand_downs, threats_made=tally.threats_made,
        threats_carried_out=tally.threats_carried_out,
        threats_backed_down=tally.threats_backed_down, homeland_strikes=tally.homeland_strikes,
        accident_deaths=tally.accident_deaths, deaths=dict(tally.deaths),
        injuries=dict(tally.injuries), threats=dict(tally.threats),
        parameters=parameter_values, events=tuple(world.events),
        perceptions=tuple(world.perceptions),
    )
