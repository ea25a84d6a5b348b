"""Chunk plans (issue #14): the guided plan covers every run exactly once in shrinking
chunks, and a batch's tables do not depend on the plan nor on the workers that ran it
(each run is seeded by its index: ``run_seeds(seed, start, count)``)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import escalation
from escalation.cli import main
from escalation.montecarlo.batch import run_batch
from escalation.montecarlo.plan import GUIDED, LARGEST, SMALLEST, chunk_plan, describe, largest_chunk
from escalation.scenario.compiled import Scenario
from tests.toys import COIN_FLIPS, quick


@settings(max_examples=200, deadline=None)
@given(runs=st.integers(1, 2_000_000), first=st.integers(0, 10**9),
       size=st.none() | st.integers(1, 10_000))
def test_a_plan_covers_every_run_exactly_once(runs: int, first: int, size: int | None) -> None:
    chunks, name = chunk_plan(runs, size, first)
    assert name == (size or GUIDED)
    starts = [start for start, _ in chunks]
    assert starts[0] == first
    for (start, count), following in zip(chunks, [*starts[1:], first + runs], strict=True):
        assert count >= 1 and start + count == following  # no gap, no overlap
    if size is None:
        sizes = [count for _, count in chunks]
        assert max(sizes) <= LARGEST and min(sizes[:-1], default=SMALLEST) >= SMALLEST
        assert sizes == sorted(sizes, reverse=True) or sizes[-1] < SMALLEST  # shrinking


def test_the_guided_plan_keeps_several_chunks_per_worker_to_the_end() -> None:
    chunks, _ = chunk_plan(200_000)
    tail = [count for _, count in chunks if count < 100]
    assert sum(tail) < 200_000 * 0.05 and len(tail) > 32  # small chunks only at the end
    assert len(chunks) < 500  # ... and not so many that the parent's share matters


@pytest.fixture(scope="module")
def toy() -> Scenario:
    return escalation.load_scenario_text(quick(COIN_FLIPS))


@pytest.mark.parametrize(("size", "backend", "workers"), [
    (None, "processes", 1), (None, "processes", 2), (7, "processes", 2), (64, "serial", 1),
    (None, "dask", 2)])
def test_tables_are_the_same_for_any_plan_and_workers(
        toy: Scenario, size: int | None, backend: str, workers: int) -> None:
    if backend == "dask":
        pytest.importorskip("distributed", reason="the dask extra is not installed")
    options: dict[str, Any] = {"progress": False}
    reference = run_batch(toy, 2000, 8, backend="serial", chunk_size=2000, **options)
    other = run_batch(toy, 2000, 8, backend=backend, workers=workers, chunk_size=size, **options)
    assert other.runs.equals(reference.runs)


def test_run_shows_its_plan_and_runs_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "us_iran_2020", "--runs", "20000", "--show-plan"]) == 0
    out = capsys.readouterr().out
    chunks, _ = chunk_plan(20000)
    assert out == f"plan {GUIDED}: {describe(chunks)}\n"
    assert out.startswith(f"plan {GUIDED}: {len(chunks)} chunks of 20,000 runs: 313, 308")


@settings(deadline=None)
@given(runs=st.integers(1, 10**6), size=st.one_of(st.none(), st.integers(1, 10**6)))
def test_the_largest_chunk_is_known_without_the_plan(runs: int, size: int | None) -> None:
    """The memory check needs only the first, largest chunk: it must equal the plan's."""
    chunks, _ = chunk_plan(runs, size)
    assert largest_chunk(runs, size) == max(count for _, count in chunks)
