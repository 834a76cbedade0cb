"""`payment.updated` on `user:<student id>` and `dashboard`, sent after commit on every status change.

The payload is compact (ids, amount, statuses): a bulk change such as the overdue run sends one per
invoice, and clients fetch `GET /payments/{id}` when they need the full invoice."""

from __future__ import annotations

from realtime import publish_on_commit

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


def publish_payment_updated(payment, previous_status: str | None) -> None:
    data = payment_event_data(payment, previous_status)
    publish_on_commit(channel=f"user:{payment.student_id}", type=EVENT, data=data)
    publish_on_commit(channel="dashboard", type=EVENT, data=data)
