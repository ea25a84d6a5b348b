"""Checks that names used in a scenario refer to things it defines, with did-you-mean hints."""

from __future__ import annotations

import re
from typing import Protocol

from escalation.errors import Path, did_you_mean
from escalation.scenario.schema import ScenarioSpec

_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")


class Reporter(Protocol):
    def problem(self, path: Path, message: str) -> None: ...


class References:
    """The ids a scenario defines, and checks of references against them."""

    def __init__(self, spec: ScenarioSpec) -> None:
        self.actors = tuple(spec.actors)
        self.assets = tuple(spec.assets)
        self.asset_kinds = tuple(sorted({asset.kind for asset in spec.assets.values()}))
        self.kinds = tuple(spec.action_kinds)

    def check_ids(self, report: Reporter) -> None:
        """Ids are lowercase identifiers, and no asset shares an actor's id."""
        for section, ids in (("actors", self.actors), ("assets", self.assets),
                             ("action_kinds", self.kinds)):
            for name in ids:
                if not _IDENTIFIER.match(name):
                    report.problem((section, name), f"'{name}' is not a valid id; use lowercase "
                                   "letters, digits and underscores, starting with a letter")
        for name in set(self.actors) & set(self.assets):
            report.problem(("assets", name), f"'{name}' is both an actor and an asset; "
                           "rename the asset (e.g. '{name}_base')")

    def check_actor(self, report: Reporter, name: str, path: Path) -> None:
        if name not in self.actors:
            report.problem(path, f"unknown actor '{name}'{did_you_mean(name, self.actors)}; "
                           f"defined actors: {', '.join(self.actors)}")

    def check_asset(self, report: Reporter, name: str, path: Path) -> None:
        if name not in self.assets:
            report.problem(path, f"unknown asset '{name}'{did_you_mean(name, self.assets)}; "
                           "define it under assets")

    def check_asset_kind(self, report: Reporter, name: str, path: Path) -> None:
        if name not in self.asset_kinds:
            known = ", ".join(self.asset_kinds) or "none"
            report.problem(path, f"no asset has kind '{name}'"
                           f"{did_you_mean(name, self.asset_kinds)}; asset kinds: {known}")
