"""``simulate``: one run of a scenario from a seed, returned as a ``RunRecord``."""

from __future__ import annotations

import numpy as np

from escalation.engine.guard import RunStopped
from escalation.engine.records import RunRecord
from escalation.engine.tally import FAILED
from escalation.engine.world import World
from escalation.model.streams import Streams, named_uniforms, run_seed
from escalation.scenario.compiled import Scenario


def sample_uniforms(scenario: Scenario, seeds: np.ndarray) -> np.ndarray:
    """Uniforms for the uncertain parameters of runs with these seeds (a row per run), each
    keyed by the parameter's name so that pinning or adding one leaves the others alone."""
    return named_uniforms(seeds, scenario.parameters.keys)


def run_values(scenario: Scenario, own_seed: int) -> np.ndarray:
    """The parameter vector of the run with seed ``own_seed`` (its own draws)."""
    uniforms = sample_uniforms(scenario, np.array([own_seed], dtype=np.uint64))
    return scenario.parameters.values_from_uniforms(uniforms)[0]


def run_world(scenario: Scenario, own_seed: int, values: list[float], keep_events: bool) -> World:
    """Play one run, from its own seed and parameter vector, and return the finished world:
    ``simulate`` makes a ``RunRecord`` of it, batches read their columns straight off it."""
    world = World(scenario, values, Streams(own_seed), keep_events)
    world.run()
    return world


def simulate(
    scenario: Scenario, seed: int = 0, run: int = 0, *, keep_events: bool = True,
    values: np.ndarray | None = None,
) -> RunRecord:
    """Run ``run`` of the batch with root ``seed``; the same arguments give the same record.

    ``values`` (a full parameter vector) overrides the run's own parameter draws: batches
    pass it to sample parameters by Latin hypercube, sweeps to pin one. A run that reaches
    one of its bounds (engine/guard.py) is returned as a failed run: its outcome is 'failed',
    its ``error`` says why, and its events are those up to the stop.
    """
    own_seed = run_seed(seed, run)
    if values is None:
        values = run_values(scenario, own_seed)
    world = World(scenario, values.tolist(), Streams(own_seed), keep_events)
    error = ""
    try:
        world.run()
    except RunStopped as stopped:
        error = f"{type(stopped).__name__}: {stopped}"
    tally = world.tally
    if error:
        tally.ended_by = outcome = FAILED
    else:
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
        injuries=dict(tally.injuries), economic_loss=dict(tally.economic_loss),
        threats=dict(tally.threats),
        parameters=parameter_values, path=tally.path, crisis_days=world.last_hostile / 24.0,
        terminal_day=tally.terminal_day,
        rung_days=dict(tally.rung_days),
        events=tuple(world.events),
        perceptions=tuple(world.perceptions), error=error,
        first_act_days=dict(tally.first_acts),
    )
