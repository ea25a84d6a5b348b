"""``write_report``: a batch folder as one self-contained HTML page.

- The page holds the manifest, the outcome table as summary.json has it, durations, deaths,
  threats, the top paths of ``path_table`` and every figure of the folder (SVG inlined with
  ids of its own, PNG as a data URI when there is no SVG), known figures first.
- It loads nothing and links to nothing (no http src or href), escapes every text, and
  parses as balanced HTML.
- A table of contents links every section and figure; the outcomes come first and the
  technical manifest last; each figure has a title and a caption on how to read it.
"""

from __future__ import annotations

import json
import re
import shutil
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import pytest

import escalation
from escalation.analysis.paths import path_table
from escalation.montecarlo.results import Results
from escalation.plotting import write_figures
from escalation.report.html import FIGURES, UNKNOWN, figure_names, write_report

ROOT = Path(__file__).resolve().parents[1]
US_IRAN = ROOT / "scenarios" / "us_iran_2020.yaml"
RUNS = 200
VOID = frozenset({"meta", "img", "br", "hr", "link", "input", "col", "area", "base", "wbr"})
NAMESPACES = {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A finished batch with its figures, plus a figure that exists only as PNG."""
    out = tmp_path_factory.mktemp("report") / "batch"
    results = escalation.run_batch(escalation.load_scenario(US_IRAN), RUNS, seed=3,
                                   backend="serial", progress=False, out=out)
    write_figures(results, out)
    shutil.copy(out / "outcomes.png", out / "extra.png")
    return out


@pytest.fixture(scope="module")
def page(folder: Path) -> str:
    path = write_report(folder)
    assert path == folder / "report.html"
    return path.read_text(encoding="utf-8")


class Checker(HTMLParser):
    """Records tags and text, and checks that every element is closed in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.captions: list[str] = []
        self.ids: list[str] = []
        self.links: list[str] = []
        self._in_caption = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._attributes(attrs)
        if tag not in VOID:
            self.stack.append(tag)
        self._in_caption = tag == "figcaption"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._attributes(attrs)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"unexpected </{tag}> (open: {self.stack[-3:]})")
        else:
            self.stack.pop()
        self._in_caption = False

    def handle_data(self, data: str) -> None:
        if self._in_caption:
            self.captions.append(data)

    def _attributes(self, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "id" and value is not None:
                self.ids.append(value)
            if name in ("src", "href", "xlink:href") and value is not None:
                self.links.append(value)


def parsed(page: str) -> Checker:
    checker = Checker()
    checker.feed(page)
    checker.close()
    return checker


def test_the_page_parses_as_balanced_html_with_unique_ids(page: str) -> None:
    checker = parsed(page)
    assert checker.problems == []
    assert checker.stack == []
    assert page.startswith("<!DOCTYPE html>")
    assert len(checker.ids) == len(set(checker.ids)) > 100  # the inlined figures' ids too


def test_every_figure_is_in_the_page_known_names_first(folder: Path, page: str) -> None:
    svgs = {p.stem for p in folder.glob("*.svg")}
    assert {"outcomes", "convergence", "duration", "deaths"} <= svgs and "extra" not in svgs
    assert page.count("<svg") == len(svgs)
    assert page.count('src="data:image/png;base64,') == 1  # extra.png has no SVG
    names = figure_names(folder)
    assert names[:2] == ["outcomes", "convergence"] and names[-1] == "extra"
    assert parsed(page).captions == [FIGURES.get(n, UNKNOWN)[1] for n in names]
    assert [page.index(f'id="figure-{n}"') for n in names] == \
        sorted(page.index(f'id="figure-{n}"') for n in names)
    assert "<?xml" not in page and "<!DOCTYPE svg" not in page
    assert 'id="outcomes-bar-war"' in page  # the outcome chart's own gids, made unique


def test_the_page_loads_and_links_nothing(page: str) -> None:
    links = parsed(page).links
    assert links and all(link.startswith(("#", "data:image/png;base64,")) for link in links)
    assert set(re.findall(r"https?://[^\s\"'<>)]+", page)) <= NAMESPACES
    assert "<link" not in page and "<script" not in page


def test_the_outcome_table_shows_each_outcome_with_its_probability_and_interval(
    folder: Path, page: str,
) -> None:
    report = json.loads((folder / "summary.json").read_text())
    assert len(report["outcomes"]) == 4
    for row in report["outcomes"]:
        cells = (f"<tr><td>{row['outcome']}</td><td class=\"num\">{row['runs']:,}</td>"
                 f"<td class=\"num\">{row['probability']:.1%}</td>"
                 f"<td class=\"num\">[{row['ci_low']:.1%}, {row['ci_high']:.1%}]</td>")
        assert cells in page
    manifest = report["manifest"]
    for key in ("seed", "runs", "scenario_sha256", "version"):
        assert f"<tr><td>{key}</td><td>{manifest[key]}</td></tr>" in page
    d = report["duration_days"]
    assert f"<td>duration (days)</td><td class=\"num\">{d['median']:,.1f}</td>" in page
    for label, threat in report["threats"].items():
        assert f"<td>{label}</td><td class=\"num\">{threat['issued']:,}</td>" in page
    for side in report["deaths"]:
        assert f"<td>deaths: {side}</td>" in page


def test_the_paths_table_is_the_top_of_path_table(folder: Path, page: str) -> None:
    table = path_table(Results.load(folder), depth=6, top=10)
    assert len(table) == 11 and table.iloc[-1]["path"] == "other"
    for _, row in table.iterrows():
        assert (f'<td class="path">{escape(row["path"])}</td><td class="num">{row["runs"]:,}</td>'
                f'<td class="num">{row["share"]:.1%}</td>') in page


def test_texts_are_escaped_and_the_report_is_rewritten_the_same(folder: Path,
                                                                tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    source = (copy / "scenario.yaml").read_text(encoding="utf-8")
    title = re.search(r"^title: .*$", source, flags=re.M)
    assert title is not None
    (copy / "scenario.yaml").write_text(
        source.replace(title[0], "title: 'Crisis <script>alert(1)</script> & co'"), encoding="utf-8")
    first = write_report(copy).read_text(encoding="utf-8")
    assert "<h1>Crisis &lt;script&gt;alert(1)&lt;/script&gt; &amp; co</h1>" in first
    assert "<script" not in first
    assert write_report(copy).read_text(encoding="utf-8") == first
    assert sorted(p.name for p in copy.iterdir() if p.name.startswith(".")) == []


def test_a_folder_without_a_batch_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="not a finished batch folder"):
        write_report(tmp_path)
    assert not (tmp_path / "report.html").exists()


def test_every_figure_has_a_sentence_on_how_to_read_it_not_its_name(folder: Path, page: str) -> None:
    captions = parsed(page).captions
    assert len(captions) == len(figure_names(folder)) > 10
    for name, caption in zip(figure_names(folder), captions, strict=True):
        assert caption != name and caption.endswith(".") and len(caption.split()) >= 12, name
    assert f"<h3>{FIGURES['outcomes'][0]}</h3>" in page


def test_a_table_of_contents_links_every_section_and_figure(folder: Path, page: str) -> None:
    contents = page[page.index('<nav class="contents">'):page.index("</nav>")]
    targets = re.findall(r'href="#([^"]+)"', contents)
    assert [t for t in targets if t.startswith("section-")] == [
        "section-outcomes", "section-spreads", "section-threats", "section-paths",
        "section-figures", "section-batch"]
    assert [t for t in targets if t.startswith("figure-")] == [f"figure-{n}" for n in figure_names(folder)]
    assert all(f'id="{t}"' in page for t in targets)


def test_outcomes_come_before_the_technical_manifest(page: str) -> None:
    assert page.index('<nav class="contents">') < page.index('id="section-outcomes"') \
        < page.index('id="section-figures"') < page.index('id="section-batch"')
    assert page.index("<th>95% Wilson interval</th>") < page.index("<td>scenario_sha256</td>")
