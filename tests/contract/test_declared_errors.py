"""Every operation declares the errors it can answer with, and each error's `code` is an enum of its
family's codes, which a real error matches."""

from __future__ import annotations

import pytest

from core.api import api as markaz_api
from tests.contract.test_openapi_contract import _operations
from tests.factories.lessons import LessonFactory

REF = "#/components/schemas/"


@pytest.fixture(scope="module")
def document():
    return markaz_api.get_openapi_schema()


def _error_schema(document, op, status):
    ref = op["responses"][status]["content"]["application/json"]["schema"]["$ref"].removeprefix(REF)
    return document["components"]["schemas"][ref]


def _code_enum(document, op, status) -> set[str]:
    code = _error_schema(document, op, status)["properties"]["code"]["$ref"].removeprefix(REF)
    return set(document["components"]["schemas"][code]["enum"])


def test_each_operation_declares_what_its_input_and_throttles_can_cause(document):
    for path, method, op in _operations(document):
        where, statuses = f"{method.upper()} {path}", {int(s) for s in op["responses"]}
        body = op.get("requestBody", {}).get("content", {})
        assert 400 in statuses, where
        assert bool(op.get("parameters") or body) <= (422 in statuses), where
        assert bool(body) <= (413 in statuses), where
        assert ("multipart/form-data" in body) <= (415 in statuses), where


def test_throttled_operations_declare_429_and_unthrottled_webhooks_do_not(document):
    paths = document["paths"]
    assert 429 in paths["/api/v1/auth/login"]["post"]["responses"]
    assert 429 in paths["/api/v1/groups"]["get"]["responses"]  # the API-wide per-user throttle
    assert 429 not in paths["/api/v1/payments/payme"]["post"]["responses"]


def test_error_codes_are_an_enum_per_family(document):
    families = set()
    for path, method, op in _operations(document):
        for status, response in op["responses"].items():
            schema = response.get("content", {}).get("application/json", {}).get("schema", {})
            # bodies of their own (a clash list, an import's rejected rows, Uzum's protocol) aside
            assert schema.get("$ref") != REF + "ErrorOut", f"{method.upper()} {path} {status} has no family"
            if int(status) >= 400 and schema.get("$ref", "").endswith("ErrorOut"):
                families.add(schema["$ref"])
    assert {REF + "LessonsErrorOut", REF + "PaymentsErrorOut", REF + "AccountsErrorOut"} <= families
    cancel = document["paths"]["/api/v1/lessons/{lesson_id}/cancel"]["post"]
    refund = document["paths"]["/api/v1/payments/{payment_id}/refund"]["post"]
    assert "lesson_cancelled" in _code_enum(document, cancel, 409)
    assert "payment_not_payable" not in _code_enum(document, cancel, 409)
    assert "payment_not_payable" in _code_enum(document, refund, 409)


def test_a_real_error_code_is_in_its_operations_enum(document, api, admin):
    lesson = LessonFactory()
    api(admin).post(f"/lessons/{lesson.pk}/cancel", {"reason": "flooding"})
    again = api(admin).post(f"/lessons/{lesson.pk}/cancel", {"reason": "again"})
    assert again.status_code == 409
    cancel = document["paths"]["/api/v1/lessons/{lesson_id}/cancel"]["post"]
    assert again.json()["code"] in _code_enum(document, cancel, 409)
