"""A backtest as text for the terminal: a block per episode, then the summary of skill."""

from __future__ import annotations

import math

from escalation.analysis.backtest import Backtest, EpisodeScore, FactScore

BASELINE_NAMES = {"uniform": "uniform", "base_rate": "base rate"}
SCORE_NAMES = {"log": "log score", "rps": "RPS"}


def _num(value: float, digits: int = 2) -> str:
    if math.isnan(value):
        return "–"
    return f"{value:,.{digits}f}" if abs(value) < 1000 else f"{value:,.0f}"


def format_value(value: float) -> str:
    """An observed or forecast quantity: three significant digits (lags of minutes are
    hundredths of a day), thousands separated."""
    if math.isnan(value):
        return "–"
    return f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"


def _pct(value: float) -> str:
    return "–" if math.isnan(value) else f"{value:.1%}"


def _observed(fact: FactScore) -> str:
    if fact.observed is None:
        return f"never (model: never in {_pct(fact.p_never)})"
    return format_value(fact.observed)


def format_fact(fact: FactScore) -> str:
    low, high = fact.range90
    mark = "in 90%" if fact.in90 else "OUTSIDE 90%"
    return (f"    {fact.name:<32} observed {_observed(fact):<8} model median "
            f"{format_value(fact.median):<8} 90% [{format_value(low)}, {format_value(high)}]  "
            f"PIT {fact.pit:.2f}  {mark}")


def format_episode(episode: EpisodeScore) -> str:
    lines = [f"{episode.name}: {episode.summary}" if episode.summary else episode.name,
             f"  real class {episode.real}: model {_pct(episode.probability('model'))}, "
             f"uniform {_pct(episode.probability('uniform'))}, "
             f"base rate {_pct(episode.probability('base_rate'))}; "
             f"log score {episode.log_score():.2f} (base rate {episode.log_score('base_rate'):.2f}), "
             f"RPS {episode.rps():.3f} (base rate {episode.rps('base_rate'):.3f})",
             "  classes, least to most severe: " + ", ".join(
                 f"{c} {_pct(p)}" for c, p in zip(episode.classes, episode.forecasts["model"],
                                                  strict=True))
             + (f"; {episode.failed} failed runs left out" if episode.failed else "")]
    lines += [format_fact(fact) for fact in episode.facts]
    return "\n".join(lines)


def format_summary(result: Backtest) -> str:
    skill = result.skill()
    lines = [f"summary over {len(result.episodes)} episode{'s' * (len(result.episodes) != 1)} "
             "(lower scores are better; skill = 1 - model / baseline, 95% bootstrap interval "
             "over episodes):"]
    for _, row in skill.iterrows():
        lines.append(f"  {SCORE_NAMES[row['score']]:<9} model {row['model']:.3f} vs "
                     f"{BASELINE_NAMES[row['baseline']]:<9} {row['reference']:.3f}: skill "
                     f"{_num(row['skill'])} [{_num(row['ci_low'])}, {_num(row['ci_high'])}]")
    coverage = result.coverage()
    parts = [f"{row['facts']} {row['in90']:.0%} of {row['count']}" for _, row in coverage.iterrows()
             if row["count"]]
    if parts:
        lines.append("  observed values inside the model's 90% range: " + ", ".join(parts))
    lowest = min(result.episodes, key=lambda e: e.probability())
    lines.append(f"  lowest probability of a real class: {_pct(lowest.probability())} "
                 f"({lowest.name}, {lowest.real})")
    return "\n".join(lines)


def format_backtest(result: Backtest) -> str:
    """The whole report: how it was run, each episode, the summary."""
    head = (f"backtest of {len(result.episodes)} episode{'s' * (len(result.episodes) != 1)}, "
            f"{result.runs:,} runs each (seed {result.seed}); base rates from the real classes "
            f"of {', '.join(result.reference)} (each episode left out of its own)")
    return "\n\n".join([head, *(format_episode(e) for e in result.episodes),
                        format_summary(result)]) + "\n"
