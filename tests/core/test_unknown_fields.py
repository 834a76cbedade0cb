"""Every JSON request body refuses a field it does not declare, at every level, with a 422 naming it:
a mistyped `{"audiance": "debtors"}` must never fall back to a default such as "everyone".
The operations come from the OpenAPI document, so a new endpoint is covered without editing this file."""

from __future__ import annotations

import re

import pytest

from tests.conftest import ApiClient
from tests.contract.snapshot import current_schema

TYPO = "audiance"
METHODS = ("post", "put", "patch")


def _resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _json_operations():
    schema = current_schema()
    for path, item in schema["paths"].items():
        for method in METHODS:
            body = item.get(method, {}).get("requestBody", {}).get("content", {}).get("application/json")
            if body:
                yield pytest.param(method, path, _resolve(schema, body["schema"]), id=f"{method} {path}")


def _nested_objects(body_schema: dict):
    """(property, item-or-object) pairs whose value is itself an object schema, one level down."""
    schema = current_schema()
    for name, prop in body_schema.get("properties", {}).items():
        for option in prop.get("anyOf", [prop]):
            option = _resolve(schema, option)
            if option.get("type") == "array" and "$ref" in option.get("items", {}):
                yield name, [{TYPO: "x"}], [name, 0, TYPO]
            elif option.get("type") == "object" and option.get("properties"):
                yield name, {TYPO: "x"}, [name, TYPO]


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


@pytest.fixture
def as_admin(admin, settings):
    settings.THROTTLE_RATES = {scope: "100000/min" for scope in settings.THROTTLE_RATES}
    return ApiClient(admin)


def _extra_items(response):
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "validation_error"
    return [item for item in body["detail"] if item["type"] == "extra_forbidden"]


@pytest.mark.parametrize(("method", "path", "body_schema"), list(_json_operations()))
def test_an_unknown_body_field_is_refused_by_name(as_admin, method, path, body_schema):
    response = getattr(as_admin, method)(_concrete(path), {TYPO: "debtors"})
    extra = _extra_items(response)
    assert [item["loc"][-1] for item in extra] == [TYPO]
    assert extra[0]["loc"][0] == "body"
    assert extra[0]["msg"] == "Extra inputs are not permitted"


def _nested_operations():
    for param in _json_operations():
        method, path, body_schema = param.values
        for name, value, loc_tail in _nested_objects(body_schema):
            yield pytest.param(method, path, {name: value}, loc_tail, id=f"{method} {path} {name}")


@pytest.mark.parametrize(("method", "path", "body", "loc_tail"), list(_nested_operations()))
def test_an_unknown_field_in_a_nested_object_is_refused_by_name(as_admin, method, path, body, loc_tail):
    extra = _extra_items(getattr(as_admin, method)(_concrete(path), body))
    assert [item["loc"][-len(loc_tail) :] for item in extra] == [loc_tail]


def test_the_broadcast_typo_of_the_report_sends_nothing(as_admin):
    from modules.notifications.models import Notification

    response = as_admin.post("/notifications/broadcast", {"title": "t", "body": "b", "audience": "debtors"})
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "loc": ["body", "payload", "audience"],
            "msg": "Extra inputs are not permitted",
            "type": "extra_forbidden",
        }
    ]
    assert not Notification.objects.exists()
