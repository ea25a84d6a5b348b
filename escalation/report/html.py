"""A batch folder as one self-contained HTML page, to read or send without the tools.

Everything is inside ``report.html``: tables from summary.json, the top escalation paths from
runs.parquet, and every figure of the folder (SVG inlined, else PNG as a data URI). It loads
nothing from the network and links to no other file, so it can be mailed or archived alone.
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
KNOWN_FIGURES = ("outcomes", "convergence", "duration", "deaths")
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
figcaption { color: #555; font-size: 0.9em; text-align: center; }
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
    sections = [
        f"<h1>{_e(title)}</h1>",
        f'<p class="lead">scenario <b>{_e(report["scenario"])}</b>'
        + (f": {_e(description)}" if description else "") + "</p>",
        "<h2>Batch</h2>", _manifest(report),
        "<h2>Outcomes</h2>", _outcomes(report, outcomes),
        "<h2>Duration and deaths</h2>", _spreads(report),
        *(["<h2>Threats</h2>", _threats(report)] if report.get("threats") else []),
        "<h2>Most frequent escalation paths</h2>", _paths(results, top_paths, path_depth),
        "<h2>Figures</h2>", *_figures(root),
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
    return _table(["outcome", "runs", "probability", "95% interval", "meaning"], rows)


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


def _figures(root: Path) -> list[str]:
    blocks = []
    for name in figure_names(root):
        svg = root / f"{name}.svg"
        if svg.is_file():
            image = _inline_svg(svg.read_text(encoding="utf-8"), f"{name}-")
        else:
            data = base64.b64encode((root / f"{name}.png").read_bytes()).decode("ascii")
            image = f'<img alt="{_e(name)}" src="data:image/png;base64,{data}">'
        blocks.append(f'<figure id="figure-{_e(name)}">\n{image}\n'
                      f"<figcaption>{_e(name)}</figcaption>\n</figure>")
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
