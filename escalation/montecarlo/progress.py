"""The progress bar of a batch: runs done, runs per second and time left, in a terminal or in
Jupyter (``tqdm.auto`` picks the widget there)."""

from __future__ import annotations

from typing import Any

from tqdm.auto import tqdm


class _Bar(tqdm):
    """tqdm without its monitor thread. The monitor only adjusts how often a slow bar redraws
    (this one moves once per chunk), and a thread in this process would make the batch spawn
    its helper processes (~0.5 s each) instead of forking them (milliseconds)."""

    monitor_interval = 0


def progress_bar(total: int, initial: int, enabled: bool) -> Any:
    """A bar over ``total`` runs, ``initial`` of them already done (a resumed batch)."""
    return _Bar(total=total, initial=initial, unit="run", disable=not enabled, smoothing=0.1,
                dynamic_ncols=True)
