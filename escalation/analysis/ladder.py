"""How crises climb: the top rung and the tension of every run over time, as fan-chart bands,
and how often each rung leads to each next one.

Runs end at different times. After a run ends, its rung and its tension stay at the values
they had when it ended (a crisis that ended in war stays at war), so each day's band covers
every run; the ``running`` column says which share of them was still going on (ended later
than that day), with its 95% Wilson interval.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from escalation.analysis.replay import replay_run
from escalation.montecarlo.results import Results
from escalation.montecarlo.stats import wilson
from escalation.scenario.compiled import Scenario

POINTS = 201  # days on the default grid, from day 0 to the longest run
PERCENTILES = {"p05": 5, "p25": 25, "median": 50, "p75": 75, "p95": 95}
BAND_COLUMNS = ("day", *PERCENTILES, "mean", "running", "running_low", "running_high")
END = "end"


def default_days(results: Results, points: int = POINTS) -> np.ndarray:
    """``points`` evenly spaced days from the start to the end of the longest run."""
    durations = results.completed["duration_days"].to_numpy(dtype=float)
    last = float(np.nanmax(durations, initial=0.0))
    return np.linspace(0.0, last, points)


def rung_days(results: Results) -> np.ndarray:
    """The rung_day columns of the completed runs as a (runs x rungs) array: column k-1 holds
    the first day the top rung reached k (NaN if it never did)."""
    done = results.completed
    rungs = sorted(int(c[len("rung_day."):]) for c in done.columns if c.startswith("rung_day."))
    if rungs != list(range(1, len(rungs) + 1)):
        raise ValueError(f"rung_day columns should be rung_day.1 .. rung_day.N, not {rungs}")
    return done[[f"rung_day.{k}" for k in rungs]].to_numpy(dtype=float).reshape(len(done), len(rungs))


def rung_paths(results: Results, days: np.ndarray) -> np.ndarray:
    """The top rung of each completed run at each day: a (runs x days) integer array.

    After a run ends its rung stays at the last value it reached (the top rung never goes
    down), so a run that ended in war counts as at war on every later day."""
    first = rung_days(results)
    grid = np.asarray(days, dtype=float)
    paths = np.zeros((first.shape[0], grid.size), dtype=np.int16)
    for k in range(first.shape[1]):
        reached = first[:, k, None] <= grid[None, :]  # NaN (never reached) compares False
        paths[reached] = k + 1
    return paths


def rung_bands(results: Results, days: np.ndarray | None = None) -> pd.DataFrame:
    """Per day: percentiles (p05, p25, median, p75, p95) and mean of the top rung across the
    completed runs, and the share of runs still running with its 95% Wilson interval.

    Rungs are whole steps, so a percentile is a rung that runs really were at: the p-th
    percentile is the lowest rung at or below which at least p% of the runs stand (the
    inverted CDF). Computed from how many runs reached each rung, without a runs x days
    array, so a million runs take no more memory than a few."""
    grid = default_days(results) if days is None else np.asarray(days, dtype=float)
    first = rung_days(results)
    total = first.shape[0]
    # reached[k, d]: runs whose top rung was k+1 or higher on day d.
    reached = np.array([np.searchsorted(np.sort(column[~np.isnan(column)]), grid, side="right")
                        for column in first.T], dtype=np.int64).reshape(first.shape[1], grid.size)
    columns: dict[str, np.ndarray] = {}
    for name, percent in PERCENTILES.items():
        # Rung k+1 is at or below the percentile when fewer than p% of runs stand below it.
        below = 100 * (total - reached) < percent * total
        columns[name] = below.sum(axis=0).astype(float) if total else np.full(grid.size, np.nan)
    mean = reached.sum(axis=0) / total if total else np.full(grid.size, np.nan)
    durations = results.completed["duration_days"].to_numpy(dtype=float)
    return _bands_frame(grid, columns, mean, durations)


def tension_paths(scenario: Scenario, results: Results, days: np.ndarray, runs: int = 500
                  ) -> np.ndarray:
    """The tension of the first ``runs`` completed runs (in run order) at each day: a
    (runs x days) array, exact rather than interpolated.

    Tension is not stored per run, so it is rebuilt from each run's events: the events the
    batch kept (``results.events``) or, without them, an exact replay of the run. At each
    event tension jumps to the level recorded right after it; in between it decays with the
    run's half-life (``level * 0.5 ** (hours since the event / half-life hours)``); before the
    first event it is 0. After a run ends it stays at its value at the end."""
    grid = np.asarray(days, dtype=float) * 24.0
    chosen = _first_runs(results, runs)
    kept = results.events
    if kept is not None:
        rows_of = kept.groupby("run").indices  # run -> positions of its events
        all_times, all_levels = kept["time"].to_numpy(float), kept["tension"].to_numpy(float)
    paths = np.zeros((len(chosen), grid.size))
    for i, (_, row) in enumerate(chosen.iterrows()):
        if kept is not None:
            at = rows_of.get(int(row["run"]), np.empty(0, dtype=np.int64))
            times, levels = all_times[at], all_levels[at]
        else:
            events = replay_run(scenario, results, int(row["run"])).events
            times = np.array([e.time for e in events], dtype=float)
            levels = np.array([e.tension for e in events], dtype=float)
        order = np.argsort(times, kind="stable")  # simultaneous events keep their order
        hours = np.minimum(grid, float(row["duration_days"]) * 24.0)
        paths[i] = _decayed(times[order], levels[order], half_life_hours(scenario, row), hours)
    return paths


def tension_bands(scenario: Scenario, results: Results, days: np.ndarray | None = None,
                  runs: int = 500) -> pd.DataFrame:
    """Per day: percentiles, mean and share still running (as ``rung_bands``) of the tension
    of the first ``runs`` completed runs, rebuilt exactly by ``tension_paths``."""
    grid = default_days(results) if days is None else np.asarray(days, dtype=float)
    paths = tension_paths(scenario, results, grid, runs)
    if paths.shape[0]:
        values = np.percentile(paths, list(PERCENTILES.values()), axis=0)
        columns = dict(zip(PERCENTILES, values, strict=True))
        mean = paths.mean(axis=0)
    else:
        columns = {name: np.full(grid.size, np.nan) for name in PERCENTILES}
        mean = np.full(grid.size, np.nan)
    durations = _first_runs(results, runs)["duration_days"].to_numpy(dtype=float)
    return _bands_frame(grid, columns, mean, durations)


def half_life_hours(scenario: Scenario, row: pd.Series) -> float:
    """The tension half-life of one run, in hours: its own draw when the half-life is an
    uncertain parameter (its ``param.`` column), the scenario's constant otherwise."""
    parameter = scenario.parameters.all[scenario.tension.half_life_days]
    column = f"param.{parameter.name}"
    if parameter.distribution is None:
        return parameter.value * 24.0
    if column not in row.index:
        raise ValueError(f"the results have no column '{column}': they come from another "
                         "version of the scenario")
    return float(row[column]) * 24.0


