"""The socket's machine-readable contract: an AsyncAPI 3.0 document generated from the models the
frames are built from (realtime/frames.py) and the declared event types (realtime/contract.py).
Served as GET /api/v1/asyncapi.json, built once per process."""

from __future__ import annotations

import threading
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, models_json_schema

from realtime import contract, frames
from realtime.groups import CHANNEL_KEY, DASHBOARD

REF = "#/components/schemas/{model}"

DESCRIPTION = """\
One socket per tab: `POST /api/v1/realtime/ticket`, then connect to `/ws/?ticket=<ticket>`.
Every event is `{type, channel, id, seq, ts, data}`: `seq` counts the channel's events (1, 2, ...);
after a reconnect, subscribe with `since` = the last seq seen and the missed events are sent first,
exactly once, or `resync` when they are no longer kept (10 minutes, 1,000 per channel). Times are
ISO 8601 in UTC, at most milliseconds (`2026-03-01T09:00:00.123Z`), as in the REST API. Close code
4401: the ticket or the account is no longer valid."""


class _Present(GenerateJsonSchema):
    """Serialization schemas that say what is always there. Event data is dumped whole, so every
    field is required; server frames leave out fields that are None (`omit_none`)."""

    omit_none = False

    def field_is_required(self, field, total) -> bool:
        if self.mode != "serialization":
            return super().field_is_required(field, total)
        schema = field["schema"]
        return not (self.omit_none and schema.get("type") == "default" and schema.get("default") is None)


class _PresentUnlessNone(_Present):
    omit_none = True


def _schemas(models: list[type[BaseModel]], mode: str, generator) -> tuple[dict, dict[str, Any]]:
    """({model: its $ref}, component schemas) for `models`."""
    refs, defs = models_json_schema([(m, mode) for m in models], ref_template=REF, schema_generator=generator)
    return {m: refs[(m, mode)] for m in models}, defs.get("$defs", {})


def _merge(into: dict[str, Any], more: dict[str, Any]) -> None:
    for name, schema in more.items():
        if name in into and into[name] != schema:
            raise ValueError(f"two different schemas are both named {name!r}")
        into[name] = schema


def _channel_pattern(kinds: tuple[str, ...]) -> str:
    names = [DASHBOARD if kind == DASHBOARD else f"{kind}:{CHANNEL_KEY}" for kind in kinds]
    return "^(?:" + "|".join(names) + ")$"


def _envelope(event: contract.EventType, data_ref: dict) -> dict[str, Any]:
    return {
        "type": "object",
        "title": "".join(part.capitalize() for part in event.name.split(".")) + "Event",
        "description": event.summary,
        "required": ["type", "channel", "id", "seq", "ts", "data"],
        "additionalProperties": False,
        "properties": {
            "type": {"const": event.name},
            "channel": {"type": "string", "pattern": _channel_pattern(event.channels)},
            "id": {
                "type": "string",
                "format": "uuid",
                "description": "unique per event; a retried task repeats it: drop ids already seen",
            },
            "seq": {
                "type": "integer",
                "minimum": 1,
                "description": "the event's number on its channel, one more than the previous one",
            },
            "ts": {"type": "string", "format": "date-time", "description": "when it was published"},
            "data": data_ref,
        },
    }


def _message(name: str, payload_ref: str, summary: str) -> dict[str, Any]:
    return {
        "name": name,
        "title": name,
        "summary": summary,
        "contentType": "application/json",
        "payload": {"$ref": payload_ref},
    }


def _frame_name(model: type[BaseModel]) -> str:
    return model.model_fields["type"].default if "type" in model.model_fields else model.__name__


def _action_name(model: type[BaseModel]) -> str:
    return model.model_fields["action"].annotation.__args__[0]


def build() -> dict[str, Any]:
    events = contract.all_types()
    schemas: dict[str, Any] = {}
    data_refs, defs = _schemas([e.data for e in events], "serialization", _Present)
    _merge(schemas, defs)
    _, defs = _schemas(list(frames.SERVER_FRAMES), "serialization", _PresentUnlessNone)
    _merge(schemas, defs)
    _, defs = _schemas(list(frames.ACTIONS), "validation", GenerateJsonSchema)
    _merge(schemas, defs)

    messages: dict[str, Any] = {}
    event_names, frame_names, action_names = [], [], []
    for event in events:
        envelope = _envelope(event, data_refs[event.data])
        _merge(schemas, {envelope["title"]: envelope})
        messages[event.name] = _message(event.name, REF.format(model=envelope["title"]), event.summary)
        event_names.append(event.name)
    for model in frames.SERVER_FRAMES:
        name = _frame_name(model)
        messages[name] = _message(name, REF.format(model=model.__name__), (model.__doc__ or name).strip())
        frame_names.append(name)
    for model in frames.ACTIONS:
        name = _action_name(model)
        messages[name] = _message(name, REF.format(model=model.__name__), f"client action `{name}`")
        action_names.append(name)

    def refs(names):
        return [{"$ref": f"#/channels/socket/messages/{n}"} for n in names]

    return {
        "asyncapi": "3.0.0",
        "info": {"title": "Markaz real time", "version": "1.0.0", "description": DESCRIPTION},
        "defaultContentType": "application/json",
        "servers": {
            "api": {
                "host": "{host}",
                "protocol": "wss",
                "pathname": "/ws/",
                "variables": {"host": {"default": "localhost:8000"}},
            }
        },
        "channels": {
            "socket": {
                "address": "/ws/",
                "title": "the one socket",
                "description": "Logical channels (`user:<id>`, `group:<id>`, `group_staff:<id>`, "
                "`dashboard`) are multiplexed on it; each event names its own.",
                "messages": {name: {"$ref": f"#/components/messages/{name}"} for name in messages},
                "bindings": {
                    "ws": {
                        "bindingVersion": "0.1.0",
                        "query": {
                            "type": "object",
                            "properties": {"ticket": {"type": "string", "description": "single use, 60 s"}},
                        },
                    }
                },
            }
        },
        "operations": {
            "sendEvent": {
                "action": "send",
                "channel": {"$ref": "#/channels/socket"},
                "messages": refs(event_names),
            },
            "sendFrame": {
                "action": "send",
                "channel": {"$ref": "#/channels/socket"},
                "messages": refs(frame_names),
            },
            "receiveAction": {
                "action": "receive",
                "channel": {"$ref": "#/channels/socket"},
                "messages": refs(action_names),
            },
        },
        "components": {"schemas": dict(sorted(schemas.items())), "messages": messages},
    }


_built: dict[str, Any] = {}
_lock = threading.Lock()


def document() -> dict[str, Any]:
    """The document, built on first use: the declarations cannot change while the process runs."""
    if not _built:
        with _lock:
            if not _built:
                _built.update(build())
    return _built
