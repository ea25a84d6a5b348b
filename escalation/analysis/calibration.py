"""History matching: which values of parameters shared by real episodes the record rules out.

A shared parameter is a name pattern (``*.avenges.probability``, ``assets.*.lethality``)
over the per-run parameters of every episode: one value sets every parameter it matches, in
every episode, so that one number is tested against all of them at once.

History matching (Craig, Goldstein, Seheult & Smith 1997; Vernon, Goldstein & Bower 2010;
Andrianakis et al. 2015) does not ask which value is most likely but which values cannot
reproduce what happened. It measures each observed output's *implausibility*: how far the
observation lies from the model's mean, in standard deviations of the model's own spread.
A value whose implausibility exceeds a cutoff for some output of some episode is ruled out.
The default cutoff is 3, Pukelsheim's (1994) three-sigma rule: any unimodal distribution
keeps 95% of its mass within three standard deviations. The rest is *not ruled out yet*
(NROY). Waves search it ever more finely: each wave draws points near the points the
previous wave kept.

Outputs and their implausibility (docs/calibration.md):
- the outcome class: an indicator that is 1 for the real class, with mean p (the model's
  probability of it, half a run added to each class as in the backtest) and variance
  p(1 - p). So I = (1 - p) / sqrt(p (1 - p) + d²) for model discrepancy d. With d = 0, a
  cutoff of 3 rules out exactly the values that give what happened less than 10%;
- each observed number (lags, deaths, hostile acts, crisis days), on the log1p scale (counts
  and delays are skewed): I = |log1p(observed) - mean| / sqrt(var (1 + 1/runs) + d²), where
  the mean and var are those of the runs' log1p values. An actor that never acts is taken
  to act at the horizon, as in the backtest.

A point's implausibility is the largest over its episodes' outputs.

ABC-SMC (``escalation.analysis.posterior``) is the other method behind the same interface;
``escalation.analysis.calibrate`` chooses between them and checks either out of sample.
"""

from __future__ import annotations

import fnmatch
import math
import os
from collections.abc import Callable, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from scipy.stats import qmc

from escalation.analysis import calibration_store as store
from escalation.analysis.backtest import MODEL_PSEUDO, fact_observed, fact_sample
from escalation.analysis.episodes import Episode, Targets, load_episodes
from escalation.montecarlo.batch import run_batches, split_pool
from escalation.montecarlo.gather import BatchRequest
from escalation.montecarlo.progress import progress_bar
from escalation.montecarlo.results import Results
from escalation.scenario.observed import ObservedFact

CUTOFF = 3.0  # Pukelsheim's three-sigma rule
DEFAULT_POINTS = 40
DEFAULT_WAVES = 3
DEFAULT_RUNS = 200


@dataclass(frozen=True)
class SharedParameter:
    """One pattern, the range searched, and the parameters it sets in each episode."""

    pattern: str
    low: float
    high: float
    names: Mapping[str, tuple[str, ...]]  # episode name -> the parameters the value sets


def shared_parameters(episodes: Sequence[Episode], patterns: Sequence[str],
                      ranges: Mapping[str, tuple[float, float]] | None = None,
                      ) -> list[SharedParameter]:
    """Each pattern's parameters in every episode, and the range to search. Without a range
    of its own (``ranges``), a pattern is searched over the union of the ranges its
    parameters' distributions give; a ValueError says what to do when that is not finite."""
    ranges = ranges or {}
    stray = sorted(set(ranges) - set(patterns))
    if stray:
        raise ValueError(f"--range given for {', '.join(stray)}, which is not among --params "
                         f"({', '.join(patterns)})")
    shared = []
    for pattern in patterns:
        names = {e.name: tuple(p.name for p in e.scenario.parameters.all
                               if fnmatch.fnmatchcase(p.name, pattern)) for e in episodes}
        found = [(e, name) for e in episodes for name in names[e.name]]
        if not found:
            every = episodes[0].scenario.parameters.all
            uncertain = [p.name for p in every if p.distribution is not None]
            examples = ", ".join((uncertain or [p.name for p in every])[:3])
            raise ValueError(f"--params '{pattern}' matches no per-run parameter of any "
                             f"episode; parameters are named like their run-table columns "
                             f"(e.g. {examples}), and * matches any part of a name")
        integers = sorted({name for e, name in found if _parameter(e, name).integer})
        if integers:
            raise ValueError(f"--params '{pattern}' matches whole-number parameters "
                             f"({', '.join(integers[:3])}): calibrate rates and probabilities")
        if pattern in ranges:
            low, high = ranges[pattern]
        else:
            bounds = [_bounds(e, name) for e, name in found]
            low, high = min(b[0] for b in bounds), max(b[1] for b in bounds)
        if not (math.isfinite(low) and math.isfinite(high) and low < high):
            raise ValueError(f"--params '{pattern}': its parameters give the range "
                             f"[{low:g}, {high:g}], which cannot be searched; give one with "
                             f"--range '{pattern}=LOW:HIGH'")
        shared.append(SharedParameter(pattern, float(low), float(high), names))
    return shared


