"""A batch folder as one self-contained HTML page, to read or send without the tools.

Everything is inside ``report.html``: tables from summary.json, the top escalation paths from
runs.parquet, and every figure of the folder (SVG inlined, else PNG as a data URI). It loads
nothing from the network and links to no other file, so it can be mailed or archived alone.

It reads top down as a reader asks: a table of contents, the outcomes, how long and how
deadly, threats, paths, then the figures, each titled with a sentence on how to read it; the
technical manifest (versions, hashes, settings) comes last.
"""

from __future__ import annotations

import base64
import json
import math
import os
import re
from collections import Counter
from html import escape
from pathlib import Path
from typing import Any

from escalation._version import __version__
from escalation.analysis.paths import MINOR_KINDS, path_table
from escalation.errors import ScenarioError
from escalation.montecarlo.results import Results
from escalation.scenario.loader import load_scenario

REPORT = "report.html"
# name -> (title, how to read it), in the order the page shows them
FIGURES: dict[str, tuple[str, str]] = {
    "outcomes": ("Outcome probabilities",
                 "Each bar is the share of runs that ended in that outcome class, its whisker the "
                 "95% Wilson interval; under each class, its number of runs."),
    "convergence": ("Convergence",
                    "Each line is an outcome's probability estimated from the first runs (log "
                    "scale), with its 95% band: flat lines in narrow bands mean more runs would "
                    "not change the picture."),
    "survival": ("When the outcomes happen",
                 "Each curve is the probability that a run has ended in that outcome by a given "
                 "day (Kaplan–Meier, 95% Greenwood band); its value on the last day is the "
                 "outcome's share, whose Wilson interval in the table may differ in the last digit."),
    "duration": ("Duration by outcome",
                 "For each outcome, the share of its runs that had ended by each day: a curve "
                 "further left ends sooner; the legend gives each median."),
    "deaths": ("Deaths by side",
               "For each side (in its actor colour), the share of runs with more than x deaths, "
               "x on a symmetric log scale: higher and further right is deadlier."),
    "exchanges": ("Kinetic acts per run",
                  "Bars give the share of runs with each number of kinetic acts (strikes, "
                  "attacks, killings), stacked by how those runs ended; the dashed line is the mean."),
    "paths": ("Escalation paths",
              "Read top down: each row is a move, each box a sequence of first moves as wide as "
              "its share of runs, tinted by the actor who moved; the bottom row shows how the "
              "runs under each box ended, in outcome colours."),
    "rungs": ("Top rung over time",
              "The top rung reached by each day: the line is the median run, the shades the "
              "middle 50% and 90% of runs; below, the share of runs still running."),
    "first_passage": ("When each rung is first reached",
                      "Each curve is the probability that the crisis has reached a rung (or "
                      "higher) by a given day, darker for higher rungs, with its 95% band."),
    "transitions": ("Transitions between rungs",
                    "Each row is a top rung; its cells give the share (95% interval, runs) of "
                    "the runs standing on it that next reached each rung, or ended; darker is more."),
    "tension": ("Tension over time",
                "Tension in the first runs: median line, middle 50% and 90% of runs shaded, "
                "ended runs held at their last value; below, the share still running."),
    "swing": ("One assumption at a time",
              "For each assumption, the outcome's probability among runs with it in its lowest "
              "fifth (light bar) and highest fifth (dark bar), drawn from the overall "
              "probability (the vertical line), each with its 95% Wilson interval: bars whose "
              "interval crosses the line show no clear effect."),
    "discovery": ("Which assumptions lead to the outcome (PRIM)",
                  "Left: each peeling step's coverage against density (95% bars), the chosen "
                  "box starred, the dotted line at all runs; right: the chosen box's range of "
                  "each parameter within its full range. A box barely above the dotted line "
                  "is weak."),
}
KNOWN_FIGURES = tuple(FIGURES)
UNKNOWN = ("Other figure", "A figure of this folder that the report does not describe; see "
           "docs/analysis.md.")
TOP_PATHS = 10
PATH_DEPTH = 6
STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em auto;
       max-width: 1100px; padding: 0 1em; color: #222; line-height: 1.4; }
