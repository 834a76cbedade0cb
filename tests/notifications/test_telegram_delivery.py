"""Telegram deliveries through our real httpx client against a local server playing the Bot API."""

from __future__ import annotations

import json
import threading
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from modules.notifications import delivery, tasks
from modules.notifications.models import NotificationLog, TelegramLink
from tests.factories.notifications import NotificationLogFactory, TelegramLinkFactory
from tests.notifications.conftest import SEND_PATH, make_due, sent_requests, tg_ok

Status = NotificationLog.Status


@pytest.fixture
def tg_log(db):
    link = TelegramLinkFactory(chat_id=4242)
    return NotificationLogFactory(
        notification__user=link.user,
        notification__title="Lesson <moved>",
        channel="telegram",
        recipient="4242",
    )


def test_success_sends_html_once_and_records_message_id(telegram_api, tg_log):
    telegram_api.expect_request(SEND_PATH, method="POST").respond_with_json(tg_ok(777))

    assert tasks.send_telegram_notification(tg_log.pk) == Status.SENT

    tg_log.refresh_from_db()
    assert (tg_log.status, tg_log.provider_message_id, tg_log.attempts) == (Status.SENT, "777", 1)
    assert tg_log.sent_at is not None and tg_log.claimed_until is None
    payload = json.loads(sent_requests(telegram_api, SEND_PATH)[0].data)
    assert payload["chat_id"] == "4242"
    assert payload["parse_mode"] == "HTML"
    assert payload["text"].startswith("<b>Lesson &lt;moved&gt;</b>")


def test_a_sent_log_is_never_sent_again(telegram_api, tg_log, run_on_commit):
    telegram_api.expect_request(SEND_PATH).respond_with_json(tg_ok())
    tasks.send_telegram_notification(tg_log.pk)
    # The task re-run by the queue, the sweeper and a chunk task: all no-ops.
    assert tasks.send_telegram_notification(tg_log.pk) is None
    tasks.deliver_logs([tg_log.pk])
    make_due(tg_log)
    with run_on_commit():
        assert tasks.dispatch_due_deliveries() == 0
    assert len(sent_requests(telegram_api, SEND_PATH)) == 1


def test_429_waits_for_retry_after_then_succeeds(telegram_api, tg_log):
    telegram_api.expect_ordered_request(SEND_PATH).respond_with_json(
        {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 17",
            "parameters": {"retry_after": 17},
        },
        status=429,
    )
    telegram_api.expect_ordered_request(SEND_PATH).respond_with_json(tg_ok(9))
    before = timezone.now()

    assert tasks.send_telegram_notification(tg_log.pk) == Status.QUEUED
    tg_log.refresh_from_db()
    wait = (tg_log.next_attempt_at - before).total_seconds()
    assert 16.5 <= wait <= 19, wait
    assert "429" in tg_log.error
    assert tasks.send_telegram_notification(tg_log.pk) is None  # not due yet: nothing is sent

    make_due(tg_log)
    assert tasks.send_telegram_notification(tg_log.pk) == Status.SENT
    tg_log.refresh_from_db()
    assert (tg_log.attempts, tg_log.provider_message_id, tg_log.error) == (2, "9", "")
    assert len(sent_requests(telegram_api, SEND_PATH)) == 2


def test_5xx_backs_off_then_succeeds(telegram_api, tg_log, run_on_commit):
    telegram_api.expect_ordered_request(SEND_PATH).respond_with_data("bad gateway", status=502)
    telegram_api.expect_ordered_request(SEND_PATH).respond_with_json(tg_ok(10))
    before = timezone.now()

    assert tasks.send_telegram_notification(tg_log.pk) == Status.QUEUED
    tg_log.refresh_from_db()
    assert (tg_log.next_attempt_at - before).total_seconds() >= delivery.BACKOFF_BASE - 1
    make_due(tg_log)
    with run_on_commit():
        assert tasks.dispatch_due_deliveries() == 1  # the sweeper picks up the retry
    tg_log.refresh_from_db()
    assert tg_log.status == Status.SENT and tg_log.attempts == 2