def _parameter(episode: Episode, name: str) -> Any:
    return next(p for p in episode.scenario.parameters.all if p.name == name)


def _bounds(episode: Episode, name: str) -> tuple[float, float]:
    parameter = _parameter(episode, name)
    if parameter.distribution is None:
        return parameter.value, parameter.value
    low, high = parameter.distribution.bounds()
    return float(low), float(high)


@dataclass(frozen=True)
class Calibration:
    """Every point tried, wave by wave, with its implausibility in each episode."""

    method: ClassVar[str] = "history_matching"
    samples_file: ClassVar[str] = "points.parquet"

    parameters: tuple[SharedParameter, ...]
    points: pd.DataFrame  # wave, one column per pattern, I.<episode>..., implausibility, plausible
    episodes: tuple[str, ...]
    runs: int
    seed: int
    cutoff: float
    discrepancy: float
    meta: dict[str, object] = field(default_factory=dict)  # "files": SHA-256 by episode

    def library_sha256(self) -> str:
        """One hash of the episode files the calibration read (their names and contents)."""
        return store.library_sha256(self.meta.get("files", {}))

    @property
    def samples(self) -> pd.DataFrame:
        return self.points

    @property
    def plausible(self) -> pd.DataFrame:
        """The points of the last wave not ruled out: the NROY sample."""
        last = self.points[self.points["wave"] == self.points["wave"].max()]
        return last[last["plausible"]]

    def values(self) -> dict[str, float]:
        """One value per shared parameter, for a calibrated parameter set: the median of the
        last wave's points not ruled out (empty when every point was ruled out)."""
        kept = self.plausible
        if not len(kept):
            return {}
        return {p.pattern: float(np.median(kept[p.pattern].to_numpy(dtype=float)))
                for p in self.parameters}

    def summary(self) -> pd.DataFrame:
        """One row per shared parameter: the range searched, and the range, median and
        count of the last wave's points not ruled out."""
        kept = self.plausible
        rows = []
        for p in self.parameters:
            values = kept[p.pattern].to_numpy(dtype=float)
            rows.append({"parameter": p.pattern, "searched_low": p.low, "searched_high": p.high,
                         "plausible_low": values.min() if len(values) else math.nan,
                         "plausible_median": float(np.median(values)) if len(values) else math.nan,
                         "plausible_high": values.max() if len(values) else math.nan,
                         "plausible_points": len(values),
                         "episodes_set": sum(1 for names in p.names.values() if names)})
        return pd.DataFrame(rows)

    def waves(self) -> pd.DataFrame:
        """Per wave: points tried, points not ruled out, and their share."""
        grouped = self.points.groupby("wave")["plausible"]
        table = pd.DataFrame({"points": grouped.size(), "plausible": grouped.sum()})
        table["share"] = table["plausible"] / table["points"]
        return table.reset_index()

    steps = waves

    def predictive_points(self, draws: int) -> pd.DataFrame:
        """Up to ``draws`` evenly spaced rows of the NROY sample (all of them when there are
        no more), one column per pattern; a ValueError when every value was ruled out."""
        if draws < 1:
            raise ValueError("a predictive check needs at least one point (draws >= 1)")
        kept = self.plausible
        if not len(kept):
            raise ValueError(f"every value tried in wave {int(self.points['wave'].max())} was "
                             "ruled out (nothing is plausible), so there is nothing to check: "
                             "widen the ranges, add discrepancy, or calibrate other parameters")
        rows = np.unique(np.linspace(0, len(kept) - 1, min(draws, len(kept))).round().astype(int))
        return kept.iloc[rows][[p.pattern for p in self.parameters]].reset_index(drop=True)