h1 { margin-bottom: 0.2em; } h2 { margin-top: 1.6em; border-bottom: 1px solid #ddd; }
.lead { color: #555; margin-top: 0; }
table { border-collapse: collapse; margin: 0.6em 0; font-size: 0.9em; }
th, td { border: 1px solid #ddd; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
th { background: #f4f4f4; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.path { font-family: ui-monospace, monospace; font-size: 0.85em; }
figure { margin: 1.2em 0; } figure svg, figure img { max-width: 100%; height: auto; }
figcaption { color: #444; font-size: 0.95em; max-width: 60em; margin: 0.3em auto; }
nav.contents ol { margin: 0.3em 0; } nav.contents li { margin: 0.1em 0; }
footer { margin-top: 2em; color: #777; font-size: 0.85em; }
"""


def write_report(folder: str | os.PathLike[str], top_paths: int = TOP_PATHS,
                 path_depth: int | None = PATH_DEPTH) -> Path:
    """Write ``report.html`` into a finished batch folder and return its path.

    The paths table shows the ``top_paths`` most frequent sequences of the first
    ``path_depth`` moves (None: whole paths), criticism left out."""
    root = Path(folder)
    results = Results.load(root)
    report = json.loads((root / "summary.json").read_text())
    title, description, outcomes = _scenario_text(root, str(report["scenario"]))
    parts = [
        ("outcomes", "Outcomes", [_outcomes(report, outcomes)]),
        ("spreads", "Duration and deaths", [_spreads(report)]),
        *([("threats", "Threats", [_threats(report)])] if report.get("threats") else []),
        ("paths", "Most frequent escalation paths", [_paths(results, top_paths, path_depth)]),
        ("figures", "Figures", _figures(root)),
        ("batch", "Batch (technical manifest)", [_manifest(report)]),
    ]
    sections = [
        f"<h1>{_e(title)}</h1>",
        f'<p class="lead">scenario <b>{_e(report["scenario"])}</b>'
        + (f": {_e(description)}" if description else "") + "</p>",
        _contents(parts, figure_names(root)),
        *(block for key, heading, body in parts
          for block in (f'<h2 id="section-{key}">{_e(heading)}</h2>', *body)),
    ]
    page = "\n".join([
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        f"<title>{_e(title)}: batch report</title>", f"<style>{STYLE}</style>", "</head>",
        "<body>", *sections,
        f"<footer>written by escalation {_e(__version__)} from the files of this batch folder"
        "</footer>", "</body>", "</html>", ""])
    path = root / REPORT
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(page, encoding="utf-8")
    os.replace(temporary, path)  # never a half-written report under the real name
    return path


def figure_names(folder: str | os.PathLike[str]) -> list[str]:
    """The figures of a folder (NAME.svg or NAME.png), known names first in their order, then
    the others sorted."""
    found = {p.stem for p in Path(folder).iterdir()
             if p.suffix in (".svg", ".png") and not p.name.startswith(".")}
    return [n for n in KNOWN_FIGURES if n in found] + sorted(found - set(KNOWN_FIGURES))


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _pct(value: Any) -> str:
    return "–" if value is None or (isinstance(value, float) and math.isnan(value)) \
        else f"{value:.1%}"


def _interval(low: Any, high: Any) -> str:
    return f"[{_pct(low)}, {_pct(high)}]"


def _number(value: Any, digits: int = 1) -> str:
    return "–" if value is None or (isinstance(value, float) and math.isnan(value)) \
        else f"{value:,.{digits}f}"


def _table(head: list[str], rows: list[list[tuple[str, str]]]) -> str:
    """A table; each cell is (class, already escaped text)."""
    lines = ["<table>", "<tr>" + "".join(f"<th>{_e(h)}</th>" for h in head) + "</tr>"]
    for row in rows:
        lines.append("<tr>" + "".join(f'<td class="{c}">{text}</td>' if c else f"<td>{text}</td>"
                                      for c, text in row) + "</tr>")
    lines.append("</table>")
    return "\n".join(lines)


def _scenario_text(root: Path, name: str) -> tuple[str, str, dict[str, str]]:
    """Title, description and outcome descriptions from the folder's scenario.yaml (the name
    alone when it is missing or no longer loads)."""
    try:
        scenario = load_scenario(root / "scenario.yaml")
    except (OSError, ScenarioError):
        return name, "", {}
    return (scenario.spec.title or name, scenario.spec.description.strip(),
            {o.id: o.description for o in scenario.outcomes})


def _manifest_items(report: dict[str, Any]) -> dict[str, Any]:
    manifest = report.get("manifest") or {}
    return {key: manifest.get(key, report.get(key)) for key in sorted(
        {*manifest, "seed", "runs"})}


def _manifest(report: dict[str, Any]) -> str:
    items = _manifest_items(report)
    items.update({"completed runs": report.get("completed"), "failed runs": report.get("failed"),
                  "stopped by": report.get("stopped_by")})
    rows = [[("", _e(key)), ("", _e("–" if value is None else value))] for key, value in items.items()]
    return _table(["setting", "value"], rows)


def _outcomes(report: dict[str, Any], descriptions: dict[str, str]) -> str:
    rows = [[("", _e(row["outcome"])), ("num", _e(f"{row['runs']:,}")),
             ("num", _e(_pct(row["probability"]))),
             ("num", _e(_interval(row["ci_low"], row["ci_high"]))),
             ("", _e(descriptions.get(str(row["outcome"]), "")))]
            for row in report["outcomes"]]
    return _table(["outcome", "runs", "probability", "95% Wilson interval", "meaning"], rows)


def _spreads(report: dict[str, Any]) -> str:
    spreads = [("duration (days)", report["duration_days"], 1),
               *((f"deaths: {side}", s, 0) for side, s in report.get("deaths", {}).items())]
    rows = [[("", _e(what)), ("num", _e(_number(s["median"], digits))),
             ("num", _e(_number(s["mean"], 1))),
             ("num", _e(f"[{_number(s['p05'], digits)}, {_number(s['p95'], digits)}]")),
             ("num", _e(_number(s["max"], digits)))] for what, s, digits in spreads]
    return _table(["", "median", "mean", "90% range", "max"], rows)


def _threats(report: dict[str, Any]) -> str:
    rows = [[("", _e(label)), ("num", _e(f"{t['issued']:,}")), ("num", _e(f"{t['carried_out']:,}")),
             ("num", _e(_pct(t["share_carried_out"]))),
             ("num", _e(_interval(t["ci_low"], t["ci_high"])))]
            for label, t in report["threats"].items()]
    return _table(["threat", "issued in runs", "carried out in runs", "share of runs",
                   "95% interval"], rows)


def _paths(results: Results, top: int, depth: int | None) -> str:
    table = path_table(results, depth=depth, top=top)
    classes = [c for c in table.columns if c.startswith("outcome.")]
    scope = "whole paths" if depth is None else f"the first {depth} moves"
    note = (f"<p>The {top} most frequent sequences of {_e(scope)} of the completed runs "
            f"({_e(', '.join(MINOR_KINDS))} left out), with the share of runs taking each and "
            "how those runs ended.</p>")
    rows = [[("path", _e(row["path"])), ("num", _e(f"{int(row['runs']):,}")),
             ("num", _e(_pct(row["share"]))), ("num", _e(_interval(row["ci_low"], row["ci_high"]))),
             *(("num", _e(_pct(row[c]))) for c in classes)]
            for _, row in table.iterrows()]
    return note + _table(["path", "runs", "share", "95% interval",
                          *(f"→ {c[len('outcome.'):]}" for c in classes)], rows)


def _contents(parts: list[tuple[str, str, list[str]]], figures: list[str]) -> str:
    """The table of contents: a link to each section, and under Figures to each figure."""
    items = []
    for key, heading, _ in parts:
        below = "".join(f'<li><a href="#figure-{_e(name)}">{_e(FIGURES.get(name, UNKNOWN)[0])}</a></li>'
                        for name in figures) if key == "figures" and figures else ""
        items.append(f'<li><a href="#section-{key}">{_e(heading)}</a>'
                     + (f"<ol>{below}</ol>" if below else "") + "</li>")
    return '<nav class="contents"><h2>Contents</h2>\n<ol>' + "\n".join(items) + "</ol></nav>"


def _figures(root: Path) -> list[str]:
    """Each figure under its title, with a caption saying how to read it."""
    blocks = []
    for name in figure_names(root):
        svg = root / f"{name}.svg"
        if svg.is_file():
            image = _inline_svg(svg.read_text(encoding="utf-8"), f"{name}-")
        else:
            data = base64.b64encode((root / f"{name}.png").read_bytes()).decode("ascii")
            image = f'<img alt="{_e(name)}" src="data:image/png;base64,{data}">'
        heading, caption = FIGURES.get(name, UNKNOWN)
        blocks.append(f'<figure id="figure-{_e(name)}">\n<h3>{_e(heading)}</h3>\n{image}\n'
                      f"<figcaption>{_e(caption)}</figcaption>\n</figure>")
    return blocks or ["<p>No figures in this folder (write them with: escalation plot DIR).</p>"]


def _inline_svg(text: str, prefix: str) -> str:
    """An SVG file as an element of the page: without its XML prolog and metadata (links to
    vocabularies), and with its ids prefixed so that figures cannot take each other's glyphs,
    markers or clip paths; an id repeated within one figure is numbered (references keep
    pointing at the first, as a browser resolves them)."""
    start = text.find("<svg")
    if start < 0:
        raise ValueError("not an SVG file: no <svg> element")
    body = re.sub(r"<metadata>.*?</metadata>\s*", "", text[start:], flags=re.S)
    seen: Counter[str] = Counter()

    def unique(match: re.Match[str]) -> str:  # a gid matplotlib gave several artists
        seen[match[1]] += 1
        repeat = f"-{seen[match[1]]}" if seen[match[1]] > 1 else ""
        return f'id="{prefix}{match[1]}{repeat}"'

    body = re.sub(r'\bid="([^"]*)"', unique, body)
    body = re.sub(r'((?:xlink:)?href)="#([^"]*)"', lambda m: f'{m[1]}="#{prefix}{m[2]}"', body)
    return re.sub(r"url\(#([^)]*)\)", lambda m: f"url(#{prefix}{m[1]})", body)
