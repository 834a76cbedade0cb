"""Junk input is a clear 4xx, never a 500 (each of these was a 500 on PostgreSQL): numbers beyond
bigint, dates whose arithmetic overflows, NUL characters in text, huge or non-finite floats, JSON
nested past any real body, multipart without a boundary, malformed Telegram updates and reports."""

from __future__ import annotations

import json

import pytest

from modules.notifications import sms_callback
from tests.conftest import ApiClient
from tests.factories.homework import SubmissionFactory
from tests.payments.conftest import PaymeClient

pytestmark = pytest.mark.django_db

HUGE = 2**70
DEEP = "[" * 100_000 + "]" * 100_000
NESTED_100 = '{"a":' * 100 + "1" + "}" * 100
TELEGRAM = "/api/v1/notifications/telegram/webhook"


def _validation(response, loc_tail, error_type):
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "validation_error"
    assert [e["type"] for e in body["detail"] if e["loc"][-len(loc_tail) :] == loc_tail] == [error_type]


@pytest.fixture
def as_admin(admin):
    return ApiClient(admin)


# --- numbers beyond bigint ------------------------------------------------------------------------


def test_an_offset_beyond_bigint_is_a_422(as_admin):
    _validation(as_admin.get("/users", {"offset": 2**63}), ["query", "offset"], "less_than_equal")
    assert as_admin.get("/users", {"offset": 10**6}).json() == {"items": [], "count": 1}


def test_a_limit_beyond_bigint_is_a_422(as_admin):
    _validation(as_admin.get("/users", {"limit": HUGE}), ["query", "limit"], "less_than_equal")


def test_an_id_beyond_bigint_in_a_body_is_a_422(as_admin, admin):
    response = as_admin.post(f"/users/{admin.pk}/children", {"student_id": HUGE})
    _validation(response, ["student_id"], "int_out_of_range")


def test_ids_beyond_bigint_in_a_list_are_a_422(as_admin):
    response = as_admin.put("/lessons/1/attendance", {"records": [{"student_id": HUGE, "status": "present"}]})
    _validation(response, ["student_id"], "int_out_of_range")


def test_an_id_beyond_bigint_in_a_query_filter_is_a_422(as_admin):
    _validation(as_admin.get("/lessons", {"group": HUGE}), ["query", "group"], "int_out_of_range")


def test_an_id_beyond_bigint_in_the_path_is_a_404(as_admin):
    assert as_admin.get(f"/users/{HUGE}").status_code == 404


# --- dates ----------------------------------------------------------------------------------------


def test_the_last_representable_date_is_a_422_not_an_overflow(as_admin):
    _validation(
        as_admin.get("/lessons", {"date_to": "9999-12-31"}), ["query", "date_to"], "date_out_of_range"
    )
    _validation(
        as_admin.get("/lessons", {"date_from": "0001-01-01"}), ["query", "date_from"], "date_out_of_range"
    )
    assert as_admin.get("/lessons", {"date_to": "2999-12-31"}).status_code == 200


# --- NUL characters (PostgreSQL refuses them in text) ---------------------------------------------


def test_nul_in_a_json_body_is_a_422(as_admin):
    _validation(
        as_admin.post("/courses", {"name": "Eng\x00lish"}), ["body", "payload", "name"], "nul_character"
    )


def test_nul_in_a_throttled_login_is_a_422_not_a_lookup(db):
    # the per-account throttle reads the login before the schema refuses it
    response = ApiClient().post("/auth/login", {"login": "a\x00@b.uz", "password": "x"})
    _validation(response, ["body", "payload", "login"], "nul_character")


def test_nul_in_a_query_string_is_a_422(as_admin):
    _validation(as_admin.get("/users", {"search": "a\x00b"}), ["query", "search"], "nul_character")


def test_nul_in_a_query_string_outside_any_schema_is_a_422(as_admin):
    response = as_admin.post(f"/notifications/sms/callback?token={sms_callback.callback_token()}%00", {})
    _validation(response, ["query", "token"], "nul_character")


