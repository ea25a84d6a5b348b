"""An order's numbers given as formulas ({expr: ...}), computed when the act is decided.

A salvo, a wait (``after_hours``) and a warning's lead (``warning_lead_hours``) may each be an
expression of what the deciding actor knows then: its deliberation's names for a policy, its
standing view for an initiative or an opening. They are computed once, at the decision, and
travel with the act; a delay that comes out negative or not finite stops the run with a
message that names the formula (engine/guard.py: a wait no clock can keep).
"""

from __future__ import annotations

import math
from typing import Any

from escalation.engine.guard import OutOfBounds
from escalation.policies.base import Act
from escalation.scenario.conditions import Expression


def decided(act: Act, view: Any) -> Act:
    """``act`` with each formula of its order computed from the names ``view`` gives (or,
    when it is a function, returns: made only when there is a formula); an act without
    formulas, or with them computed already, is returned as it is."""
    order = act.order
    salvo, after, lead = act.salvo, act.after, act.lead

    def names() -> Any:
        return view() if callable(view) else view

    if salvo is None and order.salvo.__class__ is Expression:
        salvo = float(order.salvo.evaluate(names()))
    if after is None and order.after.__class__ is Expression:
        after = _hours(order.after, names(), "after_hours", order.kind.id)
    if lead is None and order.warn and order.lead.__class__ is Expression:
        lead = _hours(order.lead, names(), "warning_lead_hours", order.kind.id)
    if salvo is act.salvo and after is act.after and lead is act.lead:
        return act
    return Act(order, salvo, act.enforces, after, lead)


def _hours(formula: Expression, names: Any, field: str, kind: str) -> float:
    hours = float(formula.evaluate(names))
    if not 0.0 <= hours < math.inf:  # NaN too
        raise OutOfBounds(f"the {field} of a {kind}, {{expr: {formula.text!r}}}, gave {hours:g} "
                          "hours: a delay must be a finite number of hours, not negative; "
                          "change the formula so that it cannot")
    return hours
