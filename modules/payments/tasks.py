"""django-q2 tasks (ids in, never objects). Periodic ones are declared in jobs.py."""

from __future__ import annotations

from django.db import transaction

from modules.payments import billing, overdue
from modules.payments.branches import branches_of_invoices
from modules.payments.events import publish_payment_updated
from modules.payments.membership_billing import membership_billing_sync
from modules.payments.models import Payment


def generate_invoices() -> dict:
    result = billing.generate_invoices()
    return {"created": result.created, "skipped": result.skipped, "closed": result.closed}


def sync_membership_billing(membership_id: int, change: str) -> dict:
    """Opens, closes or credits billing after a membership change (idempotent)."""
    return membership_billing_sync(membership_id=membership_id, change=change)


def mark_payments_overdue() -> int:
    return overdue.mark_payments_overdue().count


def send_payment_reminders() -> dict:
    return overdue.send_due_reminders()


def publish_status_events(payment_ids: list[int], previous_status: str | None) -> int:
    """`payment.updated` for invoices a set-based change touched (see overdue.py)."""
    with transaction.atomic():
        payments = Payment.objects.filter(pk__in=payment_ids).only(
            "id",
            "student_id",
            "group_id",
            "amount",
            "currency",
            "status",
            "due_date",
            "period",
            "paid_at",
            "method",
        )
        payments = list(payments)
        branches = branches_of_invoices(payments)
        count = 0
        for payment in payments:
            publish_payment_updated(payment, previous_status, branches[payment.pk])
            count += 1
    return count


def apply_student_balance(student_id: int) -> int:
    """Apply what the student's balance holds to their open invoices (idempotent: a second run finds
    nothing left to apply)."""
    from modules.payments import balance

    return balance.balance_apply(student_id=student_id)


def apply_balances() -> int:
    """The periodic sweep after invoice generation: every student with money on the balance and an
    open invoice."""
    from modules.payments import balance
    from modules.payments.ledger_models import StudentBalance

    open_students = Payment.objects.filter(status__in=Payment.PAYABLE).values("student_id")
    students = StudentBalance.objects.filter(balance__gt=0, student_id__in=open_students).values_list(
        "student_id", flat=True
    )
    return sum(balance.balance_apply(student_id=sid) for sid in students.iterator())
