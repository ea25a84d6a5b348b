"""Warnings about scenarios that load but will likely not run as meant.

A warning never stops a scenario: ``validate`` prints it with its file and line, and the run
guard (engine/guard.py) stops any run that does go wrong. Two patterns are caught here, before
any run: actors that perceive and decide with no delay, whose answers to each other can chain
without the clock moving; random processes so fast that a run would schedule more events
than its ``limits`` allow; warnings sent to an actor that can do nothing with them; and a
scenario whose every number is a constant, whose runs then differ by coin flips alone.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from escalation.errors import Path, Problem
from escalation.scenario.clocks import policy_clock
from escalation.scenario.distributions import _Distribution
from escalation.scenario.schema import Actor, Asset, ScenarioSpec
from escalation.scenario.schema_orders import Order, orders_in
from escalation.scenario.standard import standard_kinds


def lint(spec: ScenarioSpec) -> list[Problem]:
    """Every warning for ``spec`` (unlocated: the loader pins each to its line)."""
    return [*_instant_answers(spec), *_fast_processes(spec), *_silent_warnings(spec),
            *_no_uncertainty(spec)]


def _always_zero(value: Any) -> bool:
    """Whether a delay (a number or a distribution) is always zero."""
    high = value.bounds()[1] if isinstance(value, _Distribution) else value
    return high is not None and high <= 0


def _answers_at_once(actor: Actor) -> bool:
    """An actor with policies that hears of acts and decides on them with no delay."""
    follow_up = actor.deliberation_hours if actor.follow_up_hours is None else actor.follow_up_hours
    return bool(actor.policies) and _always_zero(actor.perception.delay_hours) and (
        _always_zero(actor.deliberation_hours) or _always_zero(follow_up))


def _instant_answers(spec: ScenarioSpec) -> list[Problem]:
    instant = [aid for aid, actor in spec.actors.items() if _answers_at_once(actor)]
    if not instant:
        return []
    limit = spec.limits.max_events_per_instant
    who = f"actors {', '.join(instant)} perceive" if len(instant) > 1 else f"actor {instant[0]} perceives"
    message = (f"warning: {who} and decide with no delay (perception.delay_hours and "
               "deliberation_hours or follow_up_hours are 0): if their policies answer acts "
               "(their own, or each other's) with acts that take no time, answers chain without "
               f"the clock moving, and each such run stops as failed at limits.max_events_per_instant "
               f"= {limit:,}; give a delay to one of them")
    return [Problem(None, ("actors", instant[0]), message)]


def _fast_processes(spec: ScenarioSpec) -> list[Problem]:
    """Initiatives and accidents whose arrivals alone would exceed ``limits.max_events``."""
    limit = spec.limits.max_events
    processes: list[tuple[Path, Any]] = [
        (("actors", aid, "initiatives", index, "rate_per_day"), initiative.rate_per_day)
        for aid, actor in spec.actors.items() for index, initiative in enumerate(actor.initiatives)
    ] + [(("accidents", index, "rate_per_day"), accident.rate_per_day)
         for index, accident in enumerate(spec.accidents)]
    problems = []
    for path, rate in processes:
        low = rate.bounds()[0] if isinstance(rate, _Distribution) else rate
        expected = low * spec.horizon_days
        if expected > limit:
            problems.append(Problem(None, path, (
                f"warning: {low:g} arrivals a day for {spec.horizon_days:g} days is {expected:.3g} "
                f"events, more than limits.max_events = {limit:,} allows a run: every run would "
                "stop as failed; lower the rate (or raise limits.max_events)")))
    return problems


def _silent_warnings(spec: ScenarioSpec) -> list[Problem]:
    """Warnings no one can act on: sent to an actor that owns no asset (so it is never the
    target's owner, told directly) and never relays one (it hosts no one else's asset, or its
    ``relays_warnings`` is always 0)."""
    owners = {asset.owner for asset in spec.assets.values()}
    hosts = {asset.host for asset in spec.assets.values() if asset.host not in (None, asset.owner)}
    problems = []
    for path, order in orders_in(spec):
        for index, actor in enumerate(order.warn):
            if actor in owners or actor not in spec.actors:
                continue
            relays = spec.actors[actor].relays_warnings
            high = relays.bounds()[1] if isinstance(relays, _Distribution) else relays
            if actor not in hosts:
                why = "hosts no other actor's asset, so has nothing to pass on"
            elif high <= 0:
                why = f"relays no warning (actors.{actor}.relays_warnings is 0)"
            else:
                continue
            problems.append(Problem(None, (*path, "warn", index), (
                f"warning: a warning to {actor} can never protect anyone: {actor} owns no "
                f"asset (so it is never the target's owner, who is told at once) and {why}; "
                "warn the target's owner, or its host")))
    return problems


def _uncertain(node: Any, warns: bool = True) -> bool:
    """Whether any number in ``node`` (a spec, defaults included) is a distribution; ``warns``:
    whether any order of the scenario warns anyone."""
    if isinstance(node, _Distribution):
        return True
    if isinstance(node, BaseModel):
        return any(_uncertain(getattr(node, name), warns) for name in type(node).model_fields
                   if not _unused(node, name, warns))
    if isinstance(node, dict):
        return any(_uncertain(value, warns) for value in node.values())
    if isinstance(node, list | tuple):
        return any(_uncertain(value, warns) for value in node)
    return False


def _unused(node: BaseModel, name: str, warns: bool) -> bool:
    """A field that cannot matter: a warning's lead with no one warned, a relay's delay for an
    actor that never relays, the time to take cover in a scenario that warns no one."""
    if isinstance(node, Order):
        return name == "warning_lead_hours" and not node.warn
    if isinstance(node, Actor) and name in ("relays_warnings", "relay_delay_hours"):
        relays = node.relays_warnings  # no relay without a warning, nor a delay without a relay
        return not warns or (name == "relay_delay_hours" and isinstance(relays, float)
                             and relays <= 0)
    if isinstance(node, Asset):
        return name == "shelter_hours" and not warns
    return False


def _on_a_drawn_clock(spec: ScenarioSpec) -> bool:
    """Whether some policy decides on the statement or standing-orders clock, whose delays are
    drawn (scenario/clocks.py): the scenario then has uncertain timing of its own."""
    kinds = {**standard_kinds(), **spec.action_kinds}
    return any(policy.deliberation_hours is None and policy_clock(policy, kinds) != "deliberation"
               for actor in spec.actors.values() for policy in actor.policies)


def _no_uncertainty(spec: ScenarioSpec) -> list[Problem]:
    """A scenario with no distribution anywhere (its own numbers, the defaults it keeps, the
    standard kinds its orders use): every run draws the same delays, salvos and parameters."""
    used = {order.action for _, order in orders_in(spec)} - set(spec.action_kinds)
    kinds = [kind for kid, kind in standard_kinds().items() if kid in used]
    warns = any(order.warn for _, order in orders_in(spec))
    if _uncertain(spec, warns) or _uncertain(kinds) or _on_a_drawn_clock(spec):
        return []
    return [Problem(None, ("name",), (
        "warning: every number in this scenario is a constant (no distribution, in its own "
        "fields or in the defaults it keeps): its runs differ only by the model's coin flips "
        "(probabilities, failures), so its spread of outcomes leaves out every uncertainty "
        "about its inputs; give the numbers you are unsure of, delays first, a distribution "
        "(docs/scenario-format.md, 'Distributions')"))]
