"""Which clock each policy decides on, and so which deliberations (lanes) an actor has.

One delay per actor made a government's first statement wait as long as its decision to use
force, and made fire returned by troops in contact wait for the capital. Who decides sets the
pace: the government deliberates (the actor's ``deliberation_hours``), its spokesmen speak
within hours, and forces under standing orders answer within minutes. Sources and defaults:
docs/assumptions.md, "Decision clocks".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from escalation.scenario.schema import ActionKind
from escalation.scenario.schema_orders import orders_in
from escalation.scenario.schema_policies import PolicySpec
from escalation.scenario.time_defaults import STANDING_ORDERS_HOURS, STATEMENT_HOURS

Clock = Literal["deliberation", "statement", "standing_orders"]

CLOCK_DEFAULTS = {"statement": STATEMENT_HOURS, "standing_orders": STANDING_ORDERS_HOURS}
"""The delay of each clock other than the actor's own deliberation."""


def policy_clock(spec: PolicySpec, kinds: Mapping[str, ActionKind]) -> Clock:
    """The clock ``spec`` decides on: its own ``clock`` if given, else the statement clock when
    every act it can take is of a declaratory kind (an unknown kind counts as a deed; the
    compiler reports it), else the actor's deliberation."""
    if spec.clock is not None:
        return spec.clock
    given = [order for _, order in orders_in(spec)]
    if given and all(
        (kind := kinds.get(order.action)) is not None and kind.declaratory for order in given
    ):
        return "statement"
    return "deliberation"
