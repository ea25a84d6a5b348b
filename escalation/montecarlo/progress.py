"""The progress bar of a batch: runs done, runs per second and time left, in a terminal or in
Jupyter (``tqdm.auto`` picks the widget there)."""

from __future__ import annotations

import sys
from typing import Any

from tqdm.auto import tqdm


class _Bar(tqdm):
    """tqdm without its monitor thread. The monitor only adjusts how often a slow bar redraws
    (this one moves once per chunk), and a thread in this process would make the batch spawn
    its helper processes (~0.5 s each) instead of forking them (milliseconds)."""

    monitor_interval = 0


def progress_bar(total: int | None, initial: int, enabled: bool) -> Any:
    """A bar over ``total`` runs (None: not known ahead, as in adaptive sampling), ``initial``
    of them already done (a resumed batch). It is
    drawn only where someone watches it: a terminal, or Jupyter (a widget, or text that the
    notebook redraws); into a log file or a pipe its carriage-return frames would be noise."""
    return _Bar(total=total, initial=initial, unit="run", smoothing=0.1, dynamic_ncols=True,
                disable=not (enabled and watched()))


def watched() -> bool:
    """Whether standard error is a terminal, or this process is a Jupyter kernel."""
    isatty = getattr(sys.stderr, "isatty", None)
    return bool(isatty and isatty()) or _in_kernel()


def _in_kernel() -> bool:
    """Whether this process runs a Jupyter kernel. That ipykernel was imported is not enough:
    jupyter_client imports it to find kernels, in a process that only runs notebooks."""
    app = sys.modules.get("ipykernel.kernelapp")
    return app is not None and bool(app.IPKernelApp.initialized())
