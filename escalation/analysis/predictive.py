"""Posterior predictive checks of a calibration: what the values it keeps predict.

History matching (``escalation.analysis.calibration``) leaves a sample of points not ruled
out (NROY); ABC-SMC (``escalation.analysis.posterior``) a weighted posterior sample. The
check runs every episode at up to ``draws`` of them (evenly spaced rows of
``Calibration.plausible``; a systematic resample of the posterior by weight: the result's
``predictive_points``), pools each episode's runs over the points, and sets what really
happened beside that pooled, predictive distribution: for the outcome class, the probability
the model gives the real class; for each observed number (lags, deaths, hostile acts, crisis
days), where the observed value falls among the model's values. An episode whose observed
values lie in the tails at every point kept is one the shared parameters cannot reproduce;
one whose values lie in the middle is reproduced without being explained.

Conventions are the backtest's (``escalation.analysis.backtest``): half a run is added to
each class, and an actor that never acts is taken to act at the horizon. Point k runs runs
k·n .. k·n + n - 1 of its scenarios (n runs per point), so that the pooled runs never reuse a
run's chance at another point, and the check depends only on the calibration, the episodes,
the options and ``seed``, on any backend and worker count.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from escalation.analysis.backtest import (
    EpisodeScore,
    FactScore,
    fact_observed,
    fact_sample,
    score_episode,
)
from escalation.analysis.calibration import Calibration, episodes_of
from escalation.analysis.episodes import Episode, Targets
from escalation.analysis.posterior import Posterior
from escalation.montecarlo.batch import BatchRequest, run_batches, split_pool
from escalation.montecarlo.chunk import FAILED
from escalation.scenario.compiled import Scenario
from escalation.scenario.observed import ObservedFact

DEFAULT_RUNS = 1000  # runs per episode, over all the points drawn
DEFAULT_DRAWS = 20  # points of the NROY sample run
LEVEL = 0.9  # the central range an observed value should fall in
OUTCOME = "outcome"
COLUMNS = ["episode", "output", "kind", "observed", "observed_class", "never", "median", "low90",
           "high90", "p_real", "p_never", "pit", "tail", "in90", "runs", "points", "source"]


@dataclass(frozen=True)
class EpisodeCheck:
    """One episode's predictive distribution: its runs at every point drawn, pooled (the
    ``point`` column says which row of ``PredictiveCheck.points`` each ran at), and the
    backtest's scores of them."""

    episode: Episode  # as written: its file, observed facts, classes and horizon
    runs: pd.DataFrame = field(repr=False)
    score: EpisodeScore

    def completed(self) -> pd.DataFrame:
        """The runs that did not fail."""
        return self.runs[self.runs["outcome"] != FAILED]

    def values(self, fact: ObservedFact) -> np.ndarray:
        """The completed runs' values of a numeric fact; for a lag, a run whose actor never
        acted counts as acting at the horizon (as in the backtest)."""
        return fact_sample(fact, self.completed(), self.episode.scenario.spec.horizon_days)

    def observed(self, fact: ObservedFact) -> float:
        """The observed value of a numeric fact; the horizon for an actor that never acted."""
        return fact_observed(fact, float(self.episode.scenario.spec.horizon_days))

    def probabilities(self) -> dict[str, float]:
        """The model's probability of each class, least to most severe (half a run added to
        each, as in the backtest)."""
        return dict(zip(self.score.classes, self.score.forecasts["model"], strict=True))


