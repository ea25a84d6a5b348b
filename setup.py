"""Build the package; compile the engine's core with mypyc where possible (optional).

Everything else is in pyproject.toml. The modules listed in escalation/native.py are compiled
to extension modules beside their sources (and the C ones it lists built) when mypyc (a build
requirement) and a C compiler are at hand. If anything about that fails, the installation goes
on with the pure-Python engine, which gives the same results, and says so;
``ESCALATION_COMPILE=0`` skips the compilation on purpose. A finished build records a hash of
each compiled source (escalation/_compiled.json) so that a source edited later is not shadowed
by its stale build.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path
from typing import Any

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent


def _native() -> Any:
    """escalation/native.py, loaded alone (it needs only the standard library)."""
    spec = importlib.util.spec_from_file_location("_escalation_native", ROOT / "escalation" / "native.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _say(message: str) -> None:
    print(f"escalation build: {message}", file=sys.stderr, flush=True)


NATIVE = _native()


def extensions() -> list[Any]:
    if os.environ.get("ESCALATION_COMPILE", "1") == "0":
        _say("not compiling the engine (ESCALATION_COMPILE=0): pure Python")
        return []
    try:
        from mypyc.build import mypycify

        # mypy's options of its own, not pyproject's: the build environment has mypy but not
        # the package's dependencies (pydantic's mypy plugin among them), read as Any here, and
        # only the compiled modules are checked
        options = ["--config-file=", "--ignore-missing-imports", "--follow-imports=silent",
                   "--python-version=3.11"]
        sources = [str(NATIVE.source_path(m, Path("escalation"))) for m in NATIVE.COMPILED]
        flags = ["-O3", "-ffp-contract=off"]  # no fused multiply-adds: the Python core's numbers
        written_in_c = [Extension(module, [f"escalation/{path}"], extra_compile_args=flags)
                        for module, path in NATIVE.C_SOURCES.items()]
        return [*mypycify([*options, *sources], opt_level="3"), *written_in_c]
    except BaseException as error:  # mypy's errors end in SystemExit
        _say(f"the engine could not be compiled ({type(error).__name__}: {error}); "
             "installing it as pure Python (same results, slower)")
        return []


class BuildExt(build_ext):
    """Builds the compiled core, or nothing, never a broken installation: a failed compile
    leaves no extension module behind (a module shim without mypyc's shared library would
    not import) and the sources run instead."""

    def run(self) -> None:
        if self.inplace:  # an earlier build's modules, which Python would import first
            for old in [*ROOT.glob("escalation/**/*.so"), *ROOT.glob("*__mypyc.*.so")]:
                old.unlink()
            (ROOT / "escalation" / NATIVE.MANIFEST).unlink(missing_ok=True)
        if not self.extensions:
            return
        self.left_out: list[str] = []  # modules written in C that could not be built
        try:
            super().run()
        except Exception as error:
            _say(f"compiling the engine failed ({type(error).__name__}: {error}); "
                 "installing it as pure Python (same results, slower)")
            for output in self.get_outputs():
                Path(output).unlink(missing_ok=True)
            self.extensions = []
            return
        root = Path("." if self.inplace else self.build_lib) / "escalation"
        (root / NATIVE.MANIFEST).write_text(json.dumps(NATIVE.source_hashes(ROOT / "escalation"),
                                                       indent=1, sort_keys=True))
        _say(f"compiled {len(NATIVE.COMPILED)} engine modules with mypyc and "
             f"{len(NATIVE.C_SOURCES) - len(self.left_out)} written in C")

    def build_extensions(self) -> None:
        super().build_extensions()
        # the left-out ones are no outputs: nothing to copy beside the sources or to install
        self.extensions = [ext for ext in self.extensions if ext.name not in self.left_out]

    def build_extension(self, ext: Any) -> None:
        """A module written in C that fails to build is left out alone: its Python twin runs
        (the same numbers) and the mypyc modules stay compiled."""
        if ext.name not in NATIVE.C_SOURCES:
            super().build_extension(ext)
            return
        try:
            super().build_extension(ext)
        except Exception as error:
            self.left_out.append(ext.name)
            _say(f"{ext.name} could not be built ({type(error).__name__}: {error}); its Python "
                 "equivalent runs instead (same results, slower)")

    def get_outputs(self) -> list[str]:
        outputs = list(super().get_outputs())
        if self.extensions:
            root = Path("." if self.inplace else self.build_lib) / "escalation"
            outputs.append(str(root / NATIVE.MANIFEST))
        return outputs


setup(ext_modules=extensions(), cmdclass={"build_ext": BuildExt})
