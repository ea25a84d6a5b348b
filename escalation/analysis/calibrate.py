"""Calibration by either method, and its honest check: each episode held out in turn.

``calibrate`` runs history matching (``calibration.history_match``: which values the record
rules out) or ABC-SMC (``posterior.abc_smc``: a posterior sample of the values). Both give a
result with the same interface: ``parameters``, ``samples`` (the table kept as
``samples_file``), ``summary()``, ``steps()`` (waves or generations), ``values()`` (one
value per pattern, for a calibrated parameter set), ``predictive_points(draws)`` and
``library_sha256()``.

``leave_one_out`` checks a method out of sample: each episode is forecast with the values
fitted on the others and scored with the backtest's proper scores, beside its own values;
kept in a folder, an interrupted check continues with the episodes not yet scored.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from escalation.analysis import calibration_store as store
from escalation.analysis import scoring
from escalation.analysis.backtest import score_episode
from escalation.analysis.calibration import Calibration, episodes_of, history_match
from escalation.analysis.episodes import Episode, Targets
from escalation.analysis.posterior import Posterior, abc_smc
from escalation.montecarlo.batch import run_batch, split_pool

METHODS: dict[str, Callable[..., Calibration | Posterior]] = {
    "history": history_match, "abc": abc_smc}
DEFAULT_SCORE_RUNS = 2000  # runs that score a held-out episode, as the backtest's


def calibrate(targets: Targets | Sequence[Episode], patterns: Sequence[str],
              method: str = "history", **options: Any) -> Calibration | Posterior:
    """Calibrate the shared ``patterns`` on the episodes of ``targets`` by ``method``
    ("history" or "abc"); ``options`` are that method's (and ``run_batch``'s)."""
    if method not in METHODS:
        raise ValueError(f"unknown calibration method '{method}'; use one of "
                         f"{', '.join(METHODS)}")
    return METHODS[method](targets, patterns, **options)


@dataclass(frozen=True)
class OutOfSample:
    """Each episode forecast with the values fitted on the others, beside the defaults."""

    table: pd.DataFrame  # one row per held-out episode
    runs: int
    seed: int

    def skill(self, level: float = 0.95, seed: int = 0) -> pd.DataFrame:
        """Per score (log, RPS): the mean with the defaults and with the values fitted out of
        sample, and the skill of the fitted values against the defaults (1 - fitted /
        default: above 0 is better), with a bootstrap interval over episodes."""
        rows = []
        for score in ("log", "rps"):
            fitted = self.table[f"{score}.fitted"].to_numpy(dtype=float)
            default = self.table[f"{score}.default"].to_numpy(dtype=float)
            low, high = scoring.bootstrap_skill(fitted, default, level, seed=seed)
            rows.append({"score": score, "default": float(default.mean()),
                         "fitted": float(fitted.mean()), "skill": scoring.skill(fitted, default),
                         "low": low, "high": high, "episodes": len(fitted)})
        return pd.DataFrame(rows)


def leave_one_out(
    targets: Targets | Sequence[Episode], patterns: Sequence[str], *, method: str = "history",
    score_runs: int = DEFAULT_SCORE_RUNS, seed: int = 0,
    on_episode: Callable[[str], None] | None = None,
    folder: str | os.PathLike[str] | None = None, resume: bool = False, **options: Any,
) -> OutOfSample:
    """Hold each episode out in turn: calibrate the others by ``method`` (``options`` are the
    method's and ``run_batch``'s), set the held-out episode's parameters to the values fitted
    (the result's ``values()``), and score its forecast with the backtest's proper scores
    (log score, RPS; ``score_runs`` runs) beside its forecast with the scenario's own values.
    An episode whose fit rules out every value keeps its own values (``fitted`` is False in
    its row). ``folder`` keeps each held-out episode's row as it is scored (``folds/``);
    ``resume`` reads the rows kept there back and scores only the episodes left."""
    episodes = episodes_of(targets)
    if len(episodes) < 2:
        raise ValueError("leaving one episode out needs at least two episodes")
    if resume and folder is None:
        raise ValueError("resuming needs the folder the check was kept in")
    kept: list[pd.DataFrame] = []
    if folder is not None:
        request = {"method": method, "patterns": list(patterns), "seed": seed,
                   "episodes": store.file_hashes({e.name: e.path for e in episodes}),
                   "folds": len(episodes), "score_runs": score_runs,
                   "options": split_pool(options)[1]}
        kept = store.start(folder, request, resume, FOLD, grows=("folds",))
    rows: list[dict[Any, Any]] = [frame.iloc[0].to_dict() for frame in kept]
    for index, held in enumerate(episodes[len(kept):], start=len(kept)):
        if on_episode is not None:
            on_episode(held.name)
        row = _held_out(held, [e for e in episodes if e is not held], patterns, method,
                        score_runs, seed, options)
        if folder is not None:
            store.save_step(folder, index, pd.DataFrame([row]), FOLD)
        rows.append(row)
    return OutOfSample(pd.DataFrame(rows), score_runs, seed)


FOLD = "fold"  # a held-out episode's step in a kept check


def _held_out(held: Episode, others: Sequence[Episode], patterns: Sequence[str], method: str,
              score_runs: int, seed: int, options: Mapping[str, Any]) -> dict[str, object]:
    """One held-out episode's row: the values fitted on ``others``, and its scores with its
    own values and with them."""
    fit = calibrate(others, patterns, method, seed=seed, **options)
    values = fit.values()
    fitted, count = held.with_values(values)
    bases = [e.real_class for e in others]
    pool = split_pool(options)[0]
    row: dict[str, object] = {"episode": held.name, "real": held.real_class,
                              "fitted": bool(count), "parameters_set": count,
                              **{f"value.{k}": v for k, v in values.items()}}
    for label, scenario in (("default", held.scenario), ("fitted", fitted)):
        results = run_batch(scenario, score_runs, seed, **{**pool, "progress": False})
        scored = score_episode(scenario, results.runs, bases, seed, str(held.path))
        row.update({f"p_real.{label}": scored.probability(), f"log.{label}": scored.log_score(),
                    f"rps.{label}": scored.rps()})
    return row