@dataclass(frozen=True)
class PredictiveCheck:
    """Each episode run at points not ruled out, pooled; ``table`` sets each observed output
    beside the model's distribution of it."""

    episodes: tuple[EpisodeCheck, ...]
    points: pd.DataFrame  # the points run (``predictive_points``), one column per pattern
    runs_per_point: int
    seed: int
    meta: dict[str, object] = field(default_factory=dict)

    def table(self) -> pd.DataFrame:
        """One row per episode and observed output: the outcome class first, then each
        number in the order of the scenario's observed facts.

        - ``observed``: the observed number (NaN for the outcome, and for an actor that
          never acted, whose ``never`` is True: it is compared at the horizon);
          ``observed_class``: the real class (outcome rows only);
        - ``median``, ``low90``, ``high90``: the model's median and 5% and 95% quantiles;
        - ``p_real``: the model's probability of the real class (outcome rows);
          ``p_never``: of the actor never acting (lag rows);
        - ``pit``: the share of the model's values below the observed one, a uniform draw
          across an atom at it (the backtest's PIT; numbers only);
        - ``tail``: how surprising the observation is. For a number, the two-sided tail
          probability 2·min(P(X ≤ y), P(X ≥ y)), at most 1; for the outcome, the probability
          of the classes no more likely than the real one. Small is surprising;
        - ``in90``: whether the observed number lies in the central 90% range; for the
          outcome, whether the real class is among the likeliest classes that together make
          up 90% (that is, ``tail`` > 0.1);
        - ``runs``: the completed runs pooled; ``points``: the points they ran at."""
        rows = []
        for check in self.episodes:
            rows.append(self._outcome_row(check))
            rows += [self._fact_row(check, fact, score)
                     for fact, score in zip(_facts(check), check.score.facts, strict=True)]
        return pd.DataFrame(rows, columns=COLUMNS)

    def _common(self, check: EpisodeCheck) -> dict[str, object]:
        return {"episode": check.episode.name, "runs": check.score.runs, "points": len(self.points)}

    def _outcome_row(self, check: EpisodeCheck) -> dict[str, object]:
        probabilities = check.probabilities()
        real = check.score.real
        tail = sum(p for p in probabilities.values() if p <= probabilities[real])
        observed = check.episode.scenario.observed
        assert observed is not None
        return {**self._common(check), "output": OUTCOME, "kind": OUTCOME, "observed": math.nan,
                "observed_class": real, "never": False, "median": math.nan, "low90": math.nan,
                "high90": math.nan, "p_real": probabilities[real], "p_never": math.nan,
                "pit": math.nan, "tail": float(min(tail, 1.0)), "in90": bool(tail > 1.0 - LEVEL),
                "source": observed.outcome.source}

    def _fact_row(self, check: EpisodeCheck, fact: ObservedFact, score: FactScore
                  ) -> dict[str, object]:
        values = check.values(fact)
        observed = check.observed(fact)
        tail = 2.0 * min(float(np.mean(values <= observed)), float(np.mean(values >= observed)))
        return {**self._common(check), "output": fact.name, "kind": fact.kind,
                "observed": math.nan if score.observed is None else score.observed,
                "observed_class": "", "never": score.observed is None, "median": score.median,
                "low90": score.range90[0], "high90": score.range90[1], "p_real": math.nan,
                "p_never": score.p_never, "pit": score.pit, "tail": min(tail, 1.0),
                "in90": bool(score.in90), "source": score.source}


def _facts(check: EpisodeCheck) -> tuple[ObservedFact, ...]:
    observed = check.episode.scenario.observed
    assert observed is not None
    return observed.facts


def point_scenario(episode: Episode, values: Mapping[str, float]) -> Scenario:
    """``episode`` loaded with every parameter a pattern of ``values`` matches set to its
    value, run to the crisis's end (``Episode.with_values``)."""
    return episode.with_values(values)[0]


def predictive_check(result: Calibration | Posterior, episodes: Sequence[Episode] | Targets,
                     runs: int = DEFAULT_RUNS, seed: int = 0, draws: int = DEFAULT_DRAWS,
                     **batch: Any) -> PredictiveCheck:
    """Run each of ``episodes`` at up to ``draws`` points of ``result``'s sample,
    ``runs // points`` runs per point (at least 1), all through one pool (``batch`` are
    ``run_batch``'s options: ``backend``, ``workers``, ``progress``, ...), and pool each
    episode's runs over the points. A ValueError says so when a history match ruled out
    every value."""
    if runs < 1:
        raise ValueError("a predictive check needs at least one run")
    if "out" in batch or "resume" in batch:
        raise ValueError("a predictive check keeps its runs in memory: it takes no out or resume")
    points = result.predictive_points(draws)
    chosen = episodes_of(episodes)
    if not chosen:
        raise ValueError("a predictive check needs at least one episode")
    per = max(1, runs // len(points))
    pool, batch = split_pool(batch)
    values = [{str(k): float(v) for k, v in row.items()} for row in points.to_dict("records")]
    requests = [BatchRequest(point_scenario(episode, point), per, seed, first_run=k * per, **batch)
                for k, point in enumerate(values) for episode in chosen]
    results = run_batches(requests, **pool)
    checks = []
    for offset, episode in enumerate(chosen):
        tables = [results[k * len(chosen) + offset].runs.assign(point=k)
                  for k in range(len(points))]
        pooled = pd.concat(tables, ignore_index=True)
        score = score_episode(episode.scenario, pooled, [], seed, str(episode.path))
        checks.append(EpisodeCheck(episode, pooled, score))
    return PredictiveCheck(tuple(checks), points, per, seed,
                           {"backend": pool.get("backend", "processes"), "draws": draws,
                            "method": result.method})


__all__ = ["DEFAULT_DRAWS", "DEFAULT_RUNS", "EpisodeCheck", "PredictiveCheck", "point_scenario",
           "predictive_check"]
