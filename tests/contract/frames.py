"""Checks a WebSocket frame against the published AsyncAPI document (GET /api/v1/asyncapi.json):
the e2e harness passes every frame it receives through `check_frame`, so each event and control frame
the suite sees is proved to match the contract a front end types its socket from."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jsonschema import Draft202012Validator


@lru_cache(maxsize=1)
def _validators() -> dict[str, Draft202012Validator]:
    """{frame or event type: a validator of its payload}, for every message the server sends."""
    from realtime.asyncapi import document

    doc = document()
    messages = doc["components"]["messages"]
    sent = [
        ref["$ref"].rsplit("/", 1)[-1]
        for name in ("sendEvent", "sendFrame")
        for ref in doc["operations"][name]["messages"]
    ]
    validators = {}
    for name in sent:
        schema = {"$ref": messages[name]["payload"]["$ref"], "components": doc["components"]}
        validators[name] = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    return validators


def check_frame(frame: dict[str, Any]) -> dict[str, Any]:
    """`frame` unchanged, or AssertionError naming what the contract does not allow."""
    validator = _validators().get(frame.get("type"))
    assert validator is not None, f"a frame type the AsyncAPI document does not declare: {frame!r}"
    errors = sorted(validator.iter_errors(frame), key=lambda e: list(e.path))
    assert not errors, (
        f"{frame.get('type')} breaks the AsyncAPI document: {errors[0].message} at {list(errors[0].path)}"
    )
    return frame


def socket_schema() -> dict[str, Any]:
    """One JSON Schema for a typed client: `server` (every event and frame the server sends) and
    `client` (every action), over the document's components, for json-schema-to-typescript."""
    from realtime.asyncapi import document

    doc = document()
    messages = doc["components"]["messages"]

    def one_of(*operations: str) -> dict[str, Any]:
        names = [
            ref["$ref"].rsplit("/", 1)[-1] for op in operations for ref in doc["operations"][op]["messages"]
        ]
        return {"oneOf": [{"$ref": messages[name]["payload"]["$ref"]} for name in names]}

    return {
        "title": "Socket",
        "type": "object",
        "properties": {"server": one_of("sendEvent", "sendFrame"), "client": one_of("receiveAction")},
        "components": doc["components"],
    }
