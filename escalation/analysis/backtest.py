"""``backtest``: run real episodes and score the model's forecast against what happened.

For each episode (a scenario with an ``observed:`` block) a batch of runs gives the model's
forecast: probabilities of the outcome classes, and a sample of every quantity observed (the
lag to each actor's first hostile act, deaths, hostile acts, crisis days). The outcome is
scored with the log score and the ranked probability score, beside two baselines that know
nothing of the crisis: uniform over the classes, and the base rate of the classes over the
other episodes of the library (leave one out). Each observed quantity gets its PIT, whether it
falls in the central 50% and 90% ranges, and its CRPS. Skill scores compare the model with each
baseline, with bootstrap intervals over episodes. The scores are in ``scoring``.

Conventions (docs/analysis.md, 'Backtest'):
- classes are ordered from least to most severe for the RPS: the scenario's non-terminal
  classes in the order written (each catches what the ones before it did not: quiet after one
  answer, quiet after more, still going at the horizon), then its terminal classes (war),
  which are checked first only because they end a run;
- the model's probabilities add 1/2 run to each class (``MODEL_PSEUDO``) and the base rate 1/2
  episode (``BASE_RATE_PSEUDO``), so that no class gets 0 and the log score stays finite;
- an actor that never acts hostile is taken to act at the horizon: an observed null lag is
  compared with the model's probability of never acting (the atom at the horizon).
"""

from __future__ import annotations

import math
import os
import zlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from escalation.analysis import scoring
from escalation.analysis.episodes import (
    Episode,
    Targets,
    is_single_file,
    load_episodes,
    reference_outcomes,
)
from escalation.montecarlo.batch import run_batch
from escalation.montecarlo.chunk import FAILED
from escalation.scenario.compiled import Scenario
from escalation.scenario.observed import ObservedFact

MODEL_PSEUDO = 0.5  # runs added to each class of the model's forecast (Jeffreys prior)
BASE_RATE_PSEUDO = 0.5  # episodes added to each class of the base rate (Jeffreys prior)
FORECASTERS = ("model", "uniform", "base_rate")
BASELINES = FORECASTERS[1:]
LEVELS = (0.5, 0.9)
DEFAULT_RUNS = 2000


@dataclass(frozen=True)
class FactScore:
    """One observed quantity against the model's sample of it."""

    episode: str
    name: str
    kind: str
    observed: float | None  # None: the actor never acted (lags only)
    source: str
    median: float
    range50: tuple[float, float]
    range90: tuple[float, float]
    pit: float
    in50: bool
    in90: bool
    crps: float
    p_never: float  # lags: share of runs in which the actor never acted; NaN otherwise


@dataclass(frozen=True)
class EpisodeScore:
    """One episode: the forecasts of its outcome class, their scores, and its facts."""

    name: str
    title: str
    file: str
    summary: str
    classes: tuple[str, ...]  # least to most severe
    real: str
    runs: int  # completed runs behind the model's forecast
    failed: int
    forecasts: dict[str, tuple[float, ...]]  # forecaster -> probabilities, in ``classes`` order
    facts: tuple[FactScore, ...] = ()

    def probability(self, forecaster: str = "model") -> float:
        return self.forecasts[forecaster][self.classes.index(self.real)]

    def log_score(self, forecaster: str = "model") -> float:
        return scoring.log_score(np.array(self.forecasts[forecaster]), self.classes.index(self.real))

    def rps(self, forecaster: str = "model") -> float:
        return scoring.ranked_probability_score(np.array(self.forecasts[forecaster]),
                                                self.classes.index(self.real))


