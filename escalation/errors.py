"""Problems found in user input, each pinned to a file, a line and a field.

Every error a user can cause ends up as a `Problem`; a `ScenarioError` carries one or
more of them so that a broken file reports all its faults at once, not one per edit.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

PathPart = str | int
Path = tuple[PathPart, ...]


@dataclass(frozen=True, slots=True)
class Location:
    """A 1-based line and column in a named file."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


def format_path(path: Sequence[PathPart]) -> str:
    """Render ``("actors", "iran", "policies", 0, "k")`` as ``actors.iran.policies[0].k``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "(document)"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input: where, which field, what and how to fix it."""

    location: Location | None
    path: Path
    message: str

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        return f"{where}{format_path(self.path)}: {self.message}"


class ScenarioError(Exception):
    """Raised when a scenario cannot be used; ``problems`` lists every fault found."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        if not self.problems:
            raise ValueError("ScenarioError needs at least one problem")
        super().__init__("\n".join(str(p) for p in self.problems))


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """A ' (did you mean 'x'?)' hint for a misspelt name, or '' when nothing is close."""
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