def test_transient_failures_give_up_after_the_limit(telegram_api, tg_log, settings):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    telegram_api.expect_request(SEND_PATH).respond_with_data("oops", status=500)
    for _ in range(3):
        make_due(tg_log)
        tasks.send_telegram_notification(tg_log.pk)
    tg_log.refresh_from_db()
    assert tg_log.status == Status.FAILED and tg_log.attempts == 3
    assert "gave up after 3 attempts" in tg_log.error
    make_due(tg_log)
    assert tasks.send_telegram_notification(tg_log.pk) is None
    assert len(sent_requests(telegram_api, SEND_PATH)) == 3


def test_backoff_doubles_and_is_capped():
    assert [delivery.backoff(n) for n in (1, 2, 3)] == [30, 60, 120]
    assert delivery.backoff(30) == delivery.BACKOFF_MAX


def test_403_unlinks_the_chat_and_does_not_retry(telegram_api, tg_log):
    telegram_api.expect_request(SEND_PATH).respond_with_json(
        {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}, status=403
    )
    waiting = NotificationLogFactory(notification__user=tg_log.user, channel="telegram", recipient="4242")
    assert tasks.send_telegram_notification(tg_log.pk) == Status.FAILED
    tg_log.refresh_from_db()
    assert "blocked" in tg_log.error and "unlinked" in tg_log.error
    waiting.refresh_from_db()
    assert waiting.status == Status.SKIPPED  # not sent into the same wall again
    assert not TelegramLink.objects.filter(user=tg_log.user).exists()
    make_due(tg_log)
    assert tasks.send_telegram_notification(tg_log.pk) is None
    assert tasks.send_telegram_notification(waiting.pk) is None
    assert len(sent_requests(telegram_api, SEND_PATH)) == 1


def test_chat_not_found_is_permanent(telegram_api, tg_log):
    telegram_api.expect_request(SEND_PATH).respond_with_json(
        {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}, status=400
    )
    assert tasks.send_telegram_notification(tg_log.pk) == Status.FAILED
    assert not TelegramLink.objects.filter(user=tg_log.user).exists()


def test_connection_refused_is_transient(settings, tg_log):
    settings.TELEGRAM_BOT_TOKEN = "1:x"
    settings.TELEGRAM_API_BASE = "http://127.0.0.1:9"  # discard port: nothing listens
    settings.TELEGRAM_MAX_PER_SECOND = 0
    assert tasks.send_telegram_notification(tg_log.pk) == Status.QUEUED
    tg_log.refresh_from_db()
    assert "network error" in tg_log.error


def test_disabled_provider_is_logged_as_skipped(settings, tg_log):
    settings.TELEGRAM_BOT_TOKEN = ""
    assert tasks.send_telegram_notification(tg_log.pk) == Status.SKIPPED
    tg_log.refresh_from_db()
    assert "not configured" in tg_log.error


def test_a_killed_worker_never_resends_the_message_in_flight(telegram_api, tg_log):
    """Issue 16 row 11: a worker killed during the call left a claim that the sweeper handed out
    again, so the message (possibly delivered) went out a second time. An expired claim is recorded
    as failed, outcome unknown, and never sent again."""
    telegram_api.expect_request(SEND_PATH).respond_with_json(tg_ok())
    NotificationLog.objects.filter(pk=tg_log.pk).update(
        status=Status.SENDING, claimed_until=timezone.now() - timedelta(seconds=1)
    )
    assert tasks.send_telegram_notification(tg_log.pk) is None
    tasks.dispatch_due_deliveries()
    tg_log.refresh_from_db()
    assert tg_log.status == Status.FAILED and "outcome unknown" in tg_log.error
    assert tasks.send_telegram_notification(tg_log.pk) is None
    assert sent_requests(telegram_api, SEND_PATH) == []


