"""Daily status work: pending invoices past their due date become overdue (one set-based UPDATE),
and reminders go out 3 and 1 days before the due date, once per invoice and distance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from core.tasks import enqueue
from modules.payments import signals
from modules.payments.models import Payment, PaymentHistory, PaymentReminder

REMINDER_DAYS = (3, 1)
EVENT_BATCH = 500


@dataclass
class OverdueResult:
    count: int
    ids: list[int]


def mark_payments_overdue(*, today: date | None = None) -> OverdueResult:
    today = today or timezone.localdate()
    table = Payment._meta.db_table
    with transaction.atomic():
        with connection.cursor() as cursor:
            # One statement flips them all and says which it flipped; a concurrent confirm that
            # committed first is simply no longer pending.
            cursor.execute(
                f"UPDATE {table} SET status = %s, updated_at = %s WHERE status = %s AND due_date < %s RETURNING id",
                [Payment.Status.OVERDUE, timezone.now(), Payment.Status.PENDING, today],
            )
            ids = sorted(row[0] for row in cursor.fetchall())
        if not ids:
            return OverdueResult(0, [])
        PaymentHistory.objects.bulk_create(
            [
                PaymentHistory(
                    payment_id=pk,
                    from_status=Payment.Status.PENDING,
                    to_status=Payment.Status.OVERDUE,
                    source="system",
                    reason=f"not paid by the due date (checked {today.isoformat()})",
                )
                for pk in ids
            ],
            batch_size=5000,
        )
        signals.payment_overdue.send(sender=Payment, payment_ids=ids)
        # The events fan out from the worker in batches: the run stays one short transaction
        # even when it flips 100,000 invoices.
        for start in range(0, len(ids), EVENT_BATCH):
            enqueue(
                "modules.payments.tasks.publish_status_events", ids[start : start + EVENT_BATCH], "pending"
            )
    return OverdueResult(len(ids), ids)


def send_due_reminders(*, today: date | None = None) -> dict[int, int]:
    today = today or timezone.localdate()
    sent: dict[int, int] = {}
    for days in REMINDER_DAYS:
        due = today + timedelta(days=days)
        candidates = (
            Payment.objects.filter(status=Payment.Status.PENDING, due_date=due)
            .exclude(reminders__days=days)
            .select_related("student", "group")
        )
        sent[days] = 0
        for payment in candidates.iterator(chunk_size=500):
            if _remind_once(payment, days):
                sent[days] += 1
    return sent


def _remind_once(payment: Payment, days: int) -> bool:
    try:
        with transaction.atomic():
            PaymentReminder.objects.create(payment=payment, days=days)
            signals.payment_due_soon.send(sender=Payment, payment=payment, days=days)
    except IntegrityError:  # another run marked it first
        return False
    return True
