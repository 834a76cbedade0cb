"""Every write of the notifications module: the API, the admin, tasks and receivers share these."""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import Conflict, NotFound, PermissionDenied, ValidationFailed
from core.tasks import enqueue
from modules.accounts.models import User
from modules.courses.branches import branch_ids_of
from modules.notifications import audiences, catalog, sms_callback
from modules.notifications.dispatch import Outgoing, notify, schedule_deliveries
from modules.notifications.kinds import Channel, Kind
from modules.notifications.models import (
    Broadcast,
    Notification,
    NotificationLog,
    NotificationPreference,
    TelegramLink,
    TelegramLinkToken,
)
from modules.notifications.providers import ProviderDisabled, telegram

logger = logging.getLogger("markaz.notifications")

TELEGRAM_LINK_TTL = timedelta(minutes=15)


# --- in-app ---------------------------------------------------------------------------------------


def notification_mark_read(*, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def preferences_update(*, user, items: list[dict]) -> None:
    for item in items:
        NotificationPreference.objects.update_or_create(
            user=user, kind=item["kind"], channel=item["channel"], defaults={"enabled": item["enabled"]}
        )


# --- Telegram linking -----------------------------------------------------------------------------


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def telegram_link_create(*, user) -> tuple[str, int]:
    """A one-time deep link t.me/<bot>?start=<token> (43 url-safe chars, within Telegram's 64)."""
    from django.conf import settings

    if not telegram.enabled() or not settings.TELEGRAM_BOT_USERNAME:
        raise ProviderDisabledError()
    raw = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        TelegramLinkToken.objects.filter(user=user, used_at__isnull=True).update(used_at=now)
        TelegramLinkToken.objects.create(user=user, token_hash=_hash(raw), expires_at=now + TELEGRAM_LINK_TTL)
    return f"https://t.me/{settings.TELEGRAM_BOT_USERNAME}?start={raw}", int(
        TELEGRAM_LINK_TTL.total_seconds()
    )


class ProviderDisabledError(Conflict):
    def __init__(self):
        super().__init__(_("Telegram is not configured on this server."), code="provider_disabled")


def telegram_unlink(*, user) -> None:
    deleted, _by_model = TelegramLink.objects.filter(user=user).delete()
    if not deleted:
        raise NotFound(_("No Telegram chat is linked."), code="not_linked")


def telegram_webhook_handle(*, update: dict) -> dict:
    """Handles one Telegram update; returns the reply to send back in the webhook's answer ({} for none).
    `/start <token>` links the chat; a repeated delivery of the same update answers the same welcome."""
    message = _object(update.get("message")) or _object(update.get("edited_message"))
    chat = _object(message.get("chat"))
    sender = _object(message.get("from"))
    text = _text(message.get("text")).strip()
    chat_id = chat.get("id")
    if not _is_chat_id(chat_id) or chat.get("type", "private") != "private":
        return {}
    language = _text(sender.get("language_code"))[:2]
    if not text.startswith("/start"):
        return _reply(chat_id, catalog.module_for(language).TELEGRAM_HELP)
    raw = text.partition(" ")[2].strip()
    user = _telegram_link_consume(raw, chat_id, _text(sender.get("username"))) if raw else None
    if user is None:
        return _reply(
            chat_id,
            catalog.module_for(language).TELEGRAM_BAD_LINK
            if raw
            else catalog.module_for(language).TELEGRAM_HELP,
        )
    return _reply(chat_id, catalog.module_for(user.language).TELEGRAM_WELCOME.format(name=user.first_name))


# A malformed update (a field of the wrong type, a NUL) is answered like an empty one: Telegram
# would redeliver an update that failed, forever.
def _object(value) -> dict:
    return value if isinstance(value, dict) else {}


def _text(value) -> str:
    return value.replace("\x00", "") if isinstance(value, str) else ""


def _is_chat_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and -(2**63) <= value < 2**63


def _reply(chat_id: int, text: str) -> dict:
    return {"method": "sendMessage", "chat_id": chat_id, "text": text}


@transaction.atomic
def _telegram_link_consume(raw: str, chat_id: int, username: str):
    token = (
        TelegramLinkToken.objects.select_for_update()
        .select_related("user")
        .filter(token_hash=_hash(raw))
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    if token.used_at is not None:
        # Telegram redelivers updates it thinks failed: the same chat pressing the same link is fine.
        linked = TelegramLink.objects.filter(user=token.user, chat_id=chat_id).exists()
        return token.user if linked else None
    if token.expires_at <= timezone.now():
        return None
    token.used_at = timezone.now()
    token.save(update_fields=["used_at"])
    TelegramLink.objects.update_or_create(
        user=token.user,
        defaults={"chat_id": chat_id, "username": (username or "")[:64], "linked_at": timezone.now()},
    )
    return token.user


# --- Eskiz delivery reports -----------------------------------------------------------------------


def sms_delivery_report(*, request_id: str, status: str, status_date: str = "") -> NotificationLog:
    """Applies an Eskiz callback to the log with that request id. Repeats change nothing."""
    log = NotificationLog.objects.filter(channel=Channel.SMS, provider_message_id=request_id).first()
    if not request_id or log is None:
        raise NotFound(_("Unknown request id."))
    status = (status or "").upper()
    fields: dict = {"provider_status": status, "updated_at": timezone.now()}
    if status in sms_callback.DELIVERED:
        fields.update(
            status=NotificationLog.Status.DELIVERED, delivered_at=_parse(status_date) or timezone.now()
        )
    elif status in sms_callback.FAILED:
        fields.update(status=NotificationLog.Status.FAILED, error=f"Eskiz reported {status}")
    # A late progress report never downgrades a final state.
    final = [NotificationLog.Status.DELIVERED, NotificationLog.Status.FAILED]
    NotificationLog.objects.filter(pk=log.pk).exclude(status__in=final).update(**fields)
    log.refresh_from_db()
    return log


def _parse(value: str) -> datetime | None:
    from django.utils.dateparse import parse_datetime

    try:
        parsed = parse_datetime(value) if value else None
    except ValueError:
        return None
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


# --- broadcasts -----------------------------------------------------------------------------------


def _check_broadcast_group(sender, group_id: int) -> None:
    """The group must be the sender's to see: a branch admin naming another branch's group is a
    422 `branch_forbidden`, like any body naming another branch's object."""
    from modules.courses.selectors import visible_group_ref

    group = visible_group_ref(sender, group_id)
    if sender.role == "teacher" and group.teacher_id != sender.pk:
        raise PermissionDenied(_("You can only announce to groups you teach."))


def broadcast_create(
    *,
    sender,
    title: str,
    body: str,
    group_id: int | None,
    roles: list[str] | None,
    channels: list[str] | None,
) -> Broadcast:
    """Stores the announcement and queues its fan-out; the recipient count is known at once."""
    if sender.role != "admin":
        if sender.role != "teacher":
            raise PermissionDenied(_("Only staff can send announcements."))
        if group_id is None:
            raise ValidationFailed.field("group_id", _("Teachers announce to one of their own groups."))
    if group_id is not None:
        _check_broadcast_group(sender, group_id)
    audience = audiences.broadcast_audience(
        sender_id=sender.pk, group_id=group_id, roles=roles, branch_ids=branch_ids_of(sender)
    )
    with transaction.atomic():
        broadcast = Broadcast.objects.create(
            sender=sender,
            title=title,
            body=body,
            group_id=group_id,
            roles=sorted(set(roles or [])),
            channels=sorted(set(channels or [])),
            recipients=audience.count(),
        )
        enqueue("modules.notifications.tasks.fan_out_broadcast", broadcast.pk)
    return broadcast


@transaction.atomic
def broadcast_fan_out(*, broadcast_id: int) -> int:
    """Creates every recipient's notification and delivery logs in bulk. Runs once: the row lock and
    the status make a retried task a no-op."""
    broadcast = Broadcast.objects.select_for_update().filter(pk=broadcast_id).first()
    if broadcast is None or broadcast.status == Broadcast.Status.SENT:
        return 0
    # the sender's branches as they are now (a task reads current state): a branch admin's
    # announcement reaches only the people of their branches
    sender = User.objects.filter(pk=broadcast.sender_id).first() if broadcast.sender_id else None
    users = list(
        audiences.broadcast_audience(
            sender_id=broadcast.sender_id,
            group_id=broadcast.group_id,
            roles=broadcast.roles,
            branch_ids=branch_ids_of(sender) if sender is not None else None,
        )
    )
    context = {"title": broadcast.title, "body": broadcast.body}
    data = {"broadcast_id": broadcast.pk, "group_id": broadcast.group_id}
    notify(
        kind=Kind.BROADCAST,
        outgoing=[Outgoing(user, context, data) for user in users],
        broadcast=broadcast,
        only_channels=set(broadcast.channels) or None,
    )
    broadcast.status = Broadcast.Status.SENT
    broadcast.recipients = len(users)
    broadcast.fanned_out_at = timezone.now()
    broadcast.save(update_fields=["status", "recipients", "fanned_out_at"])
    return len(users)


# --- deliveries -----------------------------------------------------------------------------------


def log_resend(*, log: NotificationLog) -> bool:
    """Admin action: a failed or skipped delivery goes out again (a sent one is never resent)."""
    if log.status not in (NotificationLog.Status.FAILED, NotificationLog.Status.SKIPPED):
        return False
    with transaction.atomic():
        now = timezone.now()
        updated = NotificationLog.objects.filter(pk=log.pk, status=log.status).update(
            status=NotificationLog.Status.QUEUED, attempts=0, next_attempt_at=now, error="", updated_at=now
        )
        if updated:
            log.refresh_from_db()
            schedule_deliveries([log], now)
    return bool(updated)


def account_email_deliver(*, user, kind: str, link: str) -> bool:
    """Sends an account email (reset, verification) now, in the user's language, logging it. Returns
    False when it could not be sent, so accounts falls back to its own mailer (and its task retries)."""
    from modules.notifications.providers import DeliveryError
    from modules.notifications.providers import email as email_provider

    if not user.email:
        return False
    text = catalog.render(kind, user.language, {"name": user.first_name, "link": link})
    body = email_provider.render_email(
        language=user.language, name=user.first_name, title="", body=text.body, framed=False
    )
    log = NotificationLog.objects.create(
        user=user,
        kind=kind,
        channel=Channel.EMAIL,
        recipient=user.email,
        status=NotificationLog.Status.SENDING,
        attempts=1,
    )
    try:
        message_id = email_provider.send_email(to=user.email, subject=text.title, text=body)
    except (DeliveryError, ProviderDisabled) as exc:
        NotificationLog.objects.filter(pk=log.pk).update(
            status=NotificationLog.Status.FAILED, error=str(exc), updated_at=timezone.now()
        )
        logger.warning("account email %s to user %s failed: %s", kind, user.pk, exc)
        return False
    now = timezone.now()
    NotificationLog.objects.filter(pk=log.pk).update(
        status=NotificationLog.Status.SENT, sent_at=now, provider_message_id=message_id, updated_at=now
    )
    return True
