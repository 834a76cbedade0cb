"""Worker tasks. Thin: each loads ids and calls one service. All idempotent (see delivery.claim)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from modules.notifications import delivery, services
from modules.notifications.dispatch import CHUNK
from modules.notifications.models import NotificationLog

SWEEP_LIMIT = 5000
# Fresh logs have their own task queued at creation; the sweeper leaves them that long before
# treating them as lost.
FRESH_GRACE = timedelta(minutes=2)


def react(reaction: str, **ids) -> int:
    """A reaction to another module's event (receivers enqueue it with ids): builds and stores the
    notifications from the current state in one transaction, their deliveries queued with it. A rerun
    finds every (kind, source, recipient) key taken and stores nothing. Returns how many it stored."""
    from django.db import transaction

    from modules.notifications.reactions import attendance, gamification, homework, lessons, payments

    handlers = {
        "attendance_marked": attendance.attendance_marked,
        "lesson_changed": lessons.lesson_changed,
        "homework_assigned": homework.homework_assigned,
        "homework_reviewed": homework.homework_reviewed,
        "homework_deadline": homework.homework_deadline,
        "achievement_awarded": gamification.achievement_awarded,
        "reward_redeemed": gamification.reward_redeemed,
        "payments": lambda *, which, payment_ids, **extra: payments.notify_payments(
            payments.REACTIONS[which], payment_ids, **extra
        ),
    }
    with transaction.atomic(durable=True):
        return handlers[reaction](**ids)


def send_telegram_notification(log_id: int) -> str | None:
    return delivery.deliver(log_id)


def send_sms_notification(log_id: int) -> str | None:
    return delivery.deliver(log_id)


def send_email_notification(log_id: int) -> str | None:
    return delivery.deliver(log_id)


def deliver_logs(log_ids: list[int]) -> dict[str, int]:
    """A chunk of deliveries (broadcast fan-outs and the sweeper)."""
    return delivery.deliver_many(list(log_ids))


def deliver_broadcast_shard(broadcast_id: int, shard: int, shards: int) -> int:
    """Sends the next chunk of a broadcast's due deliveries whose id falls in this shard, then queues
    itself again if a full chunk was found. Short tasks (well under the cluster's timeout) with a
    constant number of them queued by the fan-out; anything left over is caught by the sweeper."""
    from django.db.models import F
    from django.db.models.functions import Mod

    from core.tasks import enqueue

    ids = list(
        NotificationLog.objects.filter(
            notification__broadcast_id=broadcast_id,
            status=NotificationLog.Status.QUEUED,
            next_attempt_at__lte=timezone.now(),
        )
        .annotate(shard=Mod(F("id"), shards))
        .filter(shard=shard)
        .order_by("id")
        .values_list("pk", flat=True)[:CHUNK]
    )
    delivery.deliver_many(ids)
    if len(ids) == CHUNK:
        enqueue("modules.notifications.tasks.deliver_broadcast_shard", broadcast_id, shard, shards)
    return len(ids)


def dispatch_due_deliveries() -> int:
    """Every minute: queue what is due — retries whose backoff passed, messages held by quiet hours —
    and record claims of crashed workers that expired as failed (outcome unknown: never re-sent).
    django-q2 cannot delay a task, so delays live in NotificationLog.next_attempt_at and this sweep
    turns them into tasks."""
    from core.tasks import enqueue

    now = timezone.now()
    delivery.fail_abandoned(now)
    ids = list(
        NotificationLog.objects.filter(delivery.claimable(now))
        .exclude(attempts=0, created_at__gt=now - FRESH_GRACE)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:SWEEP_LIMIT]
    )
    for start in range(0, len(ids), CHUNK):
        enqueue("modules.notifications.tasks.deliver_logs", ids[start : start + CHUNK])
    return len(ids)


def fan_out_broadcast(broadcast_id: int) -> int:
    return services.broadcast_fan_out(broadcast_id=broadcast_id)
