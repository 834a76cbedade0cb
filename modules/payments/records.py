"""Payment records: every movement of money at the desk or through a gateway. Money a person took or
gave back at the desk gets a receipt number the cashier can write on paper (`YYYYMMDD-<id>`, unique
because the id is); a gateway's record has none: its receipt is the provider's transaction id
(external_reference), which is what the parent's app shows."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from modules.payments.ledger_models import PaymentRecord


def record_money(
    *,
    student_id: int,
    amount: int,
    method: str,
    occurred_at: datetime,
    kind: str = PaymentRecord.Kind.PAYMENT,
    payment_id: int | None = None,
    cashier=None,
    source: str = "api",
    external_reference: str = "",
    note: str = "",
) -> PaymentRecord:
    record = PaymentRecord.objects.create(
        kind=kind,
        payment_id=payment_id,
        student_id=student_id,
        method=method,
        amount=amount,
        cashier=cashier,
        source=source,
        external_reference=external_reference[:100],
        note=note[:255],
        occurred_at=occurred_at,
    )
    if cashier is None:
        return record  # a gateway's: no paper receipt, and no second statement under the invoice lock
    day = timezone.localtime(occurred_at).strftime("%Y%m%d")
    record.receipt_number = f"{day}-{record.pk:06d}"
    PaymentRecord.objects.filter(pk=record.pk).update(receipt_number=record.receipt_number)
    return record
