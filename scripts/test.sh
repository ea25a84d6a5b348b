#!/usr/bin/env bash
# The whole test suite: lint, type-check, then pytest (in parallel on all cores). Installs the
# test tool chain and every extra the suite exercises (Dask, SALib) into .venv first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh dask,sensitivity,test
.venv/bin/ruff check escalation tests
.venv/bin/mypy
.venv/bin/python -m pytest -n auto -p no:cacheprovider "$@"
