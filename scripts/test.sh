#!/usr/bin/env bash
# The whole test suite: lint, type-check, then pytest (in parallel on all cores), on the
# compiled engine where it could be built, then the engine's tests on its pure-Python sources.
# Installs the test tool chain and every extra the suite exercises (Dask, SALib) into .venv
# first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh dask,sensitivity,test
.venv/bin/ruff check escalation tests
.venv/bin/mypy
# Where a C compiler and Python's headers are at hand, setup.sh must have compiled the engine's
# core (escalation/native.py); tests/test_native.py then fails if it quietly did not.
if [ "${ESCALATION_COMPILE:-1}" != 0 ] && .venv/bin/python -c 'import os, shutil, sys, sysconfig
compiler = os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc"
headers = os.path.join(sysconfig.get_paths()["include"], "Python.h")
sys.exit(not (shutil.which(compiler.split()[0]) and os.path.exists(headers)))'; then
  export ESCALATION_EXPECT_COMPILED=1
fi
.venv/bin/python -m pytest -n auto -p no:cacheprovider "$@"
# The engine's tests once more on its Python sources, the fallback of a machine that cannot
# compile (both ways must pass, with the same results: tests/test_native.py)
if [ $# -eq 0 ] && .venv/bin/python -c 'import sys, escalation.native as n; sys.exit(not n.compiled())'; then
  echo "test: the engine's tests again, pure Python (ESCALATION_PURE_PYTHON=1)"
  ESCALATION_PURE_PYTHON=1 ESCALATION_EXPECT_COMPILED=0 .venv/bin/python -m pytest -n auto \
    -p no:cacheprovider -q $(cat tests/engine_tests.txt)
fi
