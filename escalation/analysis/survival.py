"""How soon things happen: Kaplan–Meier curves of the time to an outcome or to a rung.

``1 - survival`` is the probability that it has happened by a given day, with a 95%
interval (Greenwood's variance on the log(-log) scale, which keeps the interval inside
[0, 1]).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from escalation.montecarlo.results import Results
from escalation.montecarlo.stats import Z95

KM_COLUMNS = ("time", "at_risk", "events", "survival", "ci_low", "ci_high")


def kaplan_meier(times: np.ndarray | pd.Series, observed: np.ndarray | pd.Series,
                 z: float = Z95) -> pd.DataFrame:
    """The product-limit estimate of survival, one row per distinct event time.

    ``times`` are when each subject had its event or was censored (``observed`` False);
    a subject censored at an event time still counts as at risk then. Columns: time,
    at_risk, events, survival, and its 95% interval ci_low, ci_high:
    ``S ** exp(±z * se)`` with ``se = sqrt(sum d / (n (n - d))) / |log S|`` (Greenwood's
    variance, log(-log) transform). Where S is 0 the interval is undefined (NaN)."""
    t = np.asarray(times, dtype=float)
    seen = np.asarray(observed, dtype=bool)
    if t.shape != seen.shape or t.ndim != 1:
        raise ValueError("times and observed must be two 1-D arrays of the same length")
    if np.isnan(t).any():
        raise ValueError("times must not be NaN: give censored subjects their censoring time")
    ordered = np.sort(t)
    moments, events = np.unique(t[seen], return_counts=True)
    at_risk = ordered.size - np.searchsorted(ordered, moments, side="left")
    with np.errstate(divide="ignore", invalid="ignore"):
        survival = np.cumprod(1.0 - events / at_risk)
        greenwood = np.cumsum(events / (at_risk * (at_risk - events)))
        spread = z * np.sqrt(greenwood) / np.abs(np.log(survival))
        low = survival ** np.exp(spread)
        high = survival ** np.exp(-spread)
    empty = survival <= 0
    return pd.DataFrame({
        "time": moments, "at_risk": at_risk.astype(np.int64), "events": events.astype(np.int64),
        "survival": survival, "ci_low": np.where(empty, np.nan, low),
        "ci_high": np.where(empty, np.nan, high),
    }, columns=list(KM_COLUMNS))


def time_to_outcome(results: Results, outcome: str, horizon_days: float | None = None
                    ) -> pd.DataFrame:
    """Kaplan–Meier table of the time (days) until a run ends in ``outcome``.

    A run with that outcome has its event when it ends (``duration_days``; one classified
    at the horizon counts at the horizon). A run that ended in another outcome can never
    reach this one, so it stays in the risk set until the horizon, where it is censored;
    were it censored when it ended, 1 - S would estimate the chance of the outcome in a
    world where the other outcomes could not happen. With every run followed to the
    horizon, 1 - S(t) is then exactly the cumulative incidence: the share of runs that
    ended in ``outcome`` by day t. ``horizon_days`` defaults to the longest run."""
    done = results.completed
    names = set(results.outcome_ids) | set(done["outcome"].astype(str))
    if outcome not in names:
        raise ValueError(f"unknown outcome '{outcome}'; the outcomes are {', '.join(sorted(names))}")
    durations = done["duration_days"].to_numpy(dtype=float)
    hit = (done["outcome"].astype(str) == outcome).to_numpy()
    return _censored_at_horizon(np.where(hit, durations, np.nan), durations, horizon_days)


def first_passage(results: Results, rung: int, horizon_days: float | None = None) -> pd.DataFrame:
    """Kaplan–Meier table of the time (days) until the crisis first reaches ``rung`` or
    higher (the run's ``rung_day.<rung>``); runs that never do are censored at the horizon
    (``horizon_days``, by default the longest run), so 1 - S(t) is the share of runs that
    had reached the rung by day t."""
    done = results.completed
    column = f"rung_day.{rung}"
    if column not in done.columns:
        rungs = sorted(int(c[len("rung_day."):]) for c in done.columns if c.startswith("rung_day."))
        raise ValueError(f"no column '{column}': rungs {rungs[0] if rungs else '-'}.."
                         f"{rungs[-1] if rungs else '-'} have first-passage days")
    durations = done["duration_days"].to_numpy(dtype=float)
    return _censored_at_horizon(done[column].to_numpy(dtype=float), durations, horizon_days)


def _censored_at_horizon(event_days: np.ndarray, durations: np.ndarray,
                         horizon_days: float | None) -> pd.DataFrame:
    """KM where runs with an event day (not NaN) at or before the horizon have their event
    and every other run is censored at the horizon."""
    horizon = float(np.nanmax(durations, initial=0.0)) if horizon_days is None else horizon_days
    observed = ~np.isnan(event_days) & (event_days <= horizon)
    return kaplan_meier(np.where(observed, event_days, horizon), observed)
