"""Walks the OpenAPI document (tests.contract.snapshot.current_schema, as the query-budget test does):
every operation with security, its path filled with one branch's ids, its JSON body generated from the
request schema with the ids of that branch where a field names one (so that a write is refused for the
object, not for a malformed body)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from tests.contract.snapshot import current_schema

PARAM = re.compile(r"{(\w+)}")
API_PREFIX = "/api/v1"
WRITES = ("post", "put", "patch", "delete")

# body fields that name a branch's object, by the key of Side.ids they take
BODY_IDS = {
    "group_id": "group_id",
    "lesson_id": "upcoming_lesson_id",
    "student_id": "student_id",
    "student_ids": "student_id",
    "branch_id": "branch_id",
    "branch_ids": "branch_id",
    "room_id": "room_id",
    "membership_id": "membership_id",
    "homework_id": "homework_id",
    "teacher_id": None,  # the teacher works in both branches: never another branch's
    "to_group_id": "group_id",
    "child_id": "student_id",
}


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # without /api/v1
    query: frozenset[str]
    body: dict | None  # the JSON request schema, resolved lazily

    @property
    def name(self) -> str:
        return f"{self.method.upper()} {self.path}"

    @property
    def params(self) -> list[str]:
        return PARAM.findall(self.path)


def operations() -> tuple[list[Operation], dict]:
    schema = current_schema()
    found = []
    for path, item in schema["paths"].items():
        for method, op in item.items():
            if method not in ("get", *WRITES) or not op.get("security"):
                continue
            query = frozenset(p["name"] for p in op.get("parameters", []) if p.get("in") == "query")
            content = (op.get("requestBody") or {}).get("content", {})
            body = content.get("application/json", {}).get("schema")
            found.append(Operation(method, path.removeprefix(API_PREFIX), query, body))
    return found, schema.get("components", {}).get("schemas", {})


def _param_key(path: str, name: str) -> str:
    if name == "schedule_id":
        return "payment_schedule_id" if path.startswith("/payment-schedules") else "lesson_schedule_id"
    return name


def resolve(op: Operation, ids: dict) -> str | None:
    """The path with `ids` filled in; None when the world has no object for a parameter."""
    keys = {name: _param_key(op.path, name) for name in op.params}
    if any(ids.get(key) is None for key in keys.values()):
        return None
    return PARAM.sub(lambda m: str(ids[keys[m.group(1)]]), op.path)


class BodyMaker:
    """A body that passes validation, from the request schema: required fields only."""

    def __init__(self, components: dict, ids: dict):
        self.components = components
        self.ids = ids

    def make(self, schema: dict | None):
        return None if schema is None else self._value(schema, "")

    def _deref(self, schema: dict) -> dict:
        while "$ref" in schema:
            schema = self.components[schema["$ref"].rsplit("/", 1)[-1]]
        return schema

    def _value(self, schema: dict, name: str):
        schema = self._deref(schema)
        for key in ("anyOf", "oneOf"):
            if key in schema:
                options = [self._deref(s) for s in schema[key] if self._deref(s).get("type") != "null"]
                return self._value(options[0], name) if options else None
        if "allOf" in schema:
            return self._value(schema["allOf"][0], name)
        if "enum" in schema:
            return schema["enum"][0]
        if "default" in schema and schema.get("default") is not None:
            return schema["default"]
        kind = schema.get("type")
        if kind == "object" or "properties" in schema:
            props = schema.get("properties", {})
            return {key: self._value(props[key], key) for key in schema.get("required", []) if key in props}
        if kind == "array":
            item = self._value(schema.get("items", {}), name)
            return [item] if item is not None else []
        if kind == "integer":
            return self._integer(schema, name)
        if kind == "number":
            return 1
        if kind == "boolean":
            return False
        return self._string(schema, name)

    def _integer(self, schema: dict, name: str) -> int:
        key = BODY_IDS.get(name, "")
        if key and self.ids.get(key) is not None:
            return self.ids[key]
        return max(1, schema.get("minimum", 1), schema.get("exclusiveMinimum", 0) + 1)

    def _string(self, schema: dict, name: str) -> str:
        fmt = schema.get("format", "")
        if fmt == "date":
            return (timezone.localdate() + timedelta(days=3)).isoformat()
        if fmt == "date-time":
            return (timezone.now() + timedelta(days=3)).isoformat()
        if "phone" in name:
            return "+998901112233"
        if "email" in name:
            return "walker@example.com"
        if schema.get("pattern", "").startswith("^\\d{4}-"):
            return "2026-11"
        return "x" * max(3, schema.get("minLength", 0))


def call(client, op: Operation, url: str, body=None, params: dict | None = None):
    if op.method == "get":
        return client.get(url, params or {})
    return client.request(op.method, url, body if body is not None else {})


def text_of(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def leaked_ids(payload, facts: set[tuple[str, int]]) -> list[str]:
    """(key, id) pairs of the other branch found anywhere in a JSON payload."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if isinstance(value, int) and (key, value) in facts:
                    found.append(f"{key}={value}")
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(payload)
    return found


def as_json(text: str):
    try:
        return json.loads(text)
    except ValueError:
        return None