def transition_matrix(results: Results, normalize: bool = False) -> pd.DataFrame:
    """How often each top rung led to each next one, over the completed runs.

    Each run's top rung climbs through a sequence of distinct rungs (rungs passed on the
    same day are skipped: a jump from 0 to 6 is one step); rows are the rung a step starts
    from (0 is the start), columns the rung it leads to, and 'end' where runs stopped.
    Counts, or row shares with ``normalize`` (NaN for rungs no run stood on)."""
    first = rung_days(results)
    runs, top = first.shape
    levels = np.concatenate([np.zeros((runs, 1)), first], axis=1)  # day each level was reached
    # A reached level is stood on unless the next level was reached the same day.
    stood = ~np.isnan(levels)
    stood[:, :-1] &= ~(levels[:, 1:] == levels[:, :-1])
    stood[:, 0] = True  # every run starts at rung 0
    # Column m - 1 counts steps to level m (1..top); column top, the 'end' (level top + 1).
    counts = np.zeros((top + 1, top + 1), dtype=np.int64)
    following = np.full(runs, top + 1)  # the next level stood on, above each level
    for level in range(top, -1, -1):
        here = stood[:, level]
        np.add.at(counts, (level, following[here] - 1), 1)
        following = np.where(here, level, following)
    table = pd.DataFrame(counts, index=pd.Index(range(top + 1), name="from"),
                         columns=pd.Index([*range(1, top + 1), END], name="to"))
    if not normalize:
        return table
    sums = table.sum(axis=1).replace(0, np.nan)
    return table.div(sums, axis=0)


def _first_runs(results: Results, runs: int) -> pd.DataFrame:
    return results.completed.sort_values("run", kind="stable").head(runs)


def _decayed(times: np.ndarray, levels: np.ndarray, half_life: float, hours: np.ndarray
             ) -> np.ndarray:
    """Tension at ``hours`` from the levels right after events at ``times`` (sorted)."""
    if times.size == 0:
        return np.zeros_like(hours)
    last = np.searchsorted(times, hours, side="right") - 1
    index = np.maximum(last, 0)
    return np.where(last >= 0, levels[index] * 0.5 ** ((hours - times[index]) / half_life), 0.0)


def _bands_frame(days: np.ndarray, percentiles: dict[str, np.ndarray], mean: np.ndarray,
                 durations: np.ndarray) -> pd.DataFrame:
    total = durations.size
    still = total - np.searchsorted(np.sort(durations), days, side="right")  # ended later
    intervals = np.array([wilson(int(n), total) for n in still]).reshape(days.size, 2)
    frame = pd.DataFrame({"day": days, **percentiles, "mean": mean,
                          "running": still / total if total else np.full(days.size, np.nan),
                          "running_low": intervals[:, 0], "running_high": intervals[:, 1]})
    return frame[list(BAND_COLUMNS)]
