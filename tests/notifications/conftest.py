"""Fixtures for notification tests: local HTTP servers standing in for Telegram and Eskiz (our real
httpx clients talk to them), quiet hours off unless a test turns them on, and a helper to make a
queued log due again without sleeping."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.utils import timezone

from modules.center.models import SystemSettings
from modules.notifications.models import NotificationLog

BOT_TOKEN = "123456:TEST-token"


@pytest.fixture(autouse=True)
def center_settings(db):
    """Quiet hours off (start == end) so results never depend on the hour the suite runs at."""
    row, _ = SystemSettings.objects.get_or_create(pk=1)
    row.quiet_hours_start = row.quiet_hours_end = time(0, 0)
    row.save()
    return row


@pytest.fixture
def telegram_api(httpserver, settings):
    settings.TELEGRAM_BOT_TOKEN = BOT_TOKEN
    settings.TELEGRAM_BOT_USERNAME = "markaz_test_bot"
    settings.TELEGRAM_API_BASE = httpserver.url_for("").rstrip("/")
    settings.TELEGRAM_WEBHOOK_SECRET = "s3cret-webhook"
    settings.TELEGRAM_MAX_PER_SECOND = 0
    return httpserver


@pytest.fixture
def eskiz_api(httpserver, settings):
    settings.ESKIZ_EMAIL = "center@example.uz"
    settings.ESKIZ_PASSWORD = "eskiz-pass"
    settings.ESKIZ_BASE_URL = httpserver.url_for("/api")
    settings.ESKIZ_CALLBACK_URL = "https://markaz.example.uz/api/v1/notifications/sms/callback"
    return httpserver


SEND_PATH = f"/bot{BOT_TOKEN}/sendMessage"


def tg_ok(message_id: int = 1) -> dict:
    return {"ok": True, "result": {"message_id": message_id, "chat": {"id": 1}, "text": "x"}}


def make_due(log: NotificationLog) -> None:
    """Moves a held or backed-off delivery's time to now (instead of waiting for it)."""
    NotificationLog.objects.filter(pk=log.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))


def sent_requests(httpserver, path: str) -> list:
    return [req for req, _ in httpserver.log if req.path == path]
