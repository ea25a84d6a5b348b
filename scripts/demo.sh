#!/usr/bin/env bash
# The main job: the seed scenario's Monte Carlo batch, its summary, figures and report, and
# one traced run. Writes results/demo/ (the README's tour then writes results/us_iran/).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh sensitivity   # the package, and SALib for the README tour's sensitivity step
OUT=results/demo
echo
echo "demo: checking the seed scenario (US-Iran, January 2020)"
.venv/bin/escalation validate scenarios/us_iran_2020.yaml
echo
echo "demo: a batch of ${RUNS:-10000} runs into $OUT/ (summary, figures, report)"
rm -rf "$OUT"
.venv/bin/escalation run scenarios/us_iran_2020.yaml --runs "${RUNS:-10000}" --seed 42 --out "$OUT"
echo
echo "demo: one run of that batch, as a timeline (run 0 of seed 42)"
.venv/bin/escalation trace scenarios/us_iran_2020.yaml --seed 42 --run 0
echo
echo "Done. To take the tour in README.md, put the escalation command on your PATH first:"
echo "    source .venv/bin/activate"
