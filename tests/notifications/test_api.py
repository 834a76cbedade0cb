"""The in-app endpoints, preferences, Telegram link status and the admin log: per persona, shapes,
and query counts that stay flat with page size."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from modules.notifications.models import Notification, NotificationPreference
from tests.factories.notifications import NotificationFactory, NotificationLogFactory, TelegramLinkFactory

PERSONAS = ["admin", "teacher", "student", "parent", "outsider"]


@pytest.fixture
def everyone(admin, teacher, student, parent, outsider):
    return {"admin": admin, "teacher": teacher, "student": student, "parent": parent, "outsider": outsider}


def test_anonymous_is_401_everywhere(api):
    for method, path in [
        ("get", "/notifications"),
        ("get", "/notifications/unread-count"),
        ("post", "/notifications/read-all"),
        ("post", "/notifications/1/read"),
        ("get", "/notifications/preferences"),
        ("put", "/notifications/preferences"),
        ("get", "/notifications/telegram"),
        ("post", "/notifications/telegram/link"),
        ("delete", "/notifications/telegram/link"),
        ("post", "/notifications/broadcast"),
        ("get", "/notifications/logs"),
    ]:
        response = getattr(api(), method)(path)
        assert response.status_code == 401, (method, path)
        assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_lists_only_their_own(api, everyone, persona):
    user = everyone[persona]
    mine = [NotificationFactory(user=user) for _ in range(2)]
    for other in everyone.values():
        if other != user:
            NotificationFactory(user=other)
    body = api(user).get("/notifications").json()
    assert body["count"] == 2
    assert [item["id"] for item in body["items"]] == [n.pk for n in reversed(mine)]  # newest first
    assert set(body["items"][0]) == {"id", "kind", "title", "body", "data", "read", "read_at", "created_at"}


def test_unread_filter_and_count(api, student):
    read = NotificationFactory(user=student)
    unread = NotificationFactory(user=student)
    api(student).post(f"/notifications/{read.pk}/read")
    assert [i["id"] for i in api(student).get("/notifications", {"unread": "true"}).json()["items"]] == [
        unread.pk
    ]
    assert [i["id"] for i in api(student).get("/notifications", {"unread": "false"}).json()["items"]] == [
        read.pk
    ]
    assert api(student).get("/notifications/unread-count").json() == {"unread": 1}
    assert api(student).get("/notifications", {"kind": "nonsense"}).status_code == 422


@pytest.mark.parametrize("persona", PERSONAS)
def test_mark_read_own_only(api, everyone, persona):
    user = everyone[persona]
    own = NotificationFactory(user=user)
    foreign = NotificationFactory()  # someone else's: a 404, even for admins
    response = api(user).post(f"/notifications/{own.pk}/read")
    assert response.status_code == 200 and response.json()["read"] is True
    first_read_at = response.json()["read_at"]
    assert api(user).post(f"/notifications/{own.pk}/read").json()["read_at"] == first_read_at  # idempotent
    assert api(user).post(f"/notifications/{foreign.pk}/read").status_code == 404
    foreign.refresh_from_db()
    assert foreign.read_at is None


def test_mark_all_read_touches_only_own(api, student, outsider):
    NotificationFactory.create_batch(3, user=student)
    other = NotificationFactory(user=outsider)
    assert api(student).post("/notifications/read-all").json() == {"updated": 3}
    assert api(student).post("/notifications/read-all").json() == {"updated": 0}
    assert not Notification.objects.filter(user=student, read_at__isnull=True).exists()
    other.refresh_from_db()
    assert other.read_at is None


def test_list_query_count_is_flat(api, student):
    NotificationFactory.create_batch(30, user=student)
    client = api(student)
    counts = []
    for limit in (1, 30):
        with CaptureQueriesContext(connection) as ctx:
            assert len(client.get("/notifications", {"limit": limit}).json()["items"]) == limit
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


# --- preferences ----------------------------------------------------------------------------------


def test_preferences_show_role_defaults(api, parent):
    rows = {r["kind"]: r for r in api(parent).get("/notifications/preferences").json()["items"]}
    assert "password_reset" not in rows  # account emails always go by email
    assert rows["attendance_absent"]["channels"] == {
        "in_app": True,
        "telegram": True,
        "sms": True,
        "email": False,
    }
    assert rows["attendance_absent"]["customized"] == []


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_sets_own_preferences(api, everyone, persona):
    user = everyone[persona]
    payload = {"preferences": [{"kind": "payment_overdue", "channel": "email", "enabled": True}]}
    rows = {r["kind"]: r for r in api(user).put("/notifications/preferences", payload).json()["items"]}
    assert rows["payment_overdue"]["channels"]["email"] is True
    assert rows["payment_overdue"]["customized"] == ["email"]
    assert NotificationPreference.objects.filter(user=user).count() == 1
    payload["preferences"][0]["enabled"] = False
    api(user).put("/notifications/preferences", payload)
    assert NotificationPreference.objects.get(user=user).enabled is False


def test_bad_preferences_are_422(api, student):
    for bad in (
        {"preferences": []},
        {"preferences": [{"kind": "nope", "channel": "sms", "enabled": True}]},
        {"preferences": [{"kind": "broadcast", "channel": "pigeon", "enabled": True}]},
        {"preferences": [{"kind": "password_reset", "channel": "email", "enabled": False}]},
    ):
        response = api(student).put("/notifications/preferences", bad)
        assert response.status_code == 422, bad
        assert response.json()["code"] == "validation_error"


# --- Telegram link status -------------------------------------------------------------------------


def test_telegram_status_and_unlink(api, student, telegram_api):
    assert api(student).get("/notifications/telegram").json() == {
        "enabled": True,
        "linked": False,
        "linked_at": None,
        "username": "",
    }
    assert api(student).delete("/notifications/telegram/link").status_code == 404
    TelegramLinkFactory(user=student, username="sam")
    status = api(student).get("/notifications/telegram").json()
    assert status["linked"] is True and status["username"] == "sam"
    assert api(student).delete("/notifications/telegram/link").status_code == 204
    assert api(student).get("/notifications/telegram").json()["linked"] is False


# --- delivery log (admins) ------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_logs_are_admin_only(api, everyone, persona):
    NotificationLogFactory(channel="sms", status="failed")
    response = api(everyone[persona]).get("/notifications/logs")
    if persona == "admin":
        assert response.status_code == 200 and response.json()["count"] == 1
    else:
        assert response.status_code == 403


def test_logs_filter_and_flat_queries(api, admin):
    NotificationLogFactory.create_batch(5, channel="sms", status="failed")
    NotificationLogFactory.create_batch(5, channel="telegram", status="sent")
    client = api(admin)
    assert client.get("/notifications/logs", {"channel": "sms"}).json()["count"] == 5
    assert client.get("/notifications/logs", {"status": "sent", "channel": "telegram"}).json()["count"] == 5
    counts = []
    for limit in (1, 10):
        with CaptureQueriesContext(connection) as ctx:
            client.get("/notifications/logs", {"limit": limit})
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
