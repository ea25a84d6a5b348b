#!/usr/bin/env bash
# The whole test suite: lint, type-check, then pytest (in parallel on all cores) on the
# engine's Python sources, then the engine's tests on its compiled core where it could be built.
# Installs the test tool chain and every extra the suite exercises (Dask, SALib) into .venv
# first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh dask,sensitivity,test
.venv/bin/ruff check .  # the package, tests, benchmarks, scripts and notebooks
.venv/bin/mypy
# The whole suite on the engine's Python sources (ESCALATION_PURE_PYTHON=1: the fallback of a
# machine that cannot compile), then the engine's tests (tests/engine_tests.txt) on its compiled
# core where setup.sh could build it (escalation/native.py); tests/test_native.py holds the two
# to identical results. Where a C compiler and Python's headers are at hand the build must have
# compiled, and tests/test_native.py fails if it quietly did not.
ESCALATION_PURE_PYTHON=1 .venv/bin/python -m pytest -n auto -p no:cacheprovider "$@"
if [ $# -eq 0 ]; then
  if [ "${ESCALATION_COMPILE:-1}" != 0 ] && .venv/bin/python -c 'import os, shutil, sys, sysconfig
compiler = os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc"
headers = os.path.join(sysconfig.get_paths()["include"], "Python.h")
sys.exit(not (shutil.which(compiler.split()[0]) and os.path.exists(headers)))'; then
    export ESCALATION_EXPECT_COMPILED=1
  fi
  echo "test: the engine's tests again, on its compiled core"
  ESCALATION_PURE_PYTHON=0 .venv/bin/python -m pytest -n auto -p no:cacheprovider -q \
    $(cat tests/engine_tests.txt)
fi
