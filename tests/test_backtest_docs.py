"""docs/validation.md is current: the digest of its inputs (episode files, vocabulary, scoring
code, run settings) recorded in the page matches today's, checked without re-running it."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("validation_docs", ROOT / "scripts" / "validation_docs.py")
assert _spec is not None and _spec.loader is not None
validation_docs = importlib.util.module_from_spec(_spec)
sys.modules["validation_docs"] = validation_docs
_spec.loader.exec_module(validation_docs)

PAGE = validation_docs.PAGE.read_text(encoding="utf-8")


def test_the_page_is_current() -> None:
    assert validation_docs.recorded_digest(PAGE) == validation_docs.inputs_digest(), (
        "docs/validation.md is stale: run python scripts/validation_docs.py")


def test_the_page_scores_every_episode() -> None:
    files = validation_docs.episode_files()
    assert any(validation_docs._name(f) == "india_pakistan_2019" for f in files)
    for path in files:
        assert f"| {validation_docs._name(path)} |" in PAGE, path.name


def test_the_digest_moves_with_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    before = validation_docs.inputs_digest()
    monkeypatch.setattr(validation_docs, "RUNS", validation_docs.RUNS + 1)
    assert validation_docs.inputs_digest() != before


def test_the_check_mode_agrees(capsys: pytest.CaptureFixture[str]) -> None:
    current = validation_docs.recorded_digest(PAGE) == validation_docs.inputs_digest()
    assert validation_docs.main(["--check"]) == (0 if current else 1)
    assert ("current" if current else "stale") in capsys.readouterr().out
