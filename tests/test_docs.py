"""The pages in docs/: the generated reference is current, the example scenarios load and run,
and relative links lead to files that exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import escalation
from escalation.policies.registry import POLICIES
from escalation.reference import render_reference
from escalation.scenario.standard import standard_kinds

DOCS = Path(__file__).resolve().parent.parent / "docs"
PAGES = sorted(DOCS.glob("*.md"))
ROOT = DOCS.parent
LINKED = [*PAGES, ROOT / "README.md", ROOT / "notebooks" / "README.md", ROOT / "seeds" / "README.md",
          ROOT / "benchmarks" / "README.md"]
MARKER = "# scenario: complete"
FENCE = re.compile(r"^```[^\n]*\n.*?^```[ \t]*$", re.MULTILINE | re.DOTALL)
YAML_BLOCK = re.compile(r"^```yaml[ \t]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"`[^`\n]*`")
LINK = re.compile(r"\[[^\]\n]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")


def complete_blocks() -> list[tuple[str, int, str]]:
    """(page, index among the page's yaml blocks, text) of every block marked complete."""
    found = []
    for page in PAGES:
        for index, match in enumerate(YAML_BLOCK.finditer(page.read_text(encoding="utf-8"))):
            text = match.group(1)
            if text.splitlines()[:1] == [MARKER]:
                found.append((page.name, index, text))
    return found


def relative_links(page: Path) -> list[str]:
    """Targets of the page's Markdown links that are not URLs, outside code."""
    text = CODE_SPAN.sub("", FENCE.sub("", page.read_text(encoding="utf-8")))
    return [target for target in LINK.findall(text)
            if not re.match(r"^[a-z][a-z0-9+.-]*:", target)]  # https:, mailto: ...


def anchors(page: Path) -> set[str]:
    """The anchors GitHub gives the page's headings: lower case, punctuation dropped, spaces
    to hyphens, and a repeated heading numbered (-1, -2, ...)."""
    found: set[str] = set()
    counts: dict[str, int] = {}
    for line in FENCE.sub("", page.read_text(encoding="utf-8")).splitlines():
        heading = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if heading:
            slug = re.sub(r"[^\w\- ]", "", heading.group(1).lower()).replace(" ", "-")
            repeat = counts.get(slug, 0)
            counts[slug] = repeat + 1
            found.add(slug if repeat == 0 else f"{slug}-{repeat}")
    return found


def broken_links(page: Path) -> list[str]:
    """Relative links of the page whose file, or whose #anchor in a Markdown file, is missing."""
    broken = []
    for link in relative_links(page):
        path, _, anchor = link.partition("#")
        target = (page.parent / path) if path else page
        if not target.exists():
            broken.append(f"{link} (no such file)")
        elif anchor and target.suffix == ".md" and anchor not in anchors(target):
            broken.append(f"{link} (no heading with that anchor in {target.name})")
    return broken


COMPLETE = complete_blocks()


def test_reference_is_current() -> None:
    committed = (DOCS / "reference.md").read_text(encoding="utf-8")
    assert committed == render_reference(), (
        "docs/reference.md is out of date: run "
        "`python -m escalation.reference --write docs/reference.md`"
    )


def test_reference_has_every_policy_and_standard_kind() -> None:
    text = render_reference()
    missing = [f"policy {name}" for name in POLICIES if f"\n### {name}\n" not in text]
    missing += [f"action kind {kind}" for kind in standard_kinds() if f"\n| `{kind}` |" not in text]
    assert not missing, f"not in the rendered reference: {', '.join(missing)}"


@pytest.mark.parametrize(
    ("page", "index", "text"), COMPLETE, ids=[f"{page}-block{index}" for page, index, _ in COMPLETE]
)
def test_complete_scenario_loads_and_runs(page: str, index: int, text: str) -> None:
    scenario = escalation.load_scenario_text(text, f"docs/{page} (yaml block {index})")
    record = escalation.simulate(scenario, seed=0, run=0)
    assert record.outcome in (*scenario.outcome_ids, "unclassified")


def test_authoring_guide_has_a_complete_scenario() -> None:
    assert any(page == "authoring.md" for page, _, _ in COMPLETE), (
        f"docs/authoring.md has no ```yaml block whose first line is '{MARKER}'"
    )


@pytest.mark.parametrize("page", LINKED, ids=[str(page.relative_to(ROOT)) for page in LINKED])
def test_relative_links_resolve(page: Path) -> None:
    broken = broken_links(page)
    assert not broken, f"{page.name} has broken links: {'; '.join(broken)}"
