"""Every collection a GET returns is an object the client can page: `{items, count}` with
limit/offset, and the feeds (notifications, audit log, coin ledger) a `next_cursor` for `?cursor=`.
A bare array cannot grow a count or a cursor without breaking every client, so none may appear."""

from __future__ import annotations

import pytest

from tests.contract.snapshot import current_schema

FEEDS = {"list_notifications", "list_audit_logs", "list_student_coin_transactions"}
# whole documents that happen to hold a list: one settings screen bounded by the notification kinds,
# and a stored leaderboard snapshot of the top entries; a page of either would mean nothing
UNPAGED = {"list_notification_preferences", "get_group_leaderboard"}


@pytest.fixture(scope="module")
def schema():
    return current_schema()


def _resolve(schema, node):
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _get_bodies(schema):
    for path, item in schema["paths"].items():
        op = item.get("get")
        if op is None:
            continue
        for code, response in op["responses"].items():
            body = response.get("content", {}).get("application/json", {}).get("schema")
            if str(code).startswith("2") and body:
                yield path, op, _resolve(schema, body)


def _query_params(op):
    return {p["name"] for p in op.get("parameters", []) if p["in"] == "query"}


def test_no_get_returns_a_bare_array(schema):
    bare = [f"GET {path}" for path, _, body in _get_bodies(schema) if body.get("type") == "array"]
    assert not bare, f"bare arrays: {bare}"


def test_every_list_has_a_count_and_limit_offset(schema):
    lists = [
        (path, op, body) for path, op, body in _get_bodies(schema) if "items" in body.get("properties", {})
    ]
    assert len(lists) > 30
    for path, op, body in lists:
        assert "count" in body["properties"] and "count" in body.get("required", []), path
        if op["operationId"] not in UNPAGED:
            assert {"limit", "offset"} <= _query_params(op), path


def test_feeds_take_a_cursor_and_answer_the_next_one(schema):
    feeds = {
        op["operationId"]: (op, body) for _, op, body in _get_bodies(schema) if op["operationId"] in FEEDS
    }
    assert set(feeds) == FEEDS
    for op, body in feeds.values():
        assert "cursor" in _query_params(op)
        assert "next_cursor" in body["properties"]
