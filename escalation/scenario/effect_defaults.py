"""The defaults of effects a scenario may leave out: distributions, not one value.

Deaths per hit depend on the weapon, the target and whether people were under cover, and a
scenario written on defaults knows none of these: one value (0.5, the old default) gave every
run of such a scenario the same expected toll per hit. The spread spans the recorded range
from sheltered populations to a dense, unwarned city (docs/assumptions.md, "Effects of strikes
and killings"); a scenario replaces it with what its own sources say.
"""

from __future__ import annotations

from escalation.scenario.distributions import Beta, LogNormal

LETHALITY = LogNormal(dist="lognormal", median=0.5, sigma=1.2)
"""Expected deaths per hit, unwarned: 0.5 in the middle, 0.07 to 3.6 for 90 % of runs."""

RELAY = Beta(dist="beta", a=2.0, b=2.0)
"""A host's chance to pass on a warning of an attack on another's asset on its soil: 0.5 in
the middle, 0.14 to 0.86 for 90 % of runs: relays are common and no source counts them
(docs/assumptions.md, "Warnings and their relay")."""

INTERCEPT = Beta(dist="beta", a=2.0, b=2.0)
"""An ally's chance to stop each unit it engages: 0.5 in the middle, 0.14 to 0.86 for 90 % of
runs, as wide as the dispute over how well interceptors work (docs/assumptions.md, "Allied
defence")."""
