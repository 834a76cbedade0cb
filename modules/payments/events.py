"""`payment.updated` on `user:<student id>`, `dashboard` and the invoice's branches' `dashboard:<branch
id>` (modules/payments/branches.py says which), sent after commit on every status change.

The payload is compact (ids, amount, statuses): a bulk change such as the overdue run sends one per
invoice, and clients fetch `GET /payments/{id}` when they need the full invoice."""

from __future__ import annotations

from modules.payments.branches import branches_of_invoices
from realtime import publish_on_commit
from realtime.groups import DASHBOARD, dashboard_channels

EVENT = "payment.updated"


def payment_event_data(payment, previous_status: str | None) -> dict:
    return {
        "id": payment.pk,
        "student_id": payment.student_id,
        "group_id": payment.group_id,
        "amount": payment.amount,
        "currency": payment.currency,
        "status": payment.status,
        "previous_status": previous_status,
        "due_date": payment.due_date.isoformat() if payment.due_date else None,
        "period": payment.period.isoformat() if payment.period else None,
        "paid_at": payment.paid_at.isoformat() if payment.paid_at else None,
        "method": payment.method or None,
    }


def publish_payment_updated(
    payment, previous_status: str | None, branch_ids: list[int] | None = None
) -> None:
    """`branch_ids`: the invoice's branches when the caller read them for many invoices at once."""
    data = payment_event_data(payment, previous_status)
    publish_on_commit(channel=f"user:{payment.student_id}", type=EVENT, data=data)
    if branch_ids is None:
        branch_ids = branches_of_invoices([payment])[payment.pk]
    channels = {channel for branch_id in branch_ids for channel in dashboard_channels(branch_id)}
    for channel in sorted(channels or {DASHBOARD}):
        publish_on_commit(channel=channel, type=EVENT, data=data)
