"""Sending one NotificationLog through its provider, at most once.

Right before each provider call the worker *claims* that one row with a conditional UPDATE (status
queued and due): only one process can win it, so retries, duplicate tasks and the sweeper never send
a message twice. The provider call runs outside any transaction; the outcome is written afterwards.

Two cases cannot be told apart from a delivered message, so neither is ever sent again:
- no answer after the request went out (OutcomeUnknown: the provider may have delivered it;
  Telegram's sendMessage has no idempotency key, a second call is a second message);
- a claim that expired (the worker died during the call): the sweeper records it as failed with
  the outcome unknown instead of sending it again.
Only errors that prove nothing was sent (connect timeouts, 429, 5xx answers) are retried."""

from __future__ import annotations

import logging
import time
from contextvars import ContextVar
from datetime import timedelta
from html import escape

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from modules.notifications.kinds import Channel
from modules.notifications.models import NotificationLog, TelegramLink
from modules.notifications.providers import (
    ChatGone,
    OutcomeUnknown,
    PermanentError,
    ProviderDisabled,
    TransientError,
    eskiz,
    telegram,
)
from modules.notifications.providers import email as email_provider

logger = logging.getLogger("markaz.notifications")

CLAIM = timedelta(minutes=5)  # far longer than one provider call with its timeouts
# A delivery task stops claiming new messages past this many seconds (the rest stay queued for the
# next task), so it always ends before the cluster's task timeout of 120 s.
SEND_BUDGET = 60.0
BACKOFF_BASE = 30  # seconds; doubles per attempt
BACKOFF_MAX = 3600

Status = NotificationLog.Status


def backoff(attempts: int) -> float:
    return float(min(BACKOFF_BASE * 2 ** max(0, attempts - 1), BACKOFF_MAX))


def claimable(now) -> Q:
    return Q(status=Status.QUEUED, next_attempt_at__lte=now)


def abandoned(now) -> Q:
    """Claims whose worker died during the provider call."""
    return Q(status=Status.SENDING, claimed_until__lt=now)


def fail_abandoned(now=None) -> int:
    """Claims that expired are recorded as failed, outcome unknown: the message may have gone out, and
    sending it again could deliver it twice."""
    now = now or timezone.now()
    return NotificationLog.objects.filter(abandoned(now)).update(
        status=Status.FAILED,
        claimed_until=None,
        error="outcome unknown: the worker stopped during the provider call; not sent again",
        updated_at=now,
    )


def claim(log_id: int) -> NotificationLog | None:
    now = timezone.now()
    won = NotificationLog.objects.filter(claimable(now), pk=log_id).update(
        status=Status.SENDING, claimed_until=now + CLAIM, attempts=F("attempts") + 1, updated_at=now
    )
    if not won:
        return None
    return NotificationLog.objects.select_related("notification", "user").get(pk=log_id)


def deliver(log_id: int) -> str | None:
    """Sends the log's message if it is due and unclaimed; returns the resulting status (None if this
    call did nothing because another worker has it or it is already done)."""
    log = claim(log_id)
    return send_claimed(log) if log is not None else None


def deliver_many(log_ids: list[int], *, budget: float = SEND_BUDGET) -> dict[str, int]:
    """Each log claimed just before its own call (never a batch claimed up front: a worker killed
    mid-batch would leave claimed messages it never sent). The outcome of one message is written in
    the same commit as the claim of the next, so a message costs one commit, not two; a worker that
    dies in between leaves that outcome unwritten, and its claim then expires as "outcome unknown",
    never re-sent. Past `budget` seconds the rest is left queued, untouched, for the next task."""
    outcome: dict[str, int] = {}
    deadline = time.monotonic() + budget
    pending: list = []
    token = _deferred.set(pending)
    try:
        for log_id in log_ids:
            if time.monotonic() > deadline:
                outcome["left_queued"] = outcome.get("left_queued", 0) + 1
                continue
            with transaction.atomic():
                _flush(pending)
                log = claim(log_id)
            status = send_claimed(log) if log is not None else "not_claimed"
            outcome[status] = outcome.get(status, 0) + 1
        with transaction.atomic():
            _flush(pending)
    finally:
        _deferred.reset(token)
    return outcome


