#!/usr/bin/env bash
# The whole test suite: lint, type-check, then pytest (in parallel on all cores).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/ruff check escalation tests
.venv/bin/mypy
.venv/bin/python -m pytest -n auto -p no:cacheprovider "$@"
