"""Work avoidance: which reports could make a deliberation do anything at all.

Most reports an actor hears cannot change what it does: a statement it has no rule about, the
revision of a count its policies ignore, its own act where every policy reads
``not perceived.by_me`` (on the seed scenario nine deliberations in ten decided nothing).
Which ones is known before the run: a policy's conditions are parsed and typed, and some of the
names they read are fixed by the report itself (``STATIC_NAMES``: the kind, the target, who it
is taken to be from, whether it is an update...). ``Policy.could_act`` evaluates its conditions
over those names alone, every other name unknown (three-valued logic, so only a condition false
whatever the rest is rules a policy out), and says no only where it could neither act, nor draw
a random number, nor change its memory; a policy that does not say is always asked.

The verdict is kept per lane and per report's static facts (``static_facts``; each such key
numbered once, ``key_number``), for the lifetime of the compiled scenario, and shared by every
run of it in the process. A report a lane's
policies could not act on still starts its deliberation when the lane is idle (the delay is
drawn and the crisis kept open, as before), but does not join it, and a deliberation left with
nothing to decide asks no policy: runs are the same, draw for draw, with or without it. Setting
the environment variable ``ESCALATION_AVOID_WORK=0`` turns it off (every report joins), for
tests and benchmarks that compare the two.
"""

from __future__ import annotations

import os
import weakref
from typing import TYPE_CHECKING, Any

from escalation.engine.namespace_view import PerceptionView

if TYPE_CHECKING:
    from escalation.engine.records import Event, Perceived
    from escalation.engine.state import ActorState
    from escalation.engine.world import World
    from escalation.policies.base import Policy

Verdicts = dict[int, bool]  # a report's key, numbered (``key_number``) -> could act?

# The names whose value a report fixes whatever the run's state: each is computed from the
# fields ``static_facts`` lists, the scenario (sponsors, assets) and who the observer is.
STATIC_NAMES = (
    "perceived.kind", "perceived.effect", "perceived.actor", "perceived.sponsor",
    "perceived.attributed", "perceived.verified", "perceived.target", "perceived.asset",
    "perceived.asset_kind", "perceived.host", "perceived.origin_host", "perceived.rung",
    "perceived.goldstein", "perceived.hostile", "perceived.kinetic", "perceived.homeland",
    "perceived.against_me", "perceived.against_ally", "perceived.by_me", "perceived.by_ally",
    "perceived.update",
)


def static_facts(e: Event) -> tuple[object, ...]:
    """What ``STATIC_NAMES`` are computed from, with a report's author, ``update`` and
    ``verified`` (the verdicts' key is these facts followed by those three): two reports with
    the same key give every static name the same value, for the same observer. The event's
    part is the same for every report of it (delivery.report computes it once per event)."""
    return (e.kind, e.effect, e.actor, e.target, e.asset, e.host, e.origin_host, e.rung,
            e.goldstein, e.hostile, e.kinetic, e.homeland)


def could_act(world: World, me: ActorState, policies: tuple[Policy, ...], p: Perceived) -> bool:
    """Whether any of ``policies`` (``me``'s) could do anything on report ``p``."""
    view = PerceptionView(world, me, p)
    known = {name: view[name] for name in STATIC_NAMES}
    return any(policy.could_act(known) for policy in policies)


def enabled() -> bool:
    """Whether runs made now skip work (``ESCALATION_AVOID_WORK`` is not '0'). Read at every
    run, so that a test may switch it between runs: from the environment's own table, with the
    key encoded once (``os.environ.get`` encodes and decodes at each call, a twentieth of the
    cost of building a small run's world)."""
    return _ENVIRONMENT.get(_SWITCH) != _OFF


_ENVIRON: Any = os.environ  # its table holds keys and values encoded (bytes on POSIX)
_ENVIRONMENT: dict[Any, Any] = _ENVIRON._data
_SWITCH: Any = _ENVIRON.encodekey("ESCALATION_AVOID_WORK")
_OFF: Any = _ENVIRON.encodevalue("0")


class Shared:
    """What every run of one compiled scenario in a process shares: each lane's verdicts, and
    the numbers of the reports' keys they are kept under (a key is a tuple of fifteen facts,
    hashed once per event when numbered, where the lanes' dicts would hash it at every look)."""

    __slots__ = ("keys", "lanes")

    def __init__(self) -> None:
        self.keys: dict[tuple[object, ...], int] = {}
        self.lanes: dict[tuple[str, int], Verdicts] = {}


def key_number(keys: dict[tuple[object, ...], int], key: tuple[object, ...]) -> int:
    """The number of a report's key (its static facts, author, update?, verification?)."""
    number = keys.get(key)
    if number is None:
        number = keys[key] = len(keys)
    return number


_BY_SCENARIO: dict[int, Shared] = {}  # id(scenario) -> what its runs share


def share_verdicts(world: World) -> None:
    """Give each lane of ``world`` its verdicts, and the world the keys' numbers, shared with
    every run of the same scenario object in this process (forgotten with it)."""
    scenario = world.scenario
    shared = _BY_SCENARIO.get(id(scenario))
    if shared is None:
        shared = _BY_SCENARIO[id(scenario)] = Shared()
        weakref.finalize(scenario, _BY_SCENARIO.pop, id(scenario), None)
    world.report_keys = shared.keys
    cache = shared.lanes
    for state in world.actors.values():
        actor = state.d.id
        for number, lane in enumerate((*state.lanes, *state.follow)):
            verdicts = cache.get((actor, number))
            if verdicts is None:
                verdicts = cache[actor, number] = {}
            lane.verdicts = verdicts
