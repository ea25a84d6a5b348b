"""The mutation score of a finished ``mutmut run`` (scripts/mutation.sh runs it).

Reads every mutant's status from ``mutmut results --all true`` (mutants/results.txt) and the
equivalent mutants listed in scripts/mutation_equivalent.txt: a mutant whose change cannot
alter behaviour (``x < y`` where x == y never holds, a default argument spelt out) survives
every test, and is left out of the score once listed there with the reason. A listed entry is
matched on the mutated function and the mutated line, not on mutmut's numbering, which shifts
when a function changes; an entry that no longer matches is reported as stale.

    .venv/bin/python scripts/mutation_score.py [MINUTES]
"""

from __future__ import annotations

import collections
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EQUIVALENT = ROOT / "scripts" / "mutation_equivalent.txt"
MISSED = ("survived", "no tests")


def statuses() -> dict[str, str]:
    found = {}
    for line in (ROOT / "mutants" / "results.txt").read_text(encoding="utf-8").splitlines():
        name, _, status = line.strip().rpartition(": ")
        if name:
            found[name] = status
    return found


def equivalents() -> dict[str, dict[str, str]]:
    """function -> {mutated line: reason}."""
    table: dict[str, dict[str, str]] = collections.defaultdict(dict)
    for line in EQUIVALENT.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            function, mutated, reason = (part.strip() for part in line.split(" | "))
            table[function][mutated] = reason
    return table


def mutated_lines(name: str) -> list[str]:
    shown = subprocess.run([str(ROOT / ".venv" / "bin" / "mutmut"), "show", name], cwd=ROOT,
                           capture_output=True, text=True, check=False).stdout
    return [line[1:].strip() for line in shown.splitlines()
            if line.startswith("+") and not line.startswith("+++")]


def main() -> None:
    found, listed = statuses(), equivalents()
    used: set[tuple[str, str]] = set()
    equivalent, missed = [], []
    for name, status in found.items():
        if status not in MISSED:
            continue
        function = name.rpartition("__mutmut_")[0]
        reasons = listed.get(function, {})
        match = next((line for line in mutated_lines(name) if line in reasons), None) \
            if reasons else None
        if match is None:
            missed.append(f"{name} ({status})")
        else:
            used.add((function, match))
            equivalent.append(f"{name}: {reasons[match]}")
    counts = collections.Counter(found.values())
    caught = counts["killed"] + counts["timeout"]
    total = caught + len(missed)
    minutes = f"; {sys.argv[1]} min" if len(sys.argv) > 1 else ""
    print(f"mutants: {dict(counts)}")
    print(f"equivalent (listed in {EQUIVALENT.name}, left out): {len(equivalent)}")
    print(f"mutation score: {caught}/{total} = {caught / max(1, total):.1%} (killed or timed out, "
          f"of all but the equivalent){minutes}")
    stale = [f"{f} | {m}" for f, lines in listed.items() for m in lines if (f, m) not in used]
    for title, rows in (("not killed", missed), ("stale equivalents (no such survivor)", stale)):
        if rows:
            print(f"{title}:")
            print("\n".join(f"  {row}" for row in rows))


if __name__ == "__main__":
    main()
