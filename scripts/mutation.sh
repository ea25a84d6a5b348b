#!/usr/bin/env bash
# Mutation testing of the engine and the policies (escalation/engine, escalation/policies) with
# mutmut: each mutant (a changed operator, constant, condition or argument) is run against the
# focused tests named in pyproject.toml's [tool.mutmut]; one that no test fails "survives".
# Prints the score (killed / all but the equivalent mutants listed, with their reasons, in
# scripts/mutation_equivalent.txt) and the mutants no test kills (scripts/mutation_score.py).
#
#   bash scripts/mutation.sh                 # one mutant at a time (2-core machine: ~1 hour)
#   MUTATION_JOBS=2 bash scripts/mutation.sh # mutants in parallel
#   bash scripts/mutation.sh --fresh         # forget earlier results (after changing tests)
#   .venv/bin/mutmut show NAME               # a survivor's diff
#
# The work is done in mutants/ (git-ignored): mutmut copies the package and the tests there,
# and keeps each mutant's result, so a rerun after a source change runs only what changed.
# Its log is mutants/run.log, every mutant's status mutants/results.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ! -x .venv/bin/mutmut ]]; then
    .venv/bin/pip install -q "mutmut>=3.8"
fi
if [[ "${1:-}" == "--fresh" ]]; then
    rm -rf mutants
fi
mkdir -p mutants
start=$SECONDS
# the sources mutmut mutates, not the compiled engine beside them (escalation/native.py)
export ESCALATION_PURE_PYTHON=1
.venv/bin/mutmut run --max-children "${MUTATION_JOBS:-1}" > mutants/run.log 2>&1 || {
    tail -n 40 mutants/run.log
    exit 1
}
.venv/bin/mutmut results --all true > mutants/results.txt 2>&1 || true
.venv/bin/python scripts/mutation_score.py "$(((SECONDS - start) / 60))"
