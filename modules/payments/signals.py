"""Signals the payments module sends. Payloads are frozen dataclasses of ids (JSON-able with
dataclasses.asdict); the objects beside them are for receivers in the same transaction (audit).

payment_created(sender, event: PaymentsCreated)          once per batch of new invoices
payment_due_soon(sender, event: PaymentDueSoon, payment, days)  days: 3 or 1; once per payment and days
payment_overdue(sender, event: PaymentsOverdue, payment_ids)    invoices that just became overdue
payment_paid(sender, event: PaymentPaid, payment, on_time)      on_time: paid on or before the due date
payment_refunded(sender, event: PaymentEvent, payment)
payment_cancelled(sender, event: PaymentEvent, payment)
"""

from __future__ import annotations

from dataclasses import dataclass

from django.dispatch import Signal


@dataclass(frozen=True)
class PaymentsCreated:
    payment_ids: tuple[int, ...]


@dataclass(frozen=True)
class PaymentEvent:
    payment_id: int
    student_id: int


@dataclass(frozen=True)
class PaymentDueSoon:
    payment_id: int
    student_id: int
    days: int


@dataclass(frozen=True)
class PaymentsOverdue:
    payment_ids: tuple[int, ...]


@dataclass(frozen=True)
class PaymentPaid:
    payment_id: int
    student_id: int
    on_time: bool


payment_created = Signal()
payment_due_soon = Signal()
payment_overdue = Signal()
payment_paid = Signal()
payment_refunded = Signal()
payment_cancelled = Signal()