def test_telegram_slower_than_our_timeout_sends_the_message_once(telegram_api, tg_log, monkeypatch):
    """Issue 16 row 11: a Telegram that answers after our read timeout has still delivered the
    message; retrying sent it 2-3 times. No answer after the request went out means sent, unconfirmed."""
    from werkzeug import Response

    from modules.notifications import providers

    monkeypatch.setattr(providers, "READ_TIMEOUT", 0.2)
    monkeypatch.setattr(providers._local, "client", None, raising=False)
    release = threading.Event()

    def slow(request):
        release.wait(2)  # answers only after our client gave up
        return Response(json.dumps(tg_ok()), content_type="application/json")

    telegram_api.expect_request(SEND_PATH).respond_with_handler(slow)
    try:
        assert tasks.send_telegram_notification(tg_log.pk) == Status.SENT
    finally:
        release.set()
        providers._local.client = None
    tg_log.refresh_from_db()
    assert tg_log.status == Status.SENT and tg_log.error.startswith("unconfirmed")
    make_due(tg_log)
    tasks.dispatch_due_deliveries()
    assert tasks.send_telegram_notification(tg_log.pk) is None
    deadline = time.monotonic() + 5  # the fake logs the request once its (released) handler returns
    while not sent_requests(telegram_api, SEND_PATH) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(sent_requests(telegram_api, SEND_PATH)) == 1


def test_provider_timeouts_fit_a_delivery_task_in_the_task_timeout(settings):
    """Issue 16 row 11: a 100-message task at 10 s per call could never finish in 120 s."""
    from modules.notifications import providers
    from modules.notifications.dispatch import CHUNK

    worst_call = providers.READ_TIMEOUT + providers.CONNECT_TIMEOUT
    assert worst_call * CHUNK < settings.Q_CLUSTER["timeout"]
    assert delivery.SEND_BUDGET + worst_call < settings.Q_CLUSTER["timeout"]


def test_a_delivery_task_stops_claiming_past_its_budget(telegram_api, monkeypatch):
    """Past the budget the rest stays queued and unclaimed (for the next task), never half-sent."""
    telegram_api.expect_request(SEND_PATH).respond_with_json(tg_ok())
    logs = [NotificationLogFactory(channel="telegram", recipient=str(4000 + i)) for i in range(5)]
    clock = iter(range(0, 1000, 25))  # each look at the clock is 25 s later
    monkeypatch.setattr(delivery.time, "monotonic", lambda: next(clock))
    outcome = delivery.deliver_many([log.pk for log in logs])
    assert outcome == {"sent": 2, "left_queued": 3}
    statuses = list(NotificationLog.objects.order_by("pk").values_list("status", flat=True))
    assert statuses == [Status.SENT] * 2 + [Status.QUEUED] * 3


def test_a_live_claim_blocks_other_workers(telegram_api, tg_log):
    NotificationLog.objects.filter(pk=tg_log.pk).update(
        status=Status.SENDING, claimed_until=timezone.now() + delivery.CLAIM
    )
    assert tasks.send_telegram_notification(tg_log.pk) is None
    assert sent_requests(telegram_api, SEND_PATH) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")
@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_send_once(telegram_api):
    link = TelegramLinkFactory(chat_id=5151)
    log = NotificationLogFactory(notification__user=link.user, channel="telegram", recipient="5151")
    telegram_api.expect_request(SEND_PATH).respond_with_json(tg_ok())
    barrier = threading.Barrier(6)
    results = []

    def worker():
        from django.db import connections

        barrier.wait()
        try:
            results.append(delivery.deliver(log.pk))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results, key=str) == [None] * 5 + [Status.SENT] or results.count(Status.SENT) == 1
    assert results.count(Status.SENT) == 1
    assert len(sent_requests(telegram_api, SEND_PATH)) == 1
