"""Keep the outputs quoted in docs/scenarios.md current: each indented `escalation run|compare`
command followed by a fenced block is run again and the block replaced by what it prints.

    .venv/bin/python scripts/scenario_docs.py          # rewrite docs/scenarios.md
    .venv/bin/python scripts/scenario_docs.py --check  # exit 1 if any block is stale

tests/test_scenario_docs.py runs the check, so a change to the engine or a scenario that moves
these numbers fails the suite until the page is refreshed.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "scenarios.md"
QUOTED = re.compile(r"^    (escalation (?:run|compare) [^\n]+)\n\n```\n(.*?)```\n", re.MULTILINE | re.DOTALL)


@dataclass(frozen=True)
class Quote:
    """A command on the page and the output quoted under it."""

    command: str
    output: str
    start: int  # where the quoted output starts in the page
    end: int


def quotes(text: str) -> list[Quote]:
    return [Quote(m[1], m[2], m.start(2), m.end(2)) for m in QUOTED.finditer(text)]


def output_of(command: str) -> str:
    """What the command prints, run in this process (progress bars off: --quiet is required)."""
    from escalation.cli import main

    args = shlex.split(command)[1:]
    if "--quiet" not in args:
        raise ValueError(f"quoted commands must use --quiet: {command}")
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = main(args)
    if code != 0:
        raise RuntimeError(f"'{command}' exited with {code}")
    return buffer.getvalue()


def refresh(text: str) -> str:
    """The page with every quoted output replaced by the command's current output."""
    parts, last = [], 0
    for quote in quotes(text):
        parts += [text[last:quote.start], output_of(quote.command)]
        last = quote.end
    return "".join([*parts, text[last:]])


def main(argv: list[str]) -> int:
    os.chdir(ROOT)  # the commands name files relative to the repository
    text = PAGE.read_text(encoding="utf-8")
    fresh = refresh(text)
    if "--check" in argv:
        if fresh != text:
            print(f"{PAGE} is stale: run python scripts/scenario_docs.py", file=sys.stderr)
            return 1
        return 0
    PAGE.write_text(fresh, encoding="utf-8")
    print(f"refreshed {len(quotes(text))} quoted outputs in {PAGE}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
