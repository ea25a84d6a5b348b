"""The default of every lag a scenario may leave out, each a distribution, not one value.

A scenario written on defaults should still say that no two decisions take the same time:
a constant default gave every lag of every run one value, so its spread of outcomes left out
all uncertainty about timing. Each default's source and uncertainty is in docs/assumptions.md
("Default times"); a scenario replaces any of them with what its own sources say.
"""

from __future__ import annotations

from escalation.scenario.distributions import LogNormal, Uniform

DELIBERATION_HOURS = LogNormal(dist="lognormal", median=24.0, sigma=1.0)
"""From a report to a decision: a day in the middle, 5 hours to 5 days for 90 % of draws."""

STATEMENT_HOURS = LogNormal(dist="lognormal", median=6.0, sigma=1.0)
"""From a report to a public statement on it (a policy that only speaks): six hours in the
middle, 1.2 to 31 hours: a government comments on the day, at its latest by its next regular
briefing."""

STANDING_ORDERS_HOURS = LogNormal(dist="lognormal", median=0.25, sigma=1.0)
"""From a report to an answer given under standing orders (forces in contact, authority
delegated in advance): a quarter hour in the middle, 3 to 77 minutes."""

PERCEPTION_DELAY_HOURS = LogNormal(dist="lognormal", median=1.0, sigma=1.0)
"""From an event to an actor's report of it: an hour in the middle, 12 minutes to 5 hours."""

RELAY_DELAY_HOURS = LogNormal(dist="lognormal", median=0.25, sigma=0.7)
"""From a warning to its relay by a host: a quarter hour, 5 to 47 minutes."""

WARNING_LEAD_HOURS = Uniform(dist="uniform", low=0.5, high=1.5)
"""From a warning to the launch it announces: half an hour to an hour and a half."""

SHELTER_HOURS = LogNormal(dist="lognormal", median=1.0 / 12.0, sigma=0.8)
"""Time constant of taking cover once warned: five minutes, 1.3 to 19 minutes."""
