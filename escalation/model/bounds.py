"""The largest counts a scenario may mean: beyond them a number is a typo or a test of the
engine, and a run would loop or overflow rather than answer (docs/assumptions.md, "Bounds on
a run"). The scenario compiler refuses a number that is always beyond them; the engine stops
a run whose drawn number is (engine/guard.py).

Final, so that the compiled engine reads them as constants (escalation/native.py)."""

from typing import Final

MAX_UNITS: Final = 100_000  # units one act may fire: a hundred times and more the largest single barrages
# of recent wars (several hundred missiles and drones in one night, Russia on Ukraine, 2022-2024)
MAX_PEOPLE: Final = 1_000_000_000  # people one count may hold: more than any war has killed
