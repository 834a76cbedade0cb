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
    with transaction.atomic():
        ids = _flip_and_record(today)
        if not ids:
            return OverdueResult(0, [])
        signals.payment_overdue.send(
            sender=Payment, event=signals.PaymentsOverdue(payment_ids=tuple(ids)), payment_ids=ids
        )
        # The events fan out from the worker in batches: the run stays one short transaction
        # even when it flips 100,000 invoices.
        for start in range(0, len(ids), EVENT_BATCH):
            enqueue(
                "modules.payments.tasks.publish_status_events", ids[start : start + EVENT_BATCH], "pending"
            )
    return OverdueResult(len(ids), ids)


def _flip_and_record(today: date) -> list[int]:
    """One set-based UPDATE of every late pending invoice, and one history row for each. A concurrent
    confirm that committed first is simply no longer pending."""
    payments, history = Payment._meta.db_table, PaymentHistory._meta.db_table
    now = timezone.now()
    reason = f"not paid by the due date (checked {today.isoformat()})"
    flip = (
        f"UPDATE {payments} SET status = %s, updated_at = %s WHERE status = %s AND due_date < %s RETURNING id"
    )
    flip_params = [Payment.Status.OVERDUE, now, Payment.Status.PENDING, today]
    columns = "payment_id, from_status, to_status, actor_id, source, reason, created_at"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # the history rows are written by the same statement, inside the database
            cursor.execute(
                f"WITH flipped AS ({flip}), recorded AS ("
                f"INSERT INTO {history} ({columns}) SELECT id, %s, %s, NULL, 'system', %s, %s FROM flipped"
                f") SELECT id FROM flipped",
                [*flip_params, Payment.Status.PENDING, Payment.Status.OVERDUE, reason, now],
            )
            return sorted(row[0] for row in cursor.fetchall())
        cursor.execute(flip, flip_params)
        ids = sorted(row[0] for row in cursor.fetchall())
        cursor.executemany(
            f"INSERT INTO {history} ({columns}) VALUES (%s, %s, %s, NULL, 'system', %s, %s)",
            [(pk, Payment.Status.PENDING, Payment.Status.OVERDUE, reason, now) for pk in ids],
        )
        return ids


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
            signals.payment_due_soon.send(
                sender=Payment,
                event=signals.PaymentDueSoon(payment.pk, payment.student_id, days),
                payment=payment,
                days=days,
            )
    except IntegrityError:  # another run marked it first
        return False
    return True