def test_nul_in_a_form_field_is_a_422(student):
    submission = SubmissionFactory(student=student)
    response = ApiClient(student).upload(
        f"/homework/{submission.homework_id}/submissions", {"text": "a\x00b"}
    )
    _validation(response, ["form", "text"], "nul_character")


def test_nul_in_a_path_is_a_400(as_admin):
    response = as_admin.get("/api/v1/calendar/feeds/abc%00def.ics")
    assert response.status_code == 400 and response.json()["code"] == "bad_request"


def test_nul_in_an_sms_delivery_report_is_a_422(as_admin):
    token = sms_callback.callback_token()
    response = as_admin.post(
        f"/notifications/sms/callback?token={token}", {"request_id": "r\x00", "status": "x"}
    )
    assert response.status_code == 422 and response.json()["code"] == "invalid_report"


# --- floats ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "error_type"), [("1e308", "float_out_of_range"), ("Infinity", "finite_number")]
)
def test_a_huge_or_infinite_score_is_a_422(teacher, raw, error_type):
    submission = SubmissionFactory(homework__group__teacher=teacher)
    client = ApiClient(teacher)
    response = client.client.post(
        f"/api/v1/submissions/{submission.pk}/review",
        data=f'{{"score": {raw}}}',
        content_type="application/json",
        headers=client.headers,
    )
    _validation(response, ["score"], error_type)


# --- JSON nesting ---------------------------------------------------------------------------------


def test_deeply_nested_json_is_a_400_on_the_api(as_admin):
    for body in (DEEP, NESTED_100):
        response = as_admin.client.post(
            "/api/v1/courses", data=body, content_type="application/json", headers=as_admin.headers
        )
        assert response.status_code == 400 and response.json()["code"] == "bad_request"


@pytest.mark.parametrize("body", [DEEP, NESTED_100], ids=["100k levels", "100 levels"])
def test_deeply_nested_json_is_a_json_rpc_parse_error_at_payme(settings, body):
    settings.PAYME_KEY = "test-payme-key-123"
    response = PaymeClient().raw(body)
    assert response.status_code == 200
    assert response.json()["error"]["code"] == -32700


def test_deeply_nested_json_is_a_422_at_the_telegram_webhook(settings):
    settings.TELEGRAM_WEBHOOK_SECRET = "s"
    response = ApiClient().client.post(
        TELEGRAM, data=DEEP, content_type="application/json", headers={"X-Telegram-Bot-Api-Secret-Token": "s"}
    )
    assert response.status_code == 422 and response.json()["code"] == "invalid_json"


# --- multipart ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/api/v1/resources", "/api/v1/attendance/import", "/api/v1/homework/1/submissions"]
)
def test_multipart_without_a_boundary_is_a_400(as_admin, path):
    response = as_admin.client.post(
        path, data=b"--x\r\n", content_type="multipart/form-data", headers=as_admin.headers
    )
    assert response.status_code == 400 and response.json()["code"] == "bad_multipart"


# --- Telegram updates -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "update",
    [
        {"message": "text"},
        {"message": {"chat": "x"}},
        {"message": {"chat": {"id": 1}, "text": 5}},
        {"message": {"chat": {"id": 1}, "from": "x", "text": "/start abc"}},
        {"message": {"chat": {"id": 1}, "from": {"language_code": 5}}},
        {"message": {"chat": {"id": HUGE}, "text": "/start abc"}},
        {"message": {"chat": {"id": True}, "text": "hi"}},
        {"edited_message": [1], "message": None},
    ],
)
def test_a_malformed_telegram_update_is_answered_not_a_500(settings, update):
    settings.TELEGRAM_WEBHOOK_SECRET = "s"
    response = ApiClient().client.post(
        TELEGRAM,
        data=json.dumps(update),
        content_type="application/json",
        headers={"X-Telegram-Bot-Api-Secret-Token": "s"},
    )
    assert response.status_code == 200
    body = response.json()
    assert body == {} or (body["method"] == "sendMessage" and body["chat_id"] == 1)
