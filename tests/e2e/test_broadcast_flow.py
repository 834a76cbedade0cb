"""End to end, the way production runs (daphne + qcluster processes, PostgreSQL in autocommit, Redis):
an admin's POST /notifications/broadcast is answered 202 at once; the worker fans it out, stores one
delivery per recipient and channel, and sends them through local fakes of Telegram and Eskiz. What
was stored and sent is read back over the API (the delivery log) and from the fakes' request logs."""

from __future__ import annotations

import json

import pytest

from modules.accounts.phones import eskiz_phone
from tests.e2e.conftest import TELEGRAM_BOT_TOKEN
from tests.e2e.harness import eventually

pytestmark = pytest.mark.e2e

SEND_MESSAGE = f"/bot{TELEGRAM_BOT_TOKEN}/sendMessage"
ESKIZ_LOGIN, ESKIZ_SEND = "/api/auth/login", "/api/message/sms/send"
LINKED_CHAT = 9090
FINISHED = {"sent", "delivered", "failed", "skipped"}


@pytest.fixture
def parents(transactional_db, center_awake, parent, student, teacher):
    """Two parents: `parent` has linked Telegram, the other has not. Students and the teacher are
    outside the audience (roles=["parent"])."""
    from tests.factories.accounts import ParentFactory
    from tests.factories.notifications import TelegramLinkFactory

    TelegramLinkFactory(user=parent, chat_id=LINKED_CHAT)
    return parent, ParentFactory(first_name="Nora", last_name="Nolink")


def answer_like_the_providers(providers) -> None:
    providers.expect_request(SEND_MESSAGE, method="POST").respond_with_json(
        {"ok": True, "result": {"message_id": 77, "chat": {"id": LINKED_CHAT}, "text": "x"}}
    )
    providers.expect_request(ESKIZ_LOGIN, method="POST").respond_with_json(
        {"message": "token_generated", "data": {"token": "eskiz-e2e-token"}, "token_type": "bearer"}
    )
    providers.expect_request(ESKIZ_SEND, method="POST").respond_with_json(
        {"id": "sms-req-1", "message": "Waiting for SMS provider", "status": "waiting"}
    )


def requests_to(providers, path: str) -> list:
    return [request for request, _ in providers.log if request.path == path]


async def test_a_broadcast_is_fanned_out_stored_and_sent_by_the_worker(
    daphne_server, qcluster_worker, live_api, providers, parents, admin
):
    linked, unlinked = parents
    answer_like_the_providers(providers)
    admin_api = live_api(admin)

    response = await admin_api.post(
        "/notifications/broadcast",
        json={
            "title": "Holiday",
            "body": "Closed on Monday.",
            "roles": ["parent"],
            "channels": ["telegram", "sms"],
        },
    )
    assert response.status_code == 202, response.text
    assert response.json()["recipients"] == 2

    async def finished_deliveries():
        page = await admin_api.get("/notifications/logs", params={"kind": "broadcast", "limit": 100})
        assert page.status_code == 200, page.text
        logs = page.json()["items"]
        done = len(logs) == 4 and all(log["status"] in FINISHED for log in logs)
        return logs if done else None

    logs = await eventually(finished_deliveries, what="four finished broadcast deliveries", timeout=30)
    assert {(log["user_id"], log["channel"], log["status"]) for log in logs} == {
        (linked.pk, "telegram", "sent"),
        (linked.pk, "sms", "sent"),
        (unlinked.pk, "sms", "sent"),
        (unlinked.pk, "telegram", "skipped"),
    }
    by_channel = {(log["user_id"], log["channel"]): log for log in logs}
    assert by_channel[(linked.pk, "telegram")]["provider_message_id"] == "77"
    assert by_channel[(unlinked.pk, "telegram")]["error"] == "no linked Telegram chat"

    [telegram] = requests_to(providers, SEND_MESSAGE)
    assert json.loads(telegram.data)["chat_id"] == str(LINKED_CHAT)
    assert "Holiday" in json.loads(telegram.data)["text"]
    sms = sorted(request.form["mobile_phone"] for request in requests_to(providers, ESKIZ_SEND))
    assert sms == sorted(eskiz_phone(p.phone) for p in (linked, unlinked))
    assert all(r.form["message"] == "Holiday\nClosed on Monday." for r in requests_to(providers, ESKIZ_SEND))
    assert requests_to(providers, ESKIZ_LOGIN)
    assert {r.headers["Authorization"] for r in requests_to(providers, ESKIZ_SEND)} == {
        "Bearer eskiz-e2e-token"
    }

    # In-app was not among the channels: each parent keeps it as history, already read.
    history = (await live_api(unlinked).get("/notifications")).json()["items"]
    assert [(n["kind"], n["title"], n["read"]) for n in history] == [("broadcast", "Holiday", True)]
