"""Every output quoted in docs/scenarios.md is what its command prints today: a change to the
engine or to a scenario that moves those numbers fails here until the page is refreshed with
``python scripts/scenario_docs.py``."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("scenario_docs", ROOT / "scripts" / "scenario_docs.py")
assert _spec is not None and _spec.loader is not None
scenario_docs = importlib.util.module_from_spec(_spec)
sys.modules["scenario_docs"] = scenario_docs  # dataclasses look their module up there
_spec.loader.exec_module(scenario_docs)

QUOTES = scenario_docs.quotes(scenario_docs.PAGE.read_text(encoding="utf-8"))


def test_the_page_quotes_every_scenario_file() -> None:
    quoted = " ".join(quote.command for quote in QUOTES)
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        assert f"scenarios/{path.name}" in quoted, f"docs/scenarios.md has no output for {path.name}"


@pytest.mark.parametrize("quote", QUOTES, ids=[q.command.split()[2].split("/")[-1] + "-" +
                                               q.command.split()[1] for q in QUOTES])
def test_quoted_output_is_current(quote: object, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    assert scenario_docs.output_of(quote.command) == quote.output, (  # type: ignore[attr-defined]
        "docs/scenarios.md is stale: run python scripts/scenario_docs.py")
