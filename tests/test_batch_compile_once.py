"""A scenario is read, hashed and compiled once per command (issue #14).

A batch records its scenario as run (its text, hashed in the manifest). For a scenario the
loader made, that text is the one it was loaded from, taken without reading or compiling the
file again: before, every ``run_batch`` re-read and re-compiled the file (36-56 ms), twice
per point of a sweep. ``loader.compilations()`` counts compilations in this process.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import escalation
from escalation.analysis.compare import compare
from escalation.analysis.sensitivity import sensitivity
from escalation.analysis.sweep import parse_axis, sweep
from escalation.cli import main
from escalation.montecarlo.batch import run_batch
from escalation.montecarlo.source import prepare, scenario_as_run
from escalation.scenario.loader import compilations
from tests.toys import COIN_FLIPS, quick

TOY = quick(COIN_FLIPS.replace("name: coin_flips", "name: toy"))
B_ANSWERS = "actors.b.policies.answer.probability"
# The toy with two uncertain probabilities: sensitivity ranks two or more.
TWO_UNCERTAIN = TOY.replace("probability: 0.6", "probability: {dist: uniform, low: 0.4, high: 0.8}")
SERIAL = {"backend": "serial", "progress": False}


def toy(tmp_path: Path, text: str = TOY) -> Path:
    path = tmp_path / "toy.yaml"
    path.write_text(text)
    return path


def test_a_loaded_scenario_is_recorded_as_loaded_without_its_file(tmp_path: Path) -> None:
    path = toy(tmp_path, "# a comment the batch folder keeps\n" + TOY)
    scenario = escalation.load_scenario(path)
    text = path.read_bytes()
    path.unlink()  # nothing left to read: the text comes from the load
    before = compilations()
    results = run_batch(scenario, 20, 1, **SERIAL)
    assert scenario_as_run(scenario) == text
    assert results.meta["manifest"]["scenario_sha256"] == hashlib.sha256(text).hexdigest()
    assert compilations() == before


def test_a_scenario_with_settings_is_recorded_as_its_dump_without_compiling(tmp_path: Path) -> None:
    scenario = escalation.load_scenario(toy(tmp_path), [f"{B_ANSWERS}=0.5"])
    before = compilations()
    written = prepare(scenario).text
    assert compilations() == before
    assert escalation.load_scenario_text(written.decode()).spec == scenario.spec


def test_a_prepared_scenario_gives_the_same_batch(tmp_path: Path) -> None:
    scenario = escalation.load_scenario(toy(tmp_path))
    plain = run_batch(scenario, 60, 3, **SERIAL)
    prepared = run_batch(prepare(scenario), 60, 3, **SERIAL)
    assert plain.runs.equals(prepared.runs)
    assert plain.meta == prepared.meta


def test_a_sweep_compiles_each_point_once(tmp_path: Path) -> None:
    path = toy(tmp_path)
    axis = parse_axis(f"{B_ANSWERS}=0:1:4")
    before = compilations()
    table = sweep(lambda s: escalation.load_scenario(path, s), [axis], 30, 2, **SERIAL)
    assert len(table) == 4 * 3
    assert compilations() - before == 4  # one per point, by the loader; none by the batches


def test_compare_and_sensitivity_compile_nothing_more(tmp_path: Path) -> None:
    base = escalation.load_scenario(toy(tmp_path))
    variant = escalation.load_scenario(tmp_path / "toy.yaml", [f"{B_ANSWERS}=0.5"])
    uncertain = escalation.load_scenario_text(TWO_UNCERTAIN)
    before = compilations()
    compare(base, variant, 30, 1, **SERIAL)
    sensitivity(uncertain, "none", samples=4, seed=1)
    assert compilations() == before


def test_the_run_command_compiles_its_scenario_once(tmp_path: Path) -> None:
    path = toy(tmp_path)
    before = compilations()
    assert main(["run", str(path), "--runs", "30", "--backend", "serial", "--quiet"]) == 0
    assert compilations() - before == 1