# Inside deliver_many, outcomes wait here for the next commit instead of committing on their own.
_deferred: ContextVar[list | None] = ContextVar("notifications_deferred_outcomes", default=None)


def _flush(pending: list) -> None:
    for write in pending:
        write()
    pending.clear()


def send_claimed(log: NotificationLog) -> str:
    """Calls the provider for a log this worker has claimed and records the outcome."""
    try:
        provider_id = _send(log)
    except ProviderDisabled as exc:
        return _finish(log, status=Status.SKIPPED, error=str(exc))
    except OutcomeUnknown as exc:
        return _finish(log, status=Status.SENT, sent_at=timezone.now(), error=f"unconfirmed: {exc}"[:500])
    except ChatGone as exc:
        _unlink_chat(log)
        return _finish(log, status=Status.FAILED, error=f"{exc} (chat unlinked)")
    except PermanentError as exc:
        return _finish(log, status=Status.FAILED, error=str(exc))
    except TransientError as exc:
        return _retry_or_fail(log, exc)
    except Exception as exc:  # a bug must not leave the row claimed forever; it is retried like a 5xx
        logger.exception("delivery of log %s crashed", log.pk)
        return _retry_or_fail(log, TransientError(f"internal error: {exc!r}"))
    now = timezone.now()
    return _finish(log, status=Status.SENT, provider_message_id=provider_id, sent_at=now, error="")


def _unlink_chat(log: NotificationLog) -> None:
    """The chat is gone for good: forget it, and skip what else was waiting for it (a broadcast would
    otherwise hit the same 403 once per queued message)."""
    TelegramLink.objects.filter(user_id=log.user_id, chat_id=int(log.recipient)).delete()
    NotificationLog.objects.filter(
        channel=Channel.TELEGRAM, recipient=log.recipient, status=Status.QUEUED
    ).exclude(pk=log.pk).update(
        status=Status.SKIPPED, error="Telegram chat unlinked after a 403", updated_at=timezone.now()
    )


def _retry_or_fail(log: NotificationLog, exc: TransientError) -> str:
    if log.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS:
        return _finish(log, status=Status.FAILED, error=f"gave up after {log.attempts} attempts: {exc}")
    delay = exc.retry_after if exc.retry_after is not None else backoff(log.attempts)
    return _finish(
        log, status=Status.QUEUED, error=str(exc), next_attempt_at=timezone.now() + timedelta(seconds=delay)
    )


def _finish(log: NotificationLog, *, status: str, **fields) -> str:
    def write():
        NotificationLog.objects.filter(pk=log.pk, status=Status.SENDING).update(
            status=status, claimed_until=None, updated_at=timezone.now(), **fields
        )

    pending = _deferred.get()
    if pending is not None:
        pending.append(write)
    else:
        write()
    return status


def _send(log: NotificationLog) -> str:
    notification = log.notification
    if notification is None:
        raise PermanentError("the notification behind this log no longer exists")
    if log.channel == Channel.TELEGRAM:
        text = f"<b>{escape(notification.title)}</b>\n\n{escape(notification.body)}"
        return telegram.send_message(log.recipient, text)
    if log.channel == Channel.SMS:
        return eskiz.send_sms(log.recipient, sms_text(notification), callback_url=sms_callback_url())
    if log.channel == Channel.EMAIL:
        user = log.user
        text = email_provider.render_email(
            language=user.language if user else None,
            name=user.first_name if user else "",
            title=notification.title,
            body=notification.body,
        )
        return email_provider.send_email(to=log.recipient, subject=notification.title, text=text)
    raise PermanentError(f"unknown channel {log.channel!r}")


def sms_text(notification) -> str:
    return f"{notification.title}\n{notification.body}"[:918]  # six concatenated SMS parts at most


def sms_callback_url() -> str:
    from modules.notifications.sms_callback import callback_url

    return callback_url()