def history_match(
    targets: Targets | Sequence[Episode], patterns: Sequence[str], *,
    ranges: Mapping[str, tuple[float, float]] | None = None, waves: int = DEFAULT_WAVES,
    points: int = DEFAULT_POINTS, runs: int = DEFAULT_RUNS, seed: int = 0,
    cutoff: float = CUTOFF, discrepancy: float = 0.0,
    on_wave: Callable[[int, pd.DataFrame], None] | None = None,
    folder: str | os.PathLike[str] | None = None, resume: bool = False, **batch: Any,
) -> Calibration:
    """History-match the shared ``patterns`` against the episodes of ``targets``: ``waves``
    waves of ``points`` points, each point run ``runs`` times in every episode (all through
    one pool; ``batch`` are ``run_batch``'s options, e.g. ``backend``, ``workers``). The
    first wave fills the ranges with a Latin hypercube; each later wave draws its points
    near the points the previous wave did not rule out. ``on_wave(wave, points)`` is told of
    each wave as it ends. Results depend only on the episodes, the options and ``seed``, on
    any backend and worker count.

    ``folder`` keeps each finished wave (calibration_store.py); ``resume`` continues the
    calibration kept there, where it stopped, to the end an uninterrupted one reaches (with
    more ``waves`` than it was started with, it searches further)."""
    if waves < 1 or points < 2 or runs < 2:
        raise ValueError("history matching needs at least 1 wave, 2 points and 2 runs")
    if resume and folder is None:
        raise ValueError("resuming needs the folder the calibration was kept in (--out)")
    episodes = episodes_of(targets)
    shared = shared_parameters(episodes, patterns, ranges)
    low = np.array([p.low for p in shared])
    high = np.array([p.high for p in shared])
    done: list[pd.DataFrame] = []
    files = store.file_hashes({e.name: e.path for e in episodes})
    if folder is not None:
        request = {"episodes": files,
                   "ranges": {p.pattern: [p.low, p.high] for p in shared}, "waves": waves,
                   "points": points, "runs": runs, "seed": seed, "cutoff": cutoff,
                   "discrepancy": discrepancy}
        done = store.start(folder, request, resume)
    rng = np.random.default_rng([seed, 0x484D])  # 'HM'
    frames: list[pd.DataFrame] = []
    design = low + (high - low) * qmc.LatinHypercube(d=len(shared), seed=rng).random(points)
    for wave in range(waves):
        if wave < len(done):  # finished before: read back, its successor drawn again
            frame = done[wave]
        else:
            frame = _wave(episodes, shared, design, runs, seed, cutoff, discrepancy,
                          {**batch, "label": f"wave {wave + 1} of {waves}"})
            frame.insert(0, "wave", wave)
            if folder is not None:
                store.save_step(folder, wave, frame)
            if on_wave is not None:
                on_wave(wave, frame)
        frames.append(frame)
        kept = frame.loc[frame["plausible"], [p.pattern for p in shared]].to_numpy(dtype=float)
        if wave + 1 < waves:
            if not len(kept):
                break  # nothing left to refine: every value tried is ruled out
            design = _near(kept, low, high, points, rng)
    table = pd.concat(frames, ignore_index=True)
    return Calibration(tuple(shared), table, tuple(e.name for e in episodes), runs, seed,
                       cutoff, discrepancy, {"files": files})


def episodes_of(targets: Targets | Sequence[Episode]) -> list[Episode]:
    """Episodes given as such, or loaded from files and folders."""
    if isinstance(targets, Sequence) and not isinstance(targets, str) and targets and \
            all(isinstance(t, Episode) for t in targets):
        return [t for t in targets if isinstance(t, Episode)]
    return load_episodes(targets)  # type: ignore[arg-type]


