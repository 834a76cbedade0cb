"""`payment.updated` on `user:<student id>`, `dashboard` and the invoice's branches' `dashboard:<branch
id>` (modules/payments/branches.py says which), sent after commit on every status change.

The payload is compact (ids, amount, statuses): a bulk change such as the overdue run sends one per
invoice, and clients fetch `GET /payments/{id}` when they need the full invoice."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from pydantic import BaseModel, Field

from modules.payments.branches import branches_of_invoices
from modules.payments.models import Payment
from modules.payments.schemas import Method, Status
from realtime import event_type, publish_on_commit
from realtime.groups import DASHBOARD, dashboard_channels

EVENT = "payment.updated"


class PaymentUpdatedData(BaseModel):
    id: int
    student_id: int
    group_id: int | None
    amount: int = Field(description="tiyin")
    currency: str
    status: Status
    previous_status: Status | None = Field(description="null for a new invoice")
    due_date: date | None
    period: date | None
    paid_at: datetime | None
    method: Method | None


PAYMENT_UPDATED = event_type(
    EVENT,
    PaymentUpdatedData,
    channels=("user", "dashboard"),
    summary="an invoice changed status (to the student's own channel and the dashboard)",
)


def payment_event_data(payment, previous_status: str | None) -> PaymentUpdatedData:
    return PaymentUpdatedData(
        id=payment.pk,
        student_id=payment.student_id,
        group_id=payment.group_id,
        amount=payment.amount,
        currency=payment.currency,
        status=payment.status,
        previous_status=previous_status or None,
        due_date=payment.due_date,
        period=payment.period,
        paid_at=payment.paid_at,
        method=payment.method or None,
    )


def publish_payment_updated(
    payment, previous_status: str | None, branch_ids: list[int] | None = None
) -> None:
    """`branch_ids`: the invoice's branches when the caller read them for many invoices at once."""
    data = payment_event_data(payment, previous_status)
    publish_on_commit(channel=f"user:{payment.student_id}", type=EVENT, data=data)
    if branch_ids is None and payment.group_id and Payment.group.is_cached(payment):
        branch_ids = [payment.group.branch_id]
    if branch_ids is None:
        # the student's branches: read after the commit, not under the invoice lock
        transaction.on_commit(lambda: _to_dashboards(data, branches_of_invoices([payment])[payment.pk]))
    else:
        _to_dashboards(data, branch_ids)


def _to_dashboards(data: PaymentUpdatedData, branch_ids: list[int]) -> None:
    channels = {channel for branch_id in branch_ids for channel in dashboard_channels(branch_id)}
    for channel in sorted(channels or {DASHBOARD}):
        publish_on_commit(channel=channel, type=EVENT, data=data)