@dataclass(frozen=True)
class Backtest:
    """Scores of every episode, and the summary over them (``skill``, ``coverage``)."""

    episodes: tuple[EpisodeScore, ...]
    runs: int
    seed: int
    reference: tuple[str, ...]  # names of the episodes whose real classes give the base rates
    meta: dict[str, object] = field(default_factory=dict)

    def scores(self) -> pd.DataFrame:
        """One row per episode: the real class, and each forecaster's probability of it, log
        score and RPS."""
        rows = []
        for e in self.episodes:
            row: dict[str, object] = {"episode": e.name, "real": e.real, "runs": e.runs,
                                      "failed": e.failed}
            for f in FORECASTERS:
                row.update({f"p_real.{f}": e.probability(f), f"log.{f}": e.log_score(f),
                            f"rps.{f}": e.rps(f)})
            rows.append(row)
        return pd.DataFrame(rows)

    def facts(self) -> pd.DataFrame:
        """One row per observed quantity of every episode."""
        rows = [{"episode": f.episode, "fact": f.name, "kind": f.kind,
                 "observed": np.nan if f.observed is None else f.observed, "never": f.observed is None,
                 "median": f.median, "low50": f.range50[0], "high50": f.range50[1],
                 "low90": f.range90[0], "high90": f.range90[1], "pit": f.pit, "in50": f.in50,
                 "in90": f.in90, "crps": f.crps, "p_never": f.p_never, "source": f.source}
                for e in self.episodes for f in e.facts]
        return pd.DataFrame(rows, columns=[
            "episode", "fact", "kind", "observed", "never", "median", "low50", "high50", "low90",
            "high90", "pit", "in50", "in90", "crps", "p_never", "source"])

    def skill(self, level: float = 0.95, seed: int = 0) -> pd.DataFrame:
        """Mean scores and the skill of the model against each baseline, with bootstrap
        intervals over episodes: one row per (score, baseline)."""
        table = self.scores()
        rows = []
        for score in ("log", "rps"):
            model = table[f"{score}.model"].to_numpy(float)
            for baseline in BASELINES:
                ref = table[f"{score}.{baseline}"].to_numpy(float)
                low, high = scoring.bootstrap_skill(model, ref, level, seed=seed)
                rows.append({"score": score, "baseline": baseline, "model": float(np.mean(model)),
                             "reference": float(np.mean(ref)), "skill": scoring.skill(model, ref),
                             "ci_low": low, "ci_high": high})
        return pd.DataFrame(rows)

    def coverage(self) -> pd.DataFrame:
        """Share of observed quantities inside the model's central 50% and 90% ranges, by
        kind of quantity (lags, deaths, other) and over all."""
        facts = self.facts()
        group = np.where(facts["kind"] == "lag", "lags",
                         np.where(facts["fact"].str.startswith("deaths."), "deaths", "other"))
        rows = []
        for label, part in [*((g, facts[group == g]) for g in ("lags", "deaths", "other")),
                            ("all", facts)]:
            rows.append({"facts": label, "count": len(part),
                         "in50": float(part["in50"].mean()) if len(part) else math.nan,
                         "in90": float(part["in90"].mean()) if len(part) else math.nan})
        return pd.DataFrame(rows)


def severity_order(scenario: Scenario) -> tuple[str, ...]:
    """Outcome classes from least to most severe: non-terminal ones as written, then terminal."""
    return (tuple(o.id for o in scenario.outcomes if not o.terminal)
            + tuple(o.id for o in scenario.outcomes if o.terminal))


def base_rate(classes: tuple[str, ...], others: list[str],
              pseudo: float = BASE_RATE_PSEUDO) -> np.ndarray:
    """The classes' frequencies among the other episodes' real classes, ``pseudo`` added to
    each; an episode whose real class is not among ``classes`` does not count."""
    counts = [sum(real == c for real in others) for c in classes]
    return scoring.smoothed_probabilities(counts, pseudo)


