"""One component name means one schema, and `required` says what a client must send and can rely on:
request models leave defaulted fields optional, response models list every field they always carry."""

from __future__ import annotations

from ninja import NinjaAPI, Schema

from core.api import api as markaz_api
from core.openapi import DocumentSchema
from core.schemas import InputSchema
from tests.contract.test_openapi_contract import _operations

REF = "#/components/schemas/"


def _referenced(node, found: set[str]) -> set[str]:
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            found.add(node["$ref"].removeprefix(REF))
        for value in node.values():
            _referenced(value, found)
    elif isinstance(node, list):
        for value in node:
            _referenced(value, found)
    return found


def _closure(names: set[str], components: dict) -> set[str]:
    seen: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(_referenced(components[name], set()) - seen)
    return seen


def test_no_component_name_is_shared_by_two_classes():
    owners = markaz_api.get_openapi_schema().name_owners
    shared = {name: sorted(modules) for name, modules in owners.items() if len(modules) > 1}
    assert not shared, f"rename one of each (a module prefix): {shared}"


def test_weekly_slots_and_billing_schedules_are_different_components():
    document = markaz_api.get_openapi_schema()
    weekly = document["paths"]["/api/v1/groups/{group_id}/schedules"]["post"]
    body = weekly["requestBody"]["content"]["application/json"]["schema"]["$ref"].removeprefix(REF)
    assert {"weekday", "start_time"} <= set(document["components"]["schemas"][body]["properties"])


def test_request_defaults_are_optional_and_response_fields_required():
    document = markaz_api.get_openapi_schema()
    components = document["components"]["schemas"]
    requests, responses = set(), set()
    for _path, _method, op in _operations(document):
        _referenced(op.get("requestBody", {}), requests)
        for status, response in op["responses"].items():
            if str(status).startswith("2") and op["operationId"] != "telegram_webhook":
                _referenced(response, responses)
    assert requests and responses
    for name in _closure(requests, components):
        schema = components[name]
        defaulted = {key for key, prop in schema.get("properties", {}).items() if "default" in prop}
        assert not defaulted & set(schema.get("required", [])), f"{name}: defaulted fields marked required"
    for name in _closure(responses, components):
        schema = components[name]
        missing = set(schema.get("properties", {})) - set(schema.get("required", []))
        assert not missing, f"{name} always carries {sorted(missing)} but does not require them"


class Slot(Schema):
    weekday: int
    note: str = ""


class SlotIn(InputSchema):
    slot: Slot


def _tiny_document():
    api = NinjaAPI(urls_namespace="tiny-names-test")

    @api.post("/slots", response=Slot)
    def create_slot(request, payload: SlotIn):
        return payload.slot

    return DocumentSchema(api, "")


def test_a_model_read_and_written_gets_an_input_form_only_where_they_differ():
    components = _tiny_document()["components"]["schemas"]
    assert components["Slot"]["required"] == ["weekday", "note"]
    assert components["SlotInput"]["required"] == ["weekday"]
    assert components["SlotIn"]["properties"]["slot"] == {"$ref": REF + "SlotInput"}
    assert not [name for name in components if "~" in name]
