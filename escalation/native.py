"""The engine's compiled core: which modules mypyc compiles, and whether they run compiled.

The engine's inner loop (``COMPILED``) may be installed twice over: as its Python sources, and,
where the installation could compile them (``setup.py``: mypyc and a C compiler), as extension
modules beside them, which Python imports first. Results are the same either way (the tests
hold the two to identical run tables); compiled runs are faster.

``use_sources`` makes this process import the sources instead, before anything has imported
the engine (``escalation/__init__.py`` calls it first thing):

- when the environment variable ``ESCALATION_PURE_PYTHON`` is ``1`` (the tests run the engine
  both ways; mutation testing must run the sources it mutates);
- when the compiled modules are out of date: ``setup.py`` records a hash of each compiled
  source (``_compiled.json``, beside this file), and a source edited since runs as it is
  now, not as it was built (``bash scripts/setup.sh`` builds it again).

This module imports only the standard library: ``setup.py`` reads ``COMPILED`` from it before
anything else is installed.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import sys
import warnings
from collections.abc import Sequence
from importlib.abc import MetaPathFinder
from importlib.machinery import ModuleSpec
from pathlib import Path
from types import ModuleType

COMPILED = (  # the modules a run spends its time in, all of them typed for mypy
    "escalation.engine.avoidance",
    "escalation.engine.clock",
    "escalation.engine.context",
    "escalation.engine.defence",
    "escalation.engine.delivery",
    "escalation.engine.effects",
    "escalation.engine.formulas",
    "escalation.engine.namespace_view",
    "escalation.engine.perception",
    "escalation.engine.records",
    "escalation.engine.state",
    "escalation.engine.tally",
    "escalation.engine.targets",
    "escalation.engine.variates",
    "escalation.engine.warning",
    "escalation.engine.world",
    "escalation.model.draws",
    "escalation.model.streams",
    "escalation.policies.base",
    "escalation.policies.graduated",
    "escalation.policies.proportional",
    "escalation.policies.rule",
    "escalation.policies.sanctions",
    "escalation.policies.stand_down",
    "escalation.policies.threat",
    "escalation.policies.tit_for_tat",
    "escalation.scenario.compiled",
    "escalation.scenario.evaluation",
)
C_SOURCES = {  # extension modules written in C, each with its Python equivalent beside it
    "escalation.model._splitmix": "model/_splitmix.c",  # model/splitmix.py's PythonCore
}
PURE_PYTHON = "ESCALATION_PURE_PYTHON"
MANIFEST = "_compiled.json"  # written by setup.py beside this file: {module: sha256 of source}
_PACKAGE = Path(__file__).resolve().parent


def source_path(module: str, package: Path = _PACKAGE) -> Path:
    """The source file of ``module`` (one of ``COMPILED``) under the package folder."""
    return package.joinpath(*module.split(".")[1:]).with_suffix(".py")


def source_hashes(package: Path = _PACKAGE) -> dict[str, str]:
    """The sha256 of each compiled module's source (C ones too), as ``setup.py`` records it
    at build time."""
    sources = {module: source_path(module, package) for module in COMPILED}
    sources.update({module: package / path for module, path in C_SOURCES.items()})
    return {module: hashlib.sha256(path.read_bytes()).hexdigest()
            for module, path in sources.items()}


def stale(package: Path = _PACKAGE) -> bool:
    """Whether a compiled build is present whose sources have changed since it was built."""
    manifest = package / MANIFEST
    if not manifest.exists():
        return False
    try:
        built = json.loads(manifest.read_text())
    except (OSError, ValueError):
        return True
    return bool(built != source_hashes(package))


class _Sources(MetaPathFinder):
    """Finds the compiled modules' sources, ahead of the extension modules Python would
    otherwise prefer."""

    def find_spec(self, fullname: str, path: Sequence[str] | None,
                  target: ModuleType | None = None) -> ModuleSpec | None:
        if fullname not in COMPILED or not path:
            return None
        name = fullname.rpartition(".")[2] + ".py"
        for folder in path:
            source = os.path.join(folder, name)
            if os.path.exists(source):
                return importlib.util.spec_from_file_location(fullname, source)
        return None


def use_sources() -> None:
    """Import the compiled modules' Python sources in this process, when asked or when the
    build is out of date (see the module's docstring)."""
    if running_sources():
        return
    if os.environ.get(PURE_PYTHON) == "1":
        sys.meta_path.insert(0, _Sources())
    elif stale():
        warnings.warn("escalation: the compiled engine is older than its sources, which run "
                      "instead (slower); build it again with: bash scripts/setup.sh",
                      RuntimeWarning, stacklevel=2)
        sys.meta_path.insert(0, _Sources())


def running_sources() -> bool:
    """Whether this process was made to import the compiled modules' sources (``use_sources``):
    modules with a C core of their own then use their Python equivalent too."""
    return any(isinstance(finder, _Sources) for finder in sys.meta_path)


def compiled() -> bool:
    """Whether this process runs the engine compiled (the world's module is an extension)."""
    from escalation.engine import world

    return not (world.__file__ or "").endswith(".py")