def _wave(episodes: Sequence[Episode], shared: Sequence[SharedParameter], design: np.ndarray,
          runs: int, seed: int, cutoff: float, discrepancy: float, batch: Mapping[str, Any],
          ) -> pd.DataFrame:
    """Run every point of ``design`` in every episode (one pool) and score it. A point's
    values are pinned in each episode's runs (``BatchRequest.fixed``), every other parameter
    drawn as it would be: the runs of the episode loaded with the values set, without loading
    it again for every point."""
    pool, options = split_pool(batch)
    label = options.pop("label")
    slots = [{p.name: p.slot for p in e.scenario.parameters.all} for e in episodes]
    requests = [BatchRequest(e.scenario, runs, seed, fixed=_pins(e, slot, shared, point),
                             **options)
                for point in design for e, slot in zip(episodes, slots, strict=True)]
    with closing(progress_bar(len(requests) * runs, 0, pool.get("progress", True))) as bar:
        bar.set_description(label)
        results = run_batches(requests, bar=bar, **pool)
    rows = []
    for index, point in enumerate(design):
        row: dict[str, object] = {p.pattern: float(v) for p, v in zip(shared, point, strict=True)}
        worst = 0.0
        for offset, episode in enumerate(episodes):
            value = implausibility(episode, results[index * len(episodes) + offset], discrepancy)
            row[f"I.{episode.name}"] = value
            worst = max(worst, value)
        row["implausibility"] = worst
        row["plausible"] = worst <= cutoff
        rows.append(row)
    return pd.DataFrame(rows)


def _pins(episode: Episode, slots: Mapping[str, int], shared: Sequence[SharedParameter],
          point: np.ndarray) -> tuple[tuple[int, float], ...]:
    """(slot, value) for every parameter of ``episode`` a shared parameter sets at ``point``."""
    return tuple((slots[name], float(value)) for p, value in zip(shared, point, strict=True)
                 for name in p.names[episode.name])


def _near(kept: np.ndarray, low: np.ndarray, high: np.ndarray, count: int,
          rng: np.random.Generator) -> np.ndarray:
    """``count`` points drawn around the points kept: each a kept point moved by a normal
    step as wide as the kept points' spread (at least a twentieth of the range), reflected
    back into the range."""
    spread = kept.std(axis=0) if len(kept) > 1 else np.zeros(kept.shape[1])
    width = np.maximum(spread, (high - low) / 20.0)
    chosen = kept[rng.integers(0, len(kept), count)]
    moved = chosen + rng.normal(0.0, 1.0, chosen.shape) * width
    span = high - low
    folded = np.mod(moved - low, 2 * span)  # reflect at both ends
    return low + np.where(folded > span, 2 * span - folded, folded)


def implausibility(episode: Episode, results: Results, discrepancy: float = 0.0) -> float:
    """The largest implausibility of ``episode``'s observed outputs under ``results``."""
    scenario = episode.scenario
    observed = scenario.observed
    assert observed is not None
    done = results.completed
    if not len(done):
        return math.inf  # every run failed: nothing reproduces the episode
    counts = done["outcome"].value_counts()
    classes = len(results.outcome_ids)
    p = (counts.get(episode.real_class, 0) + MODEL_PSEUDO) / (len(done) + MODEL_PSEUDO * classes)
    worst = (1.0 - p) / math.sqrt(p * (1.0 - p) + discrepancy**2)
    horizon = scenario.spec.horizon_days
    for fact in observed.facts:
        value = _fact_implausibility(fact, done, horizon, discrepancy)
        worst = math.inf if math.isnan(value) else max(worst, value)  # no number: no fit
    return float(worst)


def _fact_implausibility(fact: ObservedFact, runs: pd.DataFrame, horizon: float,
                         discrepancy: float) -> float:
    values = fact_sample(fact, runs, horizon)
    if not len(values):
        return math.inf
    observed = fact_observed(fact, horizon)
    logs = np.log1p(np.maximum(values, 0.0))
    mean, var = float(logs.mean()), float(logs.var(ddof=1)) if len(logs) > 1 else 0.0
    scale = math.sqrt(var * (1.0 + 1.0 / len(logs)) + discrepancy**2)
    distance = abs(math.log1p(max(observed, 0.0)) - mean)
    if scale == 0.0:
        return 0.0 if distance == 0.0 else math.inf
    return distance / scale
