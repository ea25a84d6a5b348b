"""The dataclasses a run makes most (events, perceptions, each actor's state, the ladder,
tension, a policy's acts and responses, a strike's exposure and damage) write their
``__init__`` out, so that the compiled engine builds them natively (a dataclass's generated
``__init__`` is Python text run by the interpreter, even in a compiled module). The written
``__init__`` must take exactly the dataclass's fields, in order, with the same defaults (a
field with a default factory takes None for "a new one"), or a field added later would be
silently left out."""

from __future__ import annotations

import dataclasses
import inspect

import pytest

from escalation.engine.effects import Damage, Exposure
from escalation.engine.records import Event, Perceived
from escalation.engine.state import ActorState, Ladder, Tension
from escalation.policies.base import Act, Response

WRITTEN = [Event, Perceived, ActorState, Ladder, Tension, Act, Response, Damage, Exposure]


@pytest.mark.parametrize("cls", WRITTEN, ids=lambda cls: cls.__name__)
def test_the_written_init_takes_the_fields_in_order_with_their_defaults(cls: type) -> None:
    if not inspect.isfunction(cls.__init__):
        pytest.skip("compiled: its signature is not introspectable; the sources' is checked")
    parameters = list(inspect.signature(cls.__init__).parameters.values())[1:]  # less self
    fields = dataclasses.fields(cls)
    assert [p.name for p in parameters] == [f.name for f in fields]
    for parameter, field in zip(parameters, fields, strict=True):
        if field.default is not dataclasses.MISSING:
            assert parameter.default == field.default, field.name
        elif field.default_factory is not dataclasses.MISSING:
            assert parameter.default is None, field.name
        else:
            assert parameter.default is inspect.Parameter.empty, field.name


@pytest.mark.parametrize("cls", [Ladder, Tension], ids=lambda cls: cls.__name__)
def test_defaults_from_factories_are_new_for_each_object(cls: type) -> None:
    first, second = cls(1), cls(1)
    assert first == second
    for field in dataclasses.fields(cls):
        if field.default_factory is not dataclasses.MISSING:
            assert getattr(first, field.name) == field.default_factory()
            assert getattr(first, field.name) is not getattr(second, field.name)


def test_every_field_given_is_kept() -> None:
    values = {f.name: f"{f.name}!" for f in dataclasses.fields(Event)}
    event = Event(**values)  # type: ignore[arg-type]
    assert dataclasses.asdict(event) == values
    perceived = Perceived(**{f.name: f.name for f in dataclasses.fields(Perceived)})  # type: ignore[arg-type]
    assert [getattr(perceived, f.name) for f in dataclasses.fields(Perceived)] == \
        [f.name for f in dataclasses.fields(Perceived)]


def test_written_frozen_inits_keep_their_objects_frozen_and_equal_by_value() -> None:
    assert Response() == Response((), True)
    with pytest.raises(dataclasses.FrozenInstanceError):
        Response().stop = False  # type: ignore[misc]
    assert hash(Response()) == hash(Response((), True))
