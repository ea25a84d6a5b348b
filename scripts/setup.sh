#!/usr/bin/env bash
# Create .venv (if missing) and install the package with the extras a command needs:
#     bash scripts/setup.sh                          # the package alone (what the demo needs)
#     bash scripts/setup.sh dask,sensitivity,test    # and what the test suite needs
# Called by demo.sh and test.sh. It says what it does; pip's own output goes to
# .venv/install.log, whose end is shown if the installation fails.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
EXTRAS="${1:-}"
SPEC="."
STAMP=".venv/.installed"
if [ -n "$EXTRAS" ]; then
  SPEC=".[$EXTRAS]"
  STAMP=".venv/.installed-${EXTRAS//,/-}"
fi
LOG=.venv/install.log
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "setup: escalation needs Python 3.11 or newer, and '$PYTHON' is not; run again with" \
       "PYTHON=python3.11 (or newer)" >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv ($("$PYTHON" --version))"
  "$PYTHON" -m venv .venv
fi
# Installed again when the build's description changed, or when the engine's compiled core is
# older than its sources (escalation/native.py: the sources would run instead, slower)
if [ ! -f "$STAMP" ] || [ pyproject.toml -nt "$STAMP" ] || [ setup.py -nt "$STAMP" ] \
   || ! .venv/bin/python -W ignore -c "import sys, escalation.native as n; sys.exit(n.stale())" \
        2>/dev/null; then
  echo "setup: installing escalation${EXTRAS:+ with [$EXTRAS]} into .venv; the first time takes" \
       "a minute or two (pip's log: $LOG)"
  if ! { .venv/bin/python -m pip install --upgrade pip \
         && .venv/bin/python -m pip install --editable "$SPEC"; } >"$LOG" 2>&1; then
    echo "setup: the installation failed; the end of $LOG:" >&2
    tail -n 25 "$LOG" >&2
    exit 1
  fi
  touch "$STAMP"
  echo "setup: installed ($(.venv/bin/python -W ignore -c "import escalation.native as n
print('engine compiled with mypyc' if n.compiled() else 'engine in pure Python: it could not be compiled here, see $LOG')"))"
fi
