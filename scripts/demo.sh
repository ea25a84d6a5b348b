#!/usr/bin/env bash
# The main job: check the seed scenario and show one run of it as a timeline.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/escalation validate scenarios/us_iran_2020.yaml
.venv/bin/escalation trace scenarios/us_iran_2020.yaml --seed "${SEED:-7}"
