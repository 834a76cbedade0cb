"""The OpenAPI document is a contract with the Next.js client: it must be valid, fully described, and
must never lose an operation or a field without someone noticing."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from openapi_spec_validator import validate

from tests.contract.snapshot import SNAPSHOT, current_schema

METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def schema():
    return current_schema()


def _operations(schema):
    for path, item in schema["paths"].items():
        for method, op in item.items():
            if method in METHODS:
                yield path, method, op


def test_exported_schema_is_valid_openapi(tmp_path, db):
    out = tmp_path / "openapi.json"
    call_command("export_openapi_schema", "--api", "core.api.api", "--output", str(out))
    document = json.loads(out.read_text())
    assert document["openapi"].startswith("3.1")
    validate(document)


def test_every_operation_is_fully_described(schema):
    seen = set()
    for path, method, op in _operations(schema):
        where = f"{method.upper()} {path}"
        assert op.get("operationId") and op["operationId"] not in seen, where
        seen.add(op["operationId"])
        assert op.get("tags"), where
        assert op.get("summary"), where
        responses = op.get("responses", {})
        assert any(code.startswith("2") for code in responses), where
        for code, response in responses.items():
            if code.startswith("2") and code != "204" and "content" in response:
                media = next(iter(response["content"].values()))
                assert media.get("schema"), f"{where} {code} has no typed body"
        if "requestBody" in op:
            media = op["requestBody"]["content"]
            assert all(m.get("schema") for m in media.values()), where
            assert "422" in responses, f"{where} takes a body but does not declare 422"
        if op.get("security"):
            assert "401" in responses, f"{where} needs auth but does not declare 401"
        if "{" in path:
            assert "404" in responses or "422" in responses, f"{where} has path params but no 404"


def _fields(schema, name):
    return set(schema.get("components", {}).get("schemas", {}).get(name, {}).get("properties", {}))


def test_nothing_was_removed_or_renamed_since_the_snapshot(schema):
    if not SNAPSHOT.exists():
        pytest.fail("tests/contract/openapi.json is missing: run `make schema-snapshot`")
    old = json.loads(SNAPSHOT.read_text())
    missing_ops = [f"{m.upper()} {p}" for p, m, _ in _operations(old) if m not in schema["paths"].get(p, {})]
    assert not missing_ops, f"operations disappeared: {missing_ops}"
    removed = {}
    for name in old.get("components", {}).get("schemas", {}):
        gone = _fields(old, name) - _fields(schema, name)
        if gone:
            removed[name] = sorted(gone)
    assert not removed, f"fields removed or renamed: {removed}"
