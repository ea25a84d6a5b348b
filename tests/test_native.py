"""The engine's optional compiled core (escalation/native.py, setup.py): the same results
compiled and as pure Python, the switch that forces the sources, and a stale build never run.

CI builds the core (scripts/setup.sh) and runs the whole suite with it, then the engine's
tests again with ``ESCALATION_PURE_PYTHON=1`` (scripts/test.sh); where no build could be made,
both runs are pure Python and the comparison below has nothing to compare (it says so)."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import escalation
from escalation import native

ROOT = Path(__file__).resolve().parents[1]

# Run tables (and event tables, for the traced scenario) of a few batches, printed as CSV
TABLES = """
import hashlib, sys
import escalation
from escalation import native
out = {"compiled": native.compiled()}
for path, runs, events in (("scenarios/us_iran_2020.yaml", 150, False),
                           ("scenarios/india_pakistan_2019.yaml", 150, True),
                           ("scenarios/two_state_template_ally.yaml", 150, True),
                           ("benchmarks/minimal.yaml", 300, False)):
    results = escalation.run_batch(escalation.load_scenario(path), runs=runs, seed=11, workers=1,
                                   backend="serial", progress=False, keep_events=events)
    out[path] = results.runs.to_csv()
    if events:
        out[path + " events"] = results.events.to_csv()
import json
print(json.dumps(out))
"""


def _tables(pure: bool) -> dict[str, object]:
    env = {**os.environ, native.PURE_PYTHON: "1" if pure else "0"}
    done = subprocess.run([sys.executable, "-c", TABLES], cwd=ROOT, env=env, capture_output=True,
                          text=True, check=True)
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_compiled_and_pure_python_runs_are_the_same() -> None:
    compiled, pure = _tables(pure=False), _tables(pure=True)
    assert pure.pop("compiled") is False
    if not compiled.pop("compiled"):
        pytest.skip("no compiled build here (pure Python only): nothing to compare")
    assert compiled.keys() == pure.keys()
    for name in compiled:
        assert compiled[name] == pure[name], f"{name}: compiled and pure-Python tables differ"


def test_the_switch_makes_a_process_run_the_sources() -> None:
    env = {**os.environ, native.PURE_PYTHON: "1"}
    probe = ("import escalation.engine.world as w, escalation.native as n; "
             "print(w.__file__, n.compiled())")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True,
                          text=True, check=True)
    where, compiled = done.stdout.split()
    assert where.endswith(os.path.join("engine", "world.py"))
    assert compiled == "False"


@pytest.mark.skipif(os.environ.get("ESCALATION_EXPECT_COMPILED") != "1",
                    reason="set ESCALATION_EXPECT_COMPILED=1 where the build must have compiled")
def test_the_build_compiled_the_engine() -> None:
    """scripts/test.sh asks for this where a C compiler is at hand, so that a build that
    quietly fell back to pure Python does not pass for a compiled one."""
    assert os.environ.get(native.PURE_PYTHON) != "1"
    assert native.compiled()
    assert not native.stale()
    interpreted = [module for module in native.COMPILED
                   if (importlib.import_module(module).__file__ or "").endswith(".py")]
    assert not interpreted, f"listed as compiled, imported from their sources: {interpreted}"


def _package(folder: Path) -> Path:
    """A copy of the compiled modules' sources under ``folder``, laid out as the package."""
    sources = [(native.source_path(module), native.source_path(module, folder))
               for module in native.COMPILED]
    package = native.source_path("escalation.native").parent
    sources += [(package / path, folder / path) for path in native.C_SOURCES.values()]
    for source, target in sources:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source.read_bytes())
    return folder


def test_a_build_is_stale_once_a_compiled_source_changes(tmp_path: Path) -> None:
    package = _package(tmp_path / "escalation")
    assert not native.stale(package)  # no build: nothing to be stale
    (package / native.MANIFEST).write_text(json.dumps(native.source_hashes(package)))
    assert not native.stale(package)
    world = native.source_path("escalation.engine.world", package)
    world.write_text(world.read_text() + "\n# edited after the build\n")
    assert native.stale(package)
    (package / native.MANIFEST).write_text(json.dumps(native.source_hashes(package)))
    for path in native.C_SOURCES.values():  # a C source too
        assert not native.stale(package)
        (package / path).write_text((package / path).read_text() + "\n/* edited */\n")
        assert native.stale(package)
    (package / native.MANIFEST).write_text("not json")
    assert native.stale(package)


def test_every_compiled_module_is_a_module_of_the_package() -> None:
    for module in native.COMPILED:
        assert module.startswith("escalation.")
        assert native.source_path(module).is_file(), module
    assert escalation.native is native
