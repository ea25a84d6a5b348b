"""A backtest as one self-contained HTML page: the skill summary, a row per episode, a row per
observed fact, and the figures (SVG inlined), each with how to read it."""

from __future__ import annotations

import math
import os
from pathlib import Path

from escalation._version import __version__
from escalation.analysis.backtest import Backtest
from escalation.report.backtest_text import BASELINE_NAMES, SCORE_NAMES, format_value
from escalation.report.html import STYLE, _e, _inline_svg, _number, _pct, _table

PAGE = "backtest.html"
FIGURES = {
    "real_class": ("Probability of what really happened",
                   "For each episode, the probability the model (and each baseline) gave the "
                   "outcome class that really happened: longer is better."),
    "reliability": ("Reliability of the class probabilities",
                    "Every class of every episode, binned by the model's probability: on the "
                    "diagonal, classes given p happen a share p of the time. With a few dozen "
                    "forecasts, each point is rough; the numbers say how many it holds."),
    "pit": ("PIT histogram",
            "Where each observed value fell in the model's distribution: flat when calibrated, "
            "piled at 0 and 1 when the model's ranges are too narrow or off-centre."),
}


def _skill(result: Backtest) -> str:
    rows = [[("", _e(SCORE_NAMES[r["score"]])), ("", _e(BASELINE_NAMES[r["baseline"]])),
             ("num", _e(_number(r["model"], 3))), ("num", _e(_number(r["reference"], 3))),
             ("num", _e(_number(r["skill"], 2))),
             ("num", _e(f"[{_number(r['ci_low'], 2)}, {_number(r['ci_high'], 2)}]"))]
            for _, r in result.skill().iterrows()]
    return _table(["score", "baseline", "model (mean)", "baseline (mean)", "skill",
                   "95% bootstrap interval"], rows)


def _coverage(result: Backtest) -> str:
    rows = [[("", _e(r["facts"])), ("num", _e(int(r["count"]))), ("num", _e(_pct(r["in50"]))),
             ("num", _e(_pct(r["in90"])))] for _, r in result.coverage().iterrows()]
    return _table(["observed quantities", "count", "in the 50% range", "in the 90% range"], rows)


def _episodes(result: Backtest) -> str:
    rows = [[("", _e(e.name)), ("", _e(e.summary)), ("", _e(e.real)),
             *(("num", _e(_pct(e.probability(f)))) for f in ("model", "uniform", "base_rate")),
             ("num", _e(_number(e.log_score(), 2))), ("num", _e(_number(e.log_score("base_rate"), 2))),
             ("num", _e(_number(e.rps(), 3))), ("num", _e(_number(e.rps("base_rate"), 3))),
             ("num", _e(f"{e.runs:,}"))] for e in result.episodes]
    return _table(["episode", "what happened", "real class", "P model", "P uniform",
                   "P base rate", "log score", "log (base rate)", "RPS", "RPS (base rate)",
                   "runs"], rows)


def _facts(result: Backtest) -> str:
    rows = []
    for _, f in result.facts().iterrows():
        observed = f"never (model: {_pct(f['p_never'])})" if f["never"] else format_value(f["observed"])
        rows.append([("", _e(f["episode"])), ("", _e(f["fact"])), ("num", _e(observed)),
                     ("num", _e(format_value(f["median"]))),
                     ("num", _e(f"[{format_value(f['low90'])}, {format_value(f['high90'])}]")),
                     ("num", _e(_number(f["pit"], 2))), ("", "yes" if f["in90"] else "<b>no</b>"),
                     ("num", _e(_number(f["crps"], 2) if not math.isnan(f["crps"]) else "–")),
                     ("", _e(f["source"]))])
    return _table(["episode", "fact", "observed", "model median", "model 90% range", "PIT",
                   "in 90%", "CRPS", "source"], rows)


def _figures(folder: Path) -> list[str]:
    blocks = []
    for name, (title, caption) in FIGURES.items():
        svg = folder / f"{name}.svg"
        if svg.is_file():
            blocks.append(f'<figure id="figure-{name}">\n<h3>{_e(title)}</h3>\n'
                          f"{_inline_svg(svg.read_text(encoding='utf-8'), f'{name}-')}\n"
                          f"<figcaption>{_e(caption)}</figcaption>\n</figure>")
    return blocks


def write_backtest_page(result: Backtest, folder: str | os.PathLike[str]) -> Path:
    """Write ``backtest.html`` into ``folder`` (beside the figures, which it inlines)."""
    root = Path(folder)
    root.mkdir(parents=True, exist_ok=True)
    lead = (f"{len(result.episodes)} episodes, {result.runs:,} runs each (seed {result.seed}). "
            "Scores are losses: lower is better. Base rates come from the real classes of "
            f"{_e(', '.join(result.reference))}, each episode left out of its own.")
    body = [
        "<h1>Backtest: the model against what really happened</h1>", f'<p class="lead">{lead}</p>',
        "<h2>Skill</h2>", _skill(result), _coverage(result),
        "<h2>Episodes</h2>", _episodes(result),
        "<h2>Observed facts</h2>", _facts(result),
        "<h2>Figures</h2>", *_figures(root),
    ]
    page = "\n".join(["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
                      "<title>Backtest</title>", f"<style>{STYLE}</style>", "</head>", "<body>",
                      *body, f"<footer>written by escalation {_e(__version__)}</footer>",
                      "</body>", "</html>", ""])
    path = root / PAGE
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(page, encoding="utf-8")
    os.replace(temporary, path)
    return path
