"""Every event type the socket carries, with the pydantic model of its `data`.

A module declares its events once, in its `events.py`:

    LESSON_UPDATED = event_type("lesson.updated", LessonUpdatedData, channels=("group", "user"),
                                summary="a lesson was rescheduled, cancelled or completed")

and publishes with `publish_on_commit(channel=..., type="lesson.updated", data=LessonUpdatedData(...))`.
The publish path refuses a type nobody declared, a channel kind the declaration does not name, and
data its model does not accept; it serializes `data` through the model. The AsyncAPI document is
generated from these declarations, so what it promises is what is sent."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from realtime.groups import channel_kind


@dataclass(frozen=True)
class EventType:
    name: str
    data: type[BaseModel]
    channels: tuple[str, ...]  # channel kinds it is sent on ("group", "user", "dashboard", ...)
    summary: str

    def payload(self, data: BaseModel | dict[str, Any]) -> dict[str, Any]:
        """`data` as the model dumps it (python values: times are written by the JSON encoder, the
        same one the REST API uses, so both speak one format)."""
        model = data if isinstance(data, self.data) else self.data.model_validate(data)
        return model.model_dump()

    def check_channel(self, channel: str) -> None:
        if channel_kind(channel) not in self.channels:
            raise ValueError(f"{self.name} is declared for {self.channels}, not for {channel!r}")


_types: dict[str, EventType] = {}


def event_type(name: str, data: type[BaseModel], *, channels: tuple[str, ...], summary: str) -> EventType:
    """Declares an event type (at import of the module's events.py). Declaring the same name twice
    with another model is a bug: two owners of one contract."""
    declared = EventType(name=name, data=data, channels=tuple(channels), summary=summary)
    existing = _types.get(name)
    if existing is not None and existing != declared:
        raise ValueError(f"event type {name!r} is already declared differently: {existing}")
    _types[name] = declared
    return declared


def get(name: str) -> EventType:
    try:
        return _types[name]
    except KeyError:
        raise LookupError(f"unknown event type {name!r}: declare it with realtime.event_type()") from None


def all_types() -> list[EventType]:
    """Every declared type; each installed app's `events` module is imported first, so the list does
    not depend on which code happened to run (realtime still imports no module by name)."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("events")
    return sorted(_types.values(), key=lambda t: t.name)
