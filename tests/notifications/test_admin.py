"""The admin pages of the module render, filter, and resend failed deliveries (never sent ones)."""

from __future__ import annotations

import pytest
from django.test import Client

from modules.notifications.models import NotificationLog
from tests.factories.notifications import NotificationFactory, NotificationLogFactory, TelegramLinkFactory


@pytest.fixture
def staff_client(admin):
    client = Client()
    client.force_login(admin)
    return client


@pytest.mark.parametrize(
    "model", ["notification", "notificationlog", "notificationpreference", "telegramlink", "broadcast"]
)
def test_changelists_render(staff_client, model):
    NotificationLogFactory(channel="sms", status="failed", error="Eskiz 503")
    TelegramLinkFactory()
    response = staff_client.get(f"/admin/notifications/{model}/")
    assert response.status_code == 200


def test_log_filters(staff_client):
    NotificationLogFactory(channel="sms", status="failed")
    NotificationLogFactory(channel="sms", status="sent")
    NotificationLogFactory(channel="telegram", status="failed")
    response = staff_client.get(
        "/admin/notifications/notificationlog/", {"status__exact": "failed", "channel__exact": "sms"}
    )
    assert response.status_code == 200
    # a large table: pages without a total (core.admin_perf.LargeTableMixin), so count the rows shown
    assert len(response.context["cl"].result_list) == 1


def test_resend_action_requeues_failed_only(staff_client, run_on_commit, settings):
    settings.TELEGRAM_BOT_TOKEN = ""  # the resent one is then skipped: proves it was attempted again
    failed = NotificationLogFactory(status="failed", error="boom", attempts=5)
    sent = NotificationLogFactory(status="sent", notification=NotificationFactory())
    with run_on_commit():
        response = staff_client.post(
            "/admin/notifications/notificationlog/",
            {"action": "resend", "_selected_action": [failed.pk, sent.pk]},
        )
    assert response.status_code == 302
    failed.refresh_from_db()
    sent.refresh_from_db()
    assert failed.status == NotificationLog.Status.SKIPPED and failed.attempts == 1
    assert sent.status == NotificationLog.Status.SENT


def test_seed_sends_the_welcome_once(db):
    import io

    from modules.notifications import seed
    from modules.notifications.models import Broadcast, Notification
    from tests.factories.accounts import AdminFactory, StudentFactory

    admin = AdminFactory(email="admin@demo.markaz.uz")
    student = StudentFactory()
    seed.seed(io.StringIO())
    seed.seed(io.StringIO())
    assert Broadcast.objects.filter(sender=admin).count() == 1
    note = Notification.objects.get(user=student)
    assert note.title == "Welcome to Markaz" and note.read_at is None
