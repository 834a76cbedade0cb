"""SMS through our real Eskiz client against a local server playing Eskiz (token, 401, rejections),
and the delivery-report callback."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from werkzeug import Response

from modules.notifications import sms_callback, tasks
from modules.notifications.models import NotificationLog
from modules.notifications.providers import eskiz
from tests.factories.notifications import NotificationLogFactory
from tests.notifications.conftest import make_due, sent_requests

Status = NotificationLog.Status
LOGIN, REFRESH, SEND = "/api/auth/login", "/api/auth/refresh", "/api/message/sms/send"


def token_body(token: str) -> dict:
    return {"message": "token_generated", "data": {"token": token}, "token_type": "bearer"}


def waiting(request_id: str = "req-1") -> dict:
    return {"id": request_id, "message": "Waiting for SMS provider", "status": "waiting"}


@pytest.fixture
def sms_log(db):
    return NotificationLogFactory(
        channel="sms",
        recipient="998901234567",
        notification__title="Payment due",
        notification__body="Pay 500 000 UZS",
    )


def test_login_then_send_with_the_form_eskiz_expects(eskiz_api, sms_log):
    eskiz_api.expect_request(LOGIN, method="POST").respond_with_json(token_body("tok-1"))
    eskiz_api.expect_request(
        SEND, method="POST", headers={"Authorization": "Bearer tok-1"}
    ).respond_with_json(waiting("req-77"))

    assert tasks.send_sms_notification(sms_log.pk) == Status.SENT

    sms_log.refresh_from_db()
    assert sms_log.provider_message_id == "req-77"
    login = sent_requests(eskiz_api, LOGIN)[0]
    assert login.form["email"] == "center@example.uz" and login.form["password"] == "eskiz-pass"
    sent = sent_requests(eskiz_api, SEND)[0].form
    assert sent["mobile_phone"] == "998901234567"
    assert sent["message"] == "Payment due\nPay 500 000 UZS"
    assert sent["from"] == "4546"
    assert sent["callback_url"].endswith(f"/sms/callback?token={sms_callback.callback_token()}")


def test_the_token_is_cached_and_shared(eskiz_api, db):
    eskiz_api.expect_request(LOGIN).respond_with_json(token_body("tok-shared"))
    eskiz_api.expect_request(SEND).respond_with_json(waiting())
    logs = [NotificationLogFactory(channel="sms", recipient="998901234567") for _ in range(3)]
    for log in logs:
        assert tasks.send_sms_notification(log.pk) == Status.SENT
    assert len(sent_requests(eskiz_api, LOGIN)) == 1
    assert cache.get(eskiz.TOKEN_KEY) == "tok-shared"


def test_401_refreshes_the_token_and_resends(eskiz_api, sms_log):
    cache.set(eskiz.TOKEN_KEY, "expired")
    eskiz_api.expect_request(SEND, headers={"Authorization": "Bearer expired"}).respond_with_json(
        {"message": "Expired"}, status=401
    )
    eskiz_api.expect_request(
        REFRESH, method="PATCH", headers={"Authorization": "Bearer expired"}
    ).respond_with_json(token_body("fresh"))
    eskiz_api.expect_request(SEND, headers={"Authorization": "Bearer fresh"}).respond_with_json(
        waiting("req-2")
    )

    assert tasks.send_sms_notification(sms_log.pk) == Status.SENT
    assert cache.get(eskiz.TOKEN_KEY) == "fresh"
    assert sent_requests(eskiz_api, LOGIN) == []
    assert len(sent_requests(eskiz_api, SEND)) == 2
    sms_log.refresh_from_db()
    assert sms_log.attempts == 1 and sms_log.provider_message_id == "req-2"


def test_failed_refresh_logs_in_again(eskiz_api, sms_log):
    cache.set(eskiz.TOKEN_KEY, "dead")
    eskiz_api.expect_request(SEND, headers={"Authorization": "Bearer dead"}).respond_with_json({}, status=401)
    eskiz_api.expect_request(REFRESH).respond_with_json({"message": "Unauthenticated"}, status=401)
    eskiz_api.expect_request(LOGIN).respond_with_json(token_body("relogged"))
    eskiz_api.expect_request(SEND, headers={"Authorization": "Bearer relogged"}).respond_with_json(waiting())

    assert tasks.send_sms_notification(sms_log.pk) == Status.SENT
    assert cache.get(eskiz.TOKEN_KEY) == "relogged"


def test_rejected_text_fails_without_retry(eskiz_api, sms_log):
    cache.set(eskiz.TOKEN_KEY, "tok")
    eskiz_api.expect_request(SEND).respond_with_json(
        {"status": "error", "message": "Text does not match any moderated template"}, status=400
    )
    assert tasks.send_sms_notification(sms_log.pk) == Status.FAILED
    sms_log.refresh_from_db()
    assert "moderated template" in sms_log.error and sms_log.next_attempt_at is not None
    make_due(sms_log)
    assert tasks.send_sms_notification(sms_log.pk) is None
    assert len(sent_requests(eskiz_api, SEND)) == 1


def test_5xx_then_success(eskiz_api, sms_log):
    cache.set(eskiz.TOKEN_KEY, "tok")
    eskiz_api.expect_ordered_request(SEND).respond_with_response(Response("busy", status=503))
    eskiz_api.expect_ordered_request(SEND).respond_with_json(waiting("req-3"))
    assert tasks.send_sms_notification(sms_log.pk) == Status.QUEUED
    make_due(sms_log)
    assert tasks.send_sms_notification(sms_log.pk) == Status.SENT
    sms_log.refresh_from_db()
    assert sms_log.attempts == 2 and sms_log.provider_message_id == "req-3"


def test_disabled_eskiz_is_skipped(settings, sms_log):
    settings.ESKIZ_EMAIL = ""
    assert tasks.send_sms_notification(sms_log.pk) == Status.SKIPPED


# --- delivery reports -----------------------------------------------------------------------------

CALLBACK = "/notifications/sms/callback"


@pytest.fixture
def sent_sms(db):
    return NotificationLogFactory(channel="sms", status=Status.SENT, provider_message_id="req-900")


def test_callback_marks_delivered_and_repeats_change_nothing(api, sent_sms):
    token = sms_callback.callback_token()
    report = {
        "request_id": "req-900",
        "message_id": "m1",
        "status": "DELIVRD",
        "status_date": "2026-11-25 10:00:00",
    }
    response = api().client.post(f"/api/v1{CALLBACK}?token={token}", data=report)
    assert response.status_code == 200 and response.json() == {"status": "delivered"}
    sent_sms.refresh_from_db()
    assert sent_sms.status == Status.DELIVERED and sent_sms.delivered_at is not None
    # A late progress report must not downgrade it.
    api().post(f"{CALLBACK}?token={token}", {"request_id": "req-900", "status": "TRANSMTD"})
    sent_sms.refresh_from_db()
    assert sent_sms.status == Status.DELIVERED


def test_callback_failure_status_fails_the_log(api, sent_sms):
    response = api().post(
        f"{CALLBACK}?token={sms_callback.callback_token()}", {"request_id": "req-900", "status": "UNDELIV"}
    )
    assert response.json() == {"status": "failed"}
    sent_sms.refresh_from_db()
    assert "UNDELIV" in sent_sms.error


def test_callback_needs_the_token_and_a_known_request(api, sent_sms):
    assert (
        api().post(f"{CALLBACK}?token=wrong", {"request_id": "req-900", "status": "DELIVRD"}).status_code
        == 401
    )
    assert api().post(CALLBACK, {"request_id": "req-900", "status": "DELIVRD"}).status_code == 401
    unknown = api().post(
        f"{CALLBACK}?token={sms_callback.callback_token()}", {"request_id": "nope", "status": "DELIVRD"}
    )
    assert unknown.status_code == 404 and unknown.json()["code"] == "not_found"
    sent_sms.refresh_from_db()
    assert sent_sms.status == Status.SENT
