#!/usr/bin/env bash
# The main job: the seed scenario's Monte Carlo batch, its summary, and one traced run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/escalation validate scenarios/us_iran_2020.yaml
rm -rf results/us_iran
.venv/bin/escalation run scenarios/us_iran_2020.yaml --runs "${RUNS:-10000}" --seed 42 \
    --out results/us_iran
.venv/bin/escalation report results/us_iran   # one HTML page: summary, paths and every figure
echo
echo "One run of that batch, as a timeline (run 0 of seed 42):"
.venv/bin/escalation trace scenarios/us_iran_2020.yaml --seed 42 --run 0
