"""Storing notifications and queueing their deliveries: the one path every reaction task and broadcast
takes. A fixed number of bulk queries whatever the number of recipients; the provider calls happen
later, in delivery tasks. An Outgoing with a `source` gets the key "kind:source:recipient": notify
skips every key already stored, so a retried or repeated reaction task notifies nobody twice."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.tasks import enqueue
from modules.accounts.phones import eskiz_phone
from modules.notifications import catalog
from modules.notifications.events import notifications_created
from modules.notifications.kinds import QUIET_CHANNELS, Channel
from modules.notifications.models import Broadcast, Notification, NotificationLog, TelegramLink
from modules.notifications.preferences import channels_for, quiet_until
from modules.notifications.providers import eskiz, telegram

# Up to this many deliveries get a task each (named per channel, visible as such in the admin);
# bigger fan-outs go in chunks so queueing stays a handful of inserts.
SINGLE_TASK_LIMIT = 20
# Deliveries per task: each can take a provider's whole timeout, so a chunk stays well under the
# cluster's task timeout (10 x (5 s read + 3 s connect) = 80 s < 120 s).
CHUNK = 10
# Rows per INSERT: one statement up to this many recipients, well under Postgres' 65,535 parameters.
BATCH = 2000


@dataclass
class Outgoing:
    user: object  # accounts.User: pk, role, language, phone, email
    context: dict
    data: dict = field(default_factory=dict)
    source: str = ""  # what caused it ("lesson:12:student:5"); "" for no idempotency key

    def key(self, kind: str) -> str | None:
        return f"{kind}:{self.source}:{self.user.pk}"[:200] if self.source else None


def notify(
    *,
    kind: str,
    outgoing: Iterable[Outgoing],
    broadcast: Broadcast | None = None,
    only_channels: set[str] | None = None,
) -> list[Notification]:
    candidates = [o for o in outgoing if o.user is not None and o.user.is_active]
    outgoing = _not_sent_yet(kind, candidates)
    if not outgoing:
        return []
    now = timezone.now()
    users = {o.user.pk: o.user for o in outgoing}
    channels = channels_for(users.values(), kind)
    if only_channels is not None:
        channels = {uid: chans & only_channels for uid, chans in channels.items()}
    notifications = [_build(kind, o, channels[o.user.pk], broadcast, now) for o in outgoing]
    if not _stored(notifications):
        # a concurrent run stored some of the same keys first (and has committed them): what is
        # left is what it did not send
        return notify(kind=kind, outgoing=candidates, broadcast=broadcast, only_channels=only_channels)
    # muted in-app: kept as history, never pops up
    notifications_created(n for n in notifications if n.read_at is None)
    logs = _build_logs(notifications, channels, users, now)
    NotificationLog.objects.bulk_create(logs, batch_size=BATCH)
    queued = [log for log in logs if log.status == NotificationLog.Status.QUEUED]
    if broadcast is not None:
        schedule_broadcast(broadcast.pk, now, any(log.next_attempt_at <= now for log in queued))
    else:
        schedule_deliveries(queued, now)
    return notifications


def _stored(notifications: list[Notification]) -> bool:
    """Inserts them; False when another run's row already holds one of their idempotency keys. The
    savepoint is only taken for keyed rows, where that conflict is possible."""
    if not any(n.dedupe_key for n in notifications):
        Notification.objects.bulk_create(notifications, batch_size=BATCH)
        return True
    try:
        with transaction.atomic():
            Notification.objects.bulk_create(notifications, batch_size=BATCH)
    except IntegrityError:
        return False
    return True


def _not_sent_yet(kind: str, outgoing: list[Outgoing]) -> list[Outgoing]:
    """Drops what an earlier run already stored (one query), and duplicates within this call."""
    keys = {o.key(kind) for o in outgoing} - {None}
    taken = (
        set(Notification.objects.filter(dedupe_key__in=keys).values_list("dedupe_key", flat=True))
        if keys
        else set()
    )
    fresh = []
    for item in outgoing:
        key = item.key(kind)
        if key is not None:
            if key in taken:
                continue
            taken.add(key)
        fresh.append(item)
    return fresh


def _build(kind: str, item: Outgoing, channels: set[str], broadcast, now: datetime) -> Notification:
    text = catalog.render(kind, item.user.language, item.context)
    return Notification(
        user=item.user,
        kind=kind,
        title=text.title,
        body=text.body,
        data=item.data,
        broadcast=broadcast,
        dedupe_key=item.key(kind),
        read_at=None if Channel.IN_APP in channels else now,
    )


def _build_logs(notifications, channels, users, now: datetime) -> list[NotificationLog]:
    wanted = {c for chans in channels.values() for c in chans}
    chats = {}
    if Channel.TELEGRAM in wanted:
        chats = _chats(users)
    quiet = quiet_until(now)
    logs = []
    for notification in notifications:
        user = users[notification.user_id]
        for channel in (Channel.TELEGRAM, Channel.SMS, Channel.EMAIL):
            if channel not in channels[user.pk]:
                continue
            recipient, skip_reason = _address(channel, user, chats)
            held = quiet if channel in QUIET_CHANNELS else None
            logs.append(
                NotificationLog(
                    notification=notification,
                    user=user,
                    kind=notification.kind,
                    channel=channel,
                    recipient=recipient,
                    status=NotificationLog.Status.SKIPPED if skip_reason else NotificationLog.Status.QUEUED,
                    error=skip_reason,
                    next_attempt_at=None if skip_reason else (held or now),
                )
            )
    return logs


def _chats(users: dict) -> dict[int, int]:
    """Linked chats: from the `telegram_chat_id` the audiences already joined in, else one query."""
    if all(hasattr(user, "telegram_chat_id") for user in users.values()):
        return {uid: user.telegram_chat_id for uid, user in users.items() if user.telegram_chat_id}
    return dict(TelegramLink.objects.filter(user_id__in=list(users)).values_list("user_id", "chat_id"))


def _address(channel: str, user, chats: dict) -> tuple[str, str]:
    """(recipient address, reason to skip or "")."""
    if channel == Channel.TELEGRAM:
        if not telegram.enabled():
            return "", "provider disabled: Telegram is not configured"
        chat = chats.get(user.pk)
        return (str(chat), "") if chat else ("", "no linked Telegram chat")
    if channel == Channel.SMS:
        if not eskiz.enabled():
            return "", "provider disabled: Eskiz is not configured"
        return eskiz_phone(user.phone), ""
    if not user.email:
        return "", "no email address"
    return user.email, ""


def broadcast_shards() -> int:
    """One delivery chain per worker process: the whole cluster sends in parallel."""
    from django.conf import settings

    return max(1, int(settings.Q_CLUSTER.get("workers", 1)))


def schedule_broadcast(broadcast_id: int, now: datetime, anything_due: bool) -> None:
    """A broadcast queues a fixed number of tasks whatever its size: each shard task sends a chunk of
    its share and queues itself again while work remains (tasks.deliver_broadcast_shard)."""
    if not anything_due:
        return
    shards = broadcast_shards()
    for shard in range(shards):
        enqueue("modules.notifications.tasks.deliver_broadcast_shard", broadcast_id, shard, shards)


def schedule_deliveries(logs: list[NotificationLog], now: datetime | None = None) -> None:
    """Queue the deliveries that are due now (in this transaction); held ones wait for the sweeper."""
    now = now or timezone.now()
    due = [log for log in logs if log.next_attempt_at and log.next_attempt_at <= now]
    if len(due) <= SINGLE_TASK_LIMIT:
        for log in due:
            enqueue(f"modules.notifications.tasks.send_{log.channel}_notification", log.pk)
        return
    ids = [log.pk for log in due]
    for start in range(0, len(ids), CHUNK):
        enqueue("modules.notifications.tasks.deliver_logs", ids[start : start + CHUNK])