def score_episode(scenario: Scenario, runs: pd.DataFrame, others: list[str], seed: int = 0,
                  file: str = "") -> EpisodeScore:
    """The scores of one episode from its batch's run table; ``others``: the real classes of
    the other episodes of the reference set (for the base rate)."""
    observed = scenario.observed
    if observed is None:
        raise ValueError(f"scenario '{scenario.name}' has no observed: block to score against")
    classes = severity_order(scenario)
    done = runs[runs["outcome"] != FAILED]
    counts = done["outcome"].value_counts()
    model = scoring.smoothed_probabilities([counts.get(c, 0) for c in classes], MODEL_PSEUDO)
    forecasts = {"model": model, "uniform": np.full(len(classes), 1 / len(classes)),
                 "base_rate": base_rate(classes, others)}
    horizon = scenario.spec.horizon_days
    facts = tuple(_fact(scenario.name, fact, done, horizon, seed) for fact in observed.facts)
    return EpisodeScore(
        scenario.name, scenario.title or scenario.name, file, observed.summary, classes,
        str(observed.outcome.value), len(done), len(runs) - len(done),
        {k: tuple(float(p) for p in v) for k, v in forecasts.items()}, facts)


def fact_values(fact: ObservedFact, runs: pd.DataFrame, horizon: float) -> np.ndarray:
    """Every run's value of a numeric observed fact, in run order. Never acting is acting at
    the horizon (an atom there) for a lag; a run with no value of another fact has NaN."""
    values = runs[fact.column].to_numpy(dtype=float)
    return np.where(np.isnan(values), horizon, values) if fact.kind == "lag" else values


def fact_sample(fact: ObservedFact, runs: pd.DataFrame, horizon: float) -> np.ndarray:
    """The runs' values of a numeric observed fact (``fact_values``), runs with none left out."""
    values = fact_values(fact, runs, horizon)
    return values[~np.isnan(values)]


def fact_observed(fact: ObservedFact, horizon: float) -> float:
    """What was observed of a numeric fact; the horizon for an actor that never acted."""
    return horizon if fact.value is None else float(fact.value)


def _fact(episode: str, fact: ObservedFact, runs: pd.DataFrame, horizon: float, seed: int
          ) -> FactScore:
    raw = runs[fact.column].to_numpy(dtype=float)
    p_never = float(np.isnan(raw).mean()) if fact.kind == "lag" and len(raw) else math.nan
    values = fact_sample(fact, runs, horizon)
    if not len(values):
        raise ValueError(f"episode '{episode}': no completed run to compare {fact.name} with")
    observed = fact_observed(fact, horizon)
    draw = np.random.default_rng([seed, zlib.crc32(f"{episode}/{fact.name}".encode())]).random()
    ranges = [scoring.central_range(values, level) for level in LEVELS]
    return FactScore(
        episode, fact.name, fact.kind, None if fact.value is None else observed, fact.source,
        float(np.median(values)), ranges[0], ranges[1], scoring.pit(values, observed, draw),
        ranges[0][0] <= observed <= ranges[0][1], ranges[1][0] <= observed <= ranges[1][1],
        scoring.crps(values, observed), p_never)


def backtest(target: Targets, runs: int = DEFAULT_RUNS, seed: int = 0, *,
             reference: str | os.PathLike[str] | None = None, **batch: Any) -> Backtest:
    """Run every episode of a folder, one scenario file, or a list of folders and files
    ``runs`` times and score it.

    The base-rate baseline of each episode comes from the real classes of the other episodes
    given; for a single file, from the shipped history library (``reference``: another
    folder of episodes). ``batch`` goes to ``run_batch`` (backend, workers, chunk_size, ...):
    the runs are chunked and run on any backend; no progress bar unless ``progress=True``."""
    episodes = load_episodes(target)
    real = reference_outcomes(episodes, is_single_file(target), reference)
    batch.setdefault("progress", False)
    scored = []
    for episode in episodes:
        results = run_batch(episode.scenario, runs, seed, **batch)
        others = [c for name, c in real.items() if name != episode.name]
        scored.append(score_episode(episode.scenario, results.runs, others, seed, str(episode.path)))
    return Backtest(tuple(scored), runs, seed, tuple(sorted(real)),
                    {"backend": batch.get("backend", "processes")})


__all__ = ["Backtest", "Episode", "EpisodeScore", "FactScore", "backtest", "base_rate",
           "fact_observed", "fact_sample", "score_episode", "severity_order"]
