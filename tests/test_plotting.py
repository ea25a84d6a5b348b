"""The batch figures, checked through their artists against the numbers they show.

- The outcome chart has one bar per outcome class, in the scenario's order, as high as its
  probability, with error bars spanning its 95% Wilson interval; failed runs are noted.
- The convergence chart ends at each final probability inside its final interval; its
  vectorised running intervals equal ``wilson`` run by run; long batches are subsampled.
- The duration chart has one ECDF per outcome that occurred; the deaths chart one per actor
  with any deaths, showing the share of runs with more than x deaths.
- ``write_figures`` writes every figure as PNG and SVG; ``Results.load`` rebuilds a batch's
  results from its folder; ``escalation plot DIR`` and ``escalation run --out DIR`` write them.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

import escalation
from escalation.montecarlo.results import Results
from escalation.montecarlo.stats import wilson
from escalation.plotting import (
    FIGURES,
    convergence_chart,
    deaths_chart,
    duration_chart,
    ecdf,
    exchanges_chart,
    outcome_chart,
    running_wilson,
    write_figures,
)

ROOT = Path(__file__).resolve().parents[1]
US_IRAN = ROOT / "scenarios" / "us_iran_2020.yaml"
RUNS = 300
FIGURE_NAMES = ("outcomes", "duration", "deaths", "exchanges", "convergence", "paths", "survival", "rungs",
                "first_passage", "transitions")
OPTIONAL_NAMES = ("swing", "discovery")  # the seed scenario has sampled parameters and wars
NAMES = [f"{name}.{fmt}" for name in (*FIGURE_NAMES, *OPTIONAL_NAMES) for fmt in ("png", "svg")]
# with the scenario (the commands have it), the tension fan chart is drawn as well
CLI_NAMES = [f"{name}.{fmt}" for name in (*FIGURE_NAMES, "tension", *OPTIONAL_NAMES)
             for fmt in ("png", "svg")]


def escalation_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "escalation.cli", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=300)


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> tuple[Results, Path]:
    """A real batch of the seed scenario and the folder it was written to."""
    folder = tmp_path_factory.mktemp("plots") / "b"
    results = escalation.run_batch(escalation.load_scenario(US_IRAN), RUNS, seed=1,
                                   backend="serial", progress=False, out=folder)
    return results, folder


@pytest.fixture(scope="module")
def results(batch: tuple[Results, Path]) -> Results:
    return batch[0]


def axes_of(figure: Figure) -> Axes:
    assert len(figure.axes) == 1
    return figure.axes[0]


def lines_by_gid(axes: Axes, prefix: str) -> dict[str, Line2D]:
    return {str(line.get_gid())[len(prefix):]: line for line in axes.get_lines()
            if str(line.get_gid()).startswith(prefix)}


def with_runs(results: Results, runs: pd.DataFrame) -> Results:
    return replace(results, runs=runs.reset_index(drop=True))


def with_failures(results: Results, count: int) -> Results:
    """The same batch with its first ``count`` runs recorded as failed."""
    runs = results.runs.copy()
    for column in ("outcome", "ended_by"):
        runs[column] = runs[column].cat.add_categories(["failed"])
        runs.loc[: count - 1, column] = "failed"
    runs.loc[: count - 1, "duration_days"] = np.nan
    return with_runs(results, runs)


# -- outcomes --------------------------------------------------------------------------------
def test_outcome_chart_has_a_bar_per_outcome_at_its_probability_with_its_interval(
    results: Results,
) -> None:
    summary = results.summary()
    assert list(summary.index) == list(results.outcome_ids)
    axes = axes_of(outcome_chart(results))
    (bars,) = [c for c in axes.containers if isinstance(c, BarContainer)]
    assert len(bars) == len(summary) == 4
    np.testing.assert_allclose([bar.get_height() for bar in bars], summary["probability"])
    assert [bar.get_gid() for bar in bars] == [f"bar-{name}" for name in summary.index]
    ticks = [label.get_text().split("\n") for label in axes.get_xticklabels()]
    assert [(name, runs) for name, runs in ticks] == \
        [(name, f"{n:,} runs") for name, n in summary["runs"].items()]
    assert bars.errorbar is not None
    (segments,) = [c for c in bars.errorbar.lines[2] if isinstance(c, LineCollection)]
    spans = np.array([[seg[:, 1].min(), seg[:, 1].max()] for seg in segments.get_segments()])
    np.testing.assert_allclose(spans, summary[["ci_low", "ci_high"]].to_numpy(), atol=1e-12)
    labels = [t.get_text() for t in axes.texts]
    assert labels == [f"{p:.1%}\n[{lo:.1%}, {hi:.1%}]" for p, lo, hi in
                      summary[["probability", "ci_low", "ci_high"]].itertuples(index=False)]
    assert f"{RUNS} runs" in axes.get_title() and results.scenario in axes.get_title()
    assert "failed" not in axes.get_title()
    assert axes.get_xlabel() and axes.get_ylabel()


def test_outcome_chart_notes_failed_runs_and_leaves_them_out(results: Results) -> None:
    failing = with_failures(results, 7)
    summary = failing.summary()
    assert summary["runs"].sum() == RUNS - 7
    axes = axes_of(outcome_chart(failing))
    assert f"{RUNS - 7} runs" in axes.get_title() and "7 failed runs excluded" in axes.get_title()
    (bars,) = [c for c in axes.containers if isinstance(c, BarContainer)]
    np.testing.assert_allclose([bar.get_height() for bar in bars], summary["probability"])


# -- convergence -----------------------------------------------------------------------------
def test_running_wilson_equals_wilson_run_by_run() -> None:
    trials = np.array([1, 1, 2, 3, 3, 10, 10, 10, 57, 300, 300, 300, 1000, 0])
    hits = np.array([0, 1, 1, 0, 3, 0, 4, 10, 20, 0, 33, 300, 999, 0])
    p, low, high = running_wilson(hits, trials)
    for i in range(len(trials) - 1):  # the same arithmetic: the same floats, bit for bit
        assert p[i] == hits[i] / trials[i]
        assert (low[i], high[i]) == wilson(int(hits[i]), int(trials[i]))
    # The exact ends, where rounding would leave the interval a hair short of 0 or 1.
    ends = trials > 0
    assert low[ends & (hits == 0)].tolist() == [0.0] * 4
    assert high[ends & (hits == trials)].tolist() == [1.0] * 4
    assert np.isnan(p[-1]) and (low[-1], high[-1]) == wilson(0, 0)


def test_convergence_chart_ends_at_each_final_probability_inside_its_interval(
    results: Results,
) -> None:
    summary = results.summary()
    axes = axes_of(convergence_chart(results))
    lines = lines_by_gid(axes, "estimate-")
    bands = {str(c.get_gid())[len("interval-"):]: c for c in axes.collections
             if isinstance(c, PolyCollection)}
    assert list(lines) == list(bands) == list(summary.index)
    outcomes = results.runs.sort_values("run")["outcome"].astype(str).to_numpy()
    for name, row in summary.iterrows():
        x, y = (np.asarray(v, dtype=float) for v in lines[name].get_data())
        assert x.tolist() == list(range(1, RUNS + 1))  # every run: no subsampling at 300
        assert y[-1] == pytest.approx(row["probability"], abs=1e-15)
        assert y[49] == pytest.approx((outcomes[:50] == name).mean(), abs=1e-15)
        vertices = np.vstack([path.vertices for path in bands[name].get_paths()])
        final = vertices[np.isclose(vertices[:, 0], RUNS)][:, 1]
        assert final.min() <= row["probability"] <= final.max()
        assert (final.min(), final.max()) == pytest.approx((row["ci_low"], row["ci_high"]),
                                                           abs=1e-12)
        assert lines[name].get_label().startswith(f"{name}: {row['probability']:.1%}")


def test_convergence_chart_subsamples_long_batches_and_keeps_the_final_point(
    results: Results,
) -> None:
    runs = pd.concat([results.runs] * 20, ignore_index=True)
    runs["run"] = np.arange(len(runs))
    long = with_runs(results, runs)
    axes = axes_of(convergence_chart(long))
    for name, line in lines_by_gid(axes, "estimate-").items():
        x, y = (np.asarray(v, dtype=float) for v in line.get_data())
        assert 500 < len(x) <= 2000
        assert x[0] == 1 and x[-1] == 20 * RUNS and np.all(np.diff(x) > 0)
        assert y[-1] == pytest.approx(long.summary().loc[name, "probability"], abs=1e-15)


# -- durations and deaths --------------------------------------------------------------------
def test_ecdf_known_answers() -> None:
    x, y = ecdf(np.array([3.0, 0.0, np.nan, 1.0, 0.0]))
    assert x.tolist() == [0, 1, 3] and y.tolist() == [0.5, 0.75, 1.0]
    x, y = ecdf(pd.Series([3.0, 0.0, 1.0, 0.0]), complementary=True)
    assert x.tolist() == [0, 1, 3] and y.tolist() == [0.5, 0.25, 0.0]
    x, y = ecdf(np.random.default_rng(0).random(10_000), limit=500)
    assert len(x) <= 500 and y[-1] == 1.0 and np.all(np.diff(y) >= 0)
    assert ecdf(np.array([np.nan]))[0].size == 0


def test_duration_chart_has_one_line_per_outcome_present(results: Results) -> None:
    done = results.completed
    absent = "protracted_conflict"
    assert (done["outcome"] == absent).sum() > 0
    for shown in (results, with_runs(results, done[done["outcome"] != absent])):
        summary = shown.summary()
        present = [name for name, n in summary["runs"].items() if n > 0]
        axes = axes_of(duration_chart(shown))
        lines = lines_by_gid(axes, "duration-")
        assert list(lines) == present
        for name, line in lines.items():
            x, y = (np.asarray(v, dtype=float) for v in line.get_data())
            days = shown.completed.loc[shown.completed["outcome"] == name, "duration_days"]
            assert x[-1] == days.max() and y[-1] == 1.0 and y[0] == 0.0
        assert axes.get_xlabel() == "duration (days)" and f"{len(shown.completed)} runs" in \
            axes.get_title()
    assert absent not in present


def test_exchanges_chart_stacks_each_count_by_outcome(results: Results) -> None:
    done = results.completed
    axes = axes_of(exchanges_chart(results))
    heights: dict[int, float] = {}
    for container in axes.containers:
        name = str(container.patches[0].get_gid())
        shown = done[done["outcome"].astype(str) == name.removeprefix("exchanges-")]
        counts = np.bincount(shown["kinetic_acts"].to_numpy(dtype=int),
                             minlength=len(container.patches))
        for x, patch in enumerate(container.patches):
            assert patch.get_height() == pytest.approx(counts[x] / len(done))
            heights[x] = heights.get(x, 0.0) + patch.get_height()
    assert sum(heights.values()) == pytest.approx(1.0)
    assert max(heights) == done["kinetic_acts"].max()


def test_deaths_chart_has_one_line_per_actor_with_deaths(results: Results) -> None:
    done = results.completed
    sides = [c[7:] for c in done.columns if c.startswith("deaths.") and done[c].max() > 0]
    assert "iran" in sides and "iraq" not in sides  # the fixture has a side without deaths
    axes = axes_of(deaths_chart(results))
    lines = lines_by_gid(axes, "deaths-")
    assert list(lines) == sides
    assert axes.get_xscale() == "symlog"
    for side, line in lines.items():
        deaths = done[f"deaths.{side}"].to_numpy()
        x, y = (np.asarray(v, dtype=float) for v in line.get_data())
        assert x[0] == 0 and x[-1] == deaths.max() and y[-1] == 0.0
        assert y[0] == pytest.approx((deaths > 0).mean() if deaths.min() == 0 else 1.0)
        for value, share in zip(x, y, strict=True):
            assert share == pytest.approx((deaths > value).mean())


def test_figures_cope_with_a_batch_whose_runs_all_failed(results: Results, tmp_path: Path) -> None:
    failing = with_failures(results, RUNS)
    for make in FIGURES.values():
        axes = axes_of(make(failing))
        assert any("no completed runs" in t.get_text() for t in axes.texts)
        assert "0 runs" in axes.get_title() and f"{RUNS} failed runs" in axes.get_title()
    assert all(p.stat().st_size > 0 for p in write_figures(failing, tmp_path))


# -- files, loading, the command ---------------------------------------------------------------
def test_write_figures_writes_every_figure_as_png_and_svg(results: Results, tmp_path: Path
                                                          ) -> None:
    out = tmp_path / "figures"
    paths = write_figures(results, out)
    assert paths == [out / name for name in NAMES]
    assert sorted(p.name for p in out.iterdir()) == sorted(NAMES)  # no temporary files left
    for path in paths:
        data = path.read_bytes()
        assert len(data) > 10_000
        if path.suffix == ".png":
            assert data.startswith(b"\x89PNG\r\n\x1a\n")
        else:
            assert data.startswith(b"<?xml") and b"<svg" in data and b"</svg>" in data
    assert b'id="bar-war"' in (out / "outcomes.svg").read_bytes()


def test_figures_can_be_made_in_threads(results: Results) -> None:
    with ThreadPoolExecutor(4) as pool:
        figures = list(pool.map(lambda make: make(results), list(FIGURES.values()) * 2))
    titles = [axes_of(f).get_title() for f in figures]
    count = len(FIGURES)
    assert titles[:count] == titles[count:] and all(f"{RUNS} runs" in t for t in titles)


def test_plotting_never_touches_pyplot() -> None:
    code = ("import sys, escalation, escalation.plotting, escalation.cli; "
            "print('matplotlib.pyplot' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_results_load_rebuilds_the_batch(batch: tuple[Results, Path]) -> None:
    original, folder = batch
    loaded = Results.load(folder)
    pd.testing.assert_frame_equal(loaded.summary(), original.summary())
    pd.testing.assert_frame_equal(loaded.runs, original.runs)
    assert loaded.outcome_ids == original.outcome_ids
    same = ("scenario", "seed", "stopped_by", "requested", "meta")
    assert [getattr(loaded, k) for k in same] == [getattr(original, k) for k in same]
    assert loaded.meta["manifest"]["seed"] == 1
    written = (folder / "summary.json").read_text()
    assert json.dumps(loaded.report(), indent=2, sort_keys=True, default=float) == written
    assert loaded.events is None


def test_results_load_refuses_a_folder_without_a_finished_batch(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"no runs\.parquet or summary\.json"):
        Results.load(tmp_path)


def test_plot_command_writes_the_figures_into_the_folder(batch: tuple[Results, Path],
                                                         tmp_path: Path) -> None:
    folder = tmp_path / "copy"
    shutil.copytree(batch[1], folder)
    result = escalation_cli("plot", str(folder))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [str(folder / name) for name in CLI_NAMES]
    for name in CLI_NAMES:
        assert (folder / name).stat().st_size > 10_000


def test_plot_command_refuses_a_folder_without_a_batch(tmp_path: Path) -> None:
    result = escalation_cli("plot", str(tmp_path))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"escalation: {tmp_path} is not a finished batch folder")
    assert not list(tmp_path.iterdir())


def test_run_with_out_writes_the_figures_too(tmp_path: Path) -> None:
    out = tmp_path / "batch"
    result = escalation_cli("run", str(US_IRAN), "--runs", "100", "--seed", "2", "--out",
                            str(out), "--backend", "serial", "--quiet")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[-2:] == [f"written to {out}/: runs.parquet, summary.json, scenario.yaml and "
                          f"{len(CLI_NAMES)} figure files (PNG, SVG)", f"report: {out}/report.html"]
    assert all((out / name).stat().st_size > 10_000 for name in CLI_NAMES)
    assert len(Results.load(out).runs) == 100
