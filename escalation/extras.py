"""Optional dependencies: what each extra of the package brings, and a clear error naming the
extra to install when a command needs one that is missing.

A plain ``pip install escalation`` installs what every command needs; Dask (``--backend
dask``), SALib (``sensitivity``) and Jupyter (the notebooks) come with extras, so that most
users do not download several hundred megabytes they never use."""

from __future__ import annotations

import importlib
from types import ModuleType

# top-level module -> (extra that installs it, what needs it)
EXTRAS = {
    "dask": ("dask", "--backend dask"),
    "distributed": ("dask", "--backend dask"),
    "SALib": ("sensitivity", "escalation sensitivity"),
    "ipykernel": ("notebooks", "the notebooks"),
    "jupyterlab": ("notebooks", "the notebooks"),
}


class MissingExtra(ImportError):
    """A module of an optional extra is not installed; the message says which extra to install."""


def install_hint(module: str) -> str | None:
    """What to install for the missing ``module`` (a dotted name is fine), or None when it
    belongs to no extra."""
    top = module.split(".")[0]
    if top not in EXTRAS:
        return None
    extra, user = EXTRAS[top]
    return (f"{user} needs {top}, which is not installed: pip install 'escalation[{extra}]' "
            "(or 'escalation[all]' for every extra)")


def require(module: str) -> ModuleType:
    """``module`` imported, or ``MissingExtra`` naming the extra that installs it."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as error:
        hint = install_hint(error.name or module)
        if hint is None:
            raise
        raise MissingExtra(hint, name=error.name) from error


__all__ = ["EXTRAS", "MissingExtra", "install_hint", "require"]
