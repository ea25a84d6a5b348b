"""Where a calibration keeps its finished steps (a history match's waves, an ABC-SMC's
generations), so that an interrupted one continues.

Each finished step is written to ``FOLDER/waves/wave_NNN.parquet`` (``generations/
generation_NNN.parquet``) as it ends (written under a temporary name, then renamed, so that a
file there is always whole), beside ``request.json``: what the calibration was asked
(episodes and a hash of each file, patterns, ranges, budget, seed and the method's options).
Resuming reads the steps back and checks that the request is the same; only the number of
steps may grow, which continues the search. What the next step draws is drawn again from the
seed and the steps read back, the numbers a run without interruption draws, so a resumed
calibration ends where an uninterrupted one does.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

REQUEST = "request.json"
WAVE = "wave"  # a history match's step; its folder is "waves"


def file_hashes(paths: Mapping[str, Path]) -> dict[str, str]:
    """SHA-256 of each episode's file, by episode name."""
    return {name: hashlib.sha256(Path(path).read_bytes()).hexdigest()
            for name, path in sorted(paths.items())}


def library_sha256(files: object) -> str:
    """One hash of a calibration's episode files: their names and SHA-256s (``file_hashes``)."""
    assert isinstance(files, dict)
    return hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest()


def start(folder: str | os.PathLike[str], request: dict[str, Any], resume: bool,
          step: str = WAVE, grows: tuple[str, ...] = ("waves",)) -> list[pd.DataFrame]:
    """The steps finished in ``folder`` (none for a new calibration), after checking that
    ``folder`` may hold this one: a new calibration needs a folder without steps; a resumed
    one needs the same request, but for ``grows`` (ValueErrors say what differs and what to
    do)."""
    request = json.loads(json.dumps(request, default=repr))  # as it reads back: lists, not tuples
    root = Path(folder) / f"{step}s"
    kept_request = root / REQUEST
    if not resume:
        if kept_request.exists():
            raise ValueError(f"{folder} already holds a calibration; resume it with --resume, "
                             "or give another --out folder")
        root.mkdir(parents=True, exist_ok=True)
        _write_text(kept_request, json.dumps(request, indent=2, sort_keys=True) + "\n")
        return []
    if not kept_request.exists():
        raise ValueError(f"{folder} holds no calibration to resume (no {step}s/{REQUEST}); "
                         "run it without --resume first")
    before = json.loads(kept_request.read_text(encoding="utf-8"))
    differ = sorted(key for key in set(before) | set(request)
                    if key not in grows and before.get(key) != request.get(key))
    if differ:
        raise ValueError(f"{folder} holds a calibration asked differently ({', '.join(differ)} "
                         "differ, or an episode's file changed); resume it with the options it "
                         "was started with, or give another --out folder")
    _write_text(kept_request, json.dumps(request, indent=2, sort_keys=True) + "\n")
    frames = []
    for index in range(request[grows[0]]):
        path = root / f"{step}_{index:03d}.parquet"
        if not path.exists():
            break
        frames.append(pd.read_parquet(path))
    return frames


def save_step(folder: str | os.PathLike[str], index: int, frame: pd.DataFrame,
              step: str = WAVE) -> None:
    """Keep a finished step (whole or not at all)."""
    path = Path(folder) / f"{step}s" / f"{step}_{index:03d}.parquet"
    temporary = path.with_suffix(".parquet.partial")
    frame.to_parquet(temporary, index=False)
    os.replace(temporary, path)


def _write_text(path: Path, text: str) -> None:
    temporary = path.with_suffix(path.suffix + ".partial")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
