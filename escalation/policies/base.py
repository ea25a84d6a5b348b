"""What every response policy is, and what it is given when asked to respond.

A policy is a small immutable object compiled once per scenario, shared by every run: all
per-run memory (has the threat been issued? have we stood down?) lives in the actor's run
state, reached through ``Context.memory``. That keeps policies picklable, reusable across
processes, and free of hidden state between runs.

The policies are compiled with the engine (``escalation/native.py``) where it can be: their
classes are then native, which ``mypyc_attr`` keeps open to subclasses written in Python (they
run interpreted, the base's methods compiled) and to pickling (scenarios travel to worker
processes with their policies).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from mypy_extensions import mypyc_attr

from escalation.scenario.compiled import OrderDef
from escalation.scenario.conditions import Expression

if TYPE_CHECKING:
    import random

    from escalation.scenario.schema_orders import Order
    from escalation.scenario.schema_policies import PolicyBase


class Settlement(Protocol):
    """What an act that enforces a threat settles once it happens, or once it lapses."""

    @property
    def label(self) -> str: ...

    def settle(self, ctx: Context, kept: bool) -> None: ...


_set = object.__setattr__  # how a frozen dataclass's own __init__ sets its fields


@dataclass(frozen=True, slots=True)
class Act:
    """An order to carry out now, with the salvo a policy chose and the threat it enforces;
    ``after`` and ``lead``: its wait and its warning's lead, when computed by formulas."""

    order: OrderDef
    salvo: float | None = None
    enforces: Settlement | None = None
    after: float | None = None
    lead: float | None = None

    def __init__(self, order: OrderDef, salvo: float | None = None,
                 enforces: Settlement | None = None, after: float | None = None,
                 lead: float | None = None) -> None:
        # written out, not left to the dataclass: compiled (escalation/native.py), a generated
        # __init__ would run interpreted, and every decision makes acts and responses
        _set(self, "order", order)
        _set(self, "salvo", salvo)
        _set(self, "enforces", enforces)
        _set(self, "after", after)
        _set(self, "lead", lead)

    def __reduce__(self) -> tuple[type[Act], tuple[object, ...]]:
        return type(self), field_values(self)


@dataclass(frozen=True, slots=True)
class Response:
    """A policy's answer: acts to carry out, and whether later policies are skipped."""

    acts: tuple[Act, ...] = ()
    stop: bool = True

    def __init__(self, acts: tuple[Act, ...] = (), stop: bool = True) -> None:  # see Act's
        _set(self, "acts", acts)
        _set(self, "stop", stop)

    def __reduce__(self) -> tuple[type[Response], tuple[object, ...]]:
        return type(self), field_values(self)


def field_values(instance: Any) -> tuple[object, ...]:
    """A frozen dataclass's fields in order: what it is pickled as, rebuilt by its constructor
    (compiled, it is a native class whose default unpickling would assign the frozen fields)."""
    return tuple(getattr(instance, field.name) for field in fields(instance))


HOLD = Response((), True)  # decide to do nothing, and let no later policy act


class Context(Protocol):
    """What a deliberating actor knows; provided by the engine."""

    @property
    def namespace(self) -> Mapping[str, object]: ...

    @property
    def rng(self) -> random.Random: ...

    def value(self, slot: int) -> float: ...

    def memory(self, key: str) -> dict[str, Any]: ...

    def note_threat(self, label: str, status: str) -> None: ...

    def adjust_commitment(self, delta: float) -> None: ...

    def adjust_credibility(self, toward_kept: bool, learning: float) -> None: ...

    def defer(self, settle: Callable[[Sequence[Act]], None]) -> None: ...

    def target_owner(self, order: OrderDef) -> str: ...

    @property
    def now_days(self) -> float: ...


class Compiler(Protocol):
    """What compiling a policy may ask of the scenario compiler."""

    def condition(self, text: str, path: tuple[str | int, ...]) -> Expression: ...

    def order(self, spec: Order, path: tuple[str | int, ...]) -> OrderDef: ...

    def param(
        self, path: tuple[str | int, ...], value: Any, low: float = -math.inf, high: float = math.inf
    ) -> int: ...

    def chance(self, path: tuple[str | int, ...], value: Any) -> int | Expression: ...


@mypyc_attr(allow_interpreted_subclasses=True, serializable=True)
class Policy:
    """Base of the registered policies: a trigger, a chance to act, and ``respond``."""

    name: ClassVar[str]
    traits: ClassVar[dict[str, object]]
    standing: ClassVar[bool] = False  # whether initial_state.threats may declare it in force

    def __init__(self, label: str, trigger: Expression, probability: int | Expression) -> None:
        self.label = label
        self.trigger = trigger
        self.probability = probability

    @classmethod
    def compile(
        cls, spec: PolicyBase, compiler: Compiler, path: tuple[str | int, ...], label: str
    ) -> Policy:
        raise NotImplementedError

    def respond(self, ctx: Context) -> Response | None:
        """The acts to take for the perception in ``ctx``, or None to let others decide."""
        raise NotImplementedError

    def stand(self, ctx: Context, days_ago: float) -> None:
        """Put the policy in force as if it had acted ``days_ago`` days before t = 0
        (``initial_state.threats``); only policies marked ``standing`` can."""
        raise TypeError(f"{self.name} policies cannot be declared in force at t = 0")

    def stood_down(self, ctx: Context) -> None:
        """The actor's stand-down was declared before t = 0 (``initial_state.stood_down``):
        a policy that declares stand-downs takes it as its own. Most policies ignore it."""

    def could_act(self, known: Mapping[str, object]) -> bool:
        """Whether ``respond`` might act, draw a random number or change the run's memory on a
        perception whose facts fixed by the report itself are ``known`` (``perceived.kind``,
        ``perceived.by_me``...: see engine/avoidance.py); every other name is unknown. False
        lets the engine skip the deliberation. The default is the safe answer, True: a policy
        that does not say is always asked, and so is a subclass that redefines ``respond``
        without redefining this (``__init_subclass__``)."""
        return True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "respond" in vars(cls) and "could_act" not in vars(cls):
            cls.could_act = Policy.could_act  # type: ignore[method-assign]

    def could_apply(self, known: Mapping[str, object]) -> bool:
        """Whether ``applies`` may hold (and so draw) on such a perception: its trigger may."""
        return self.trigger.could_hold(known)

    def applies(self, ctx: Context) -> bool:
        """The trigger holds and the policy's dice say it acts this time."""
        if not self.trigger.evaluate(ctx.namespace):
            return False
        probability = self.probability
        chance = ctx.value(probability) if isinstance(probability, int) else \
            min(1.0, max(0.0, float(probability.evaluate(ctx.namespace))))
        return chance >= 1.0 or ctx.rng.random() < chance

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.label!r})"


def base_args(
    spec: PolicyBase, compiler: Compiler, path: tuple[str | int, ...], default_trigger: str
) -> tuple[Expression, int | Expression]:
    """The trigger, and the probability (a slot, or a formula) every policy compiles the
    same way."""
    trigger = compiler.condition(spec.when or default_trigger, (*path, "when"))
    return trigger, compiler.chance((*path, "probability"), spec.probability)

