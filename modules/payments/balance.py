"""The student balance: money the center holds for a student (prepayments, overpayments, credits)
and its application to invoices. Every change is a ledger row (BalanceEntry) plus the cached sum
(StudentBalance) updated under its row lock in the same transaction, so the balance always equals
the ledger's sum.

Lock order, everywhere: invoice rows first (ascending id), then the balance row. The overpayment
path already holds one invoice when it adds to the balance, so it leaves applying to other invoices
to a task, which takes the locks in that order."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import Conflict, ValidationFailed
from core.tasks import enqueue
from modules.accounts.models import User
from modules.payments import services
from modules.payments.ledger_models import BalanceEntry, PaymentRecord, StudentBalance
from modules.payments.models import Payment
from modules.payments.records import record_money

Kind = BalanceEntry.Kind
APPLY_TASK = "modules.payments.tasks.apply_student_balance"


def _locked_account(student_id: int) -> StudentBalance:
    StudentBalance.objects.get_or_create(student_id=student_id)
    return StudentBalance.objects.select_for_update().get(student_id=student_id)


def balance_of(student_id: int) -> int:
    row = StudentBalance.objects.filter(student_id=student_id).values_list("balance", flat=True).first()
    return row or 0


def balance_add(
    *,
    student_id: int,
    amount: int,
    kind: str,
    key: str,
    note: str = "",
    actor: User | None = None,
    payment_id: int | None = None,
    record: PaymentRecord | None = None,
) -> BalanceEntry | None:
    """One ledger row and the cache, idempotent on `key` (a repeat returns None and changes nothing).
    A debit that would take the balance below zero is a Conflict."""
    if amount == 0:
        raise ValidationFailed.field("amount", _("A balance entry cannot be zero."))
    account = _locked_account(student_id)
    if BalanceEntry.objects.filter(idempotency_key=key[:160]).exists():
        return None
    if account.balance + amount < 0:
        raise Conflict(_("The student's balance is too small for this."), code="balance_insufficient")
    entry = BalanceEntry.objects.create(
        student_id=student_id,
        amount=amount,
        kind=kind,
        idempotency_key=key[:160],
        note=note[:255],
        created_by=actor,
        payment_id=payment_id,
        record=record,
    )
    account.balance += amount
    account.save(update_fields=["balance", "updated_at"])
    return entry


@transaction.atomic
def balance_credit(*, student_id: int, amount: int, key: str, note: str, actor: User | None = None):
    """A credit the center grants (a freeze refund, goodwill): lands on the balance and is applied
    to open invoices. Idempotent on `key`, so a retried task credits once."""
    if amount <= 0:
        raise ValidationFailed.field("amount", _("A credit must be positive."))
    invoices = _lock_open_invoices(student_id)
    entry = balance_add(
        student_id=student_id, amount=amount, kind=Kind.CREDIT, key=key, note=note, actor=actor
    )
    _apply(student_id, invoices)
    return entry


@transaction.atomic
def balance_deposit(
    *,
    student: User,
    amount: int,
    method: str,
    actor: User | None,
    paid_at: datetime | None = None,
    external_reference: str = "",
    note: str = "",
) -> PaymentRecord:
    """A prepayment at the desk: a payment record (no invoice) and a balance entry, then applied to
    the student's open invoices, oldest due first."""
    if student.role != User.Role.STUDENT:
        raise ValidationFailed.field("student_id", _("Only students have a balance."))
    if method not in services.MANUAL_METHODS:
        raise ValidationFailed.field("method", _("Deposit cash, card or transfer payments."))
    if amount <= 0:
        raise ValidationFailed.field("amount", _("The amount must be a positive number of tiyin."))
    invoices = _lock_open_invoices(student.pk)
    record = record_money(
        student_id=student.pk,
        amount=amount,
        method=method,
        occurred_at=paid_at or timezone.now(),
        cashier=actor,
        external_reference=external_reference,
        note=note or "prepayment",
    )
    balance_add(
        student_id=student.pk,
        amount=amount,
        kind=Kind.PREPAYMENT,
        key=f"record:{record.pk}",
        note=note,
        actor=actor,
        record=record,
    )
    _apply(student.pk, invoices)
    return record


@transaction.atomic
def balance_withdraw(
    *, student: User, amount: int, method: str, actor: User | None, note: str = ""
) -> PaymentRecord:
    """Money on the balance handed back to the family: a refund record and a debit."""
    if method not in services.MANUAL_METHODS:
        raise ValidationFailed.field("method", _("Pay back in cash, card or transfer."))
    if amount <= 0:
        raise ValidationFailed.field("amount", _("The amount must be a positive number of tiyin."))
    if balance_of(student.pk) < amount:
        raise Conflict(_("The student's balance is too small for this."), code="balance_insufficient")
    record = record_money(
        kind=PaymentRecord.Kind.REFUND,
        student_id=student.pk,
        amount=amount,
        method=method,
        occurred_at=timezone.now(),
        cashier=actor,
        note=note or "balance paid back",
    )
    balance_add(
        student_id=student.pk,
        amount=-amount,
        kind=Kind.WITHDRAWAL,
        key=f"record:{record.pk}",
        note=note,
        actor=actor,
        record=record,
    )
    return record


def balance_overpaid(*, payment: Payment, amount: int, method: str, paid_at: datetime, actor) -> None:
    """The excess of a payment (the caller holds `payment`'s lock): a prepayment record and entry now;
    applying it to other invoices is a task (it must lock those invoices before the balance)."""
    record = record_money(
        student_id=payment.student_id,
        amount=amount,
        method=method,
        occurred_at=paid_at,
        cashier=actor,
        source=method if method in (Payment.Method.CLICK, Payment.Method.UZUM) else "api",
        note=f"overpayment of invoice {payment.pk}",
    )
    balance_add(
        student_id=payment.student_id,
        amount=amount,
        kind=Kind.OVERPAYMENT,
        key=f"record:{record.pk}",
        note=f"overpayment of invoice {payment.pk}",
        actor=actor,
        payment_id=payment.pk,
        record=record,
    )
    enqueue(APPLY_TASK, payment.student_id)


def balance_keep_cancelled_part(*, payment: Payment, actor) -> None:
    """A partly paid invoice is cancelled (the caller holds its lock): what was paid is taken off the
    invoice (a refund record by `balance`, so revenue nets out) and kept on the student's balance."""
    amount = payment.amount_paid
    record_money(
        kind=PaymentRecord.Kind.REFUND,
        student_id=payment.student_id,
        payment_id=payment.pk,
        amount=amount,
        method=Payment.Method.BALANCE,
        occurred_at=timezone.now(),
        cashier=actor,
        note=f"paid part of cancelled invoice {payment.pk} kept on the balance",
    )
    balance_add(
        student_id=payment.student_id,
        amount=amount,
        kind=Kind.INVOICE_CANCELLED,
        key=f"cancelled:{payment.pk}",
        actor=actor,
        payment_id=payment.pk,
    )
    enqueue(APPLY_TASK, payment.student_id)


@transaction.atomic
def balance_apply(*, student_id: int) -> int:
    """Apply the balance to the student's open invoices (oldest due first); the amount applied."""
    invoices = _lock_open_invoices(student_id)
    return _apply(student_id, invoices)


def balance_apply_to_new_invoice(*, payment: Payment) -> int:
    """A just-created invoice (invisible to other transactions, so locking the balance after it keeps
    the order) takes what the balance holds."""
    if balance_of(payment.student_id) <= 0:
        return 0
    return _apply(payment.student_id, [payment])


def _lock_open_invoices(student_id: int) -> list[Payment]:
    return list(
        Payment.objects.select_for_update()
        .filter(student_id=student_id, status__in=Payment.PAYABLE)
        .order_by("id")
    )


def _apply(student_id: int, invoices: list[Payment]) -> int:
    available = balance_of(student_id)
    if available <= 0 or not invoices:
        return 0
    applied_total = 0
    for payment in sorted(invoices, key=lambda p: (p.due_date, p.pk)):
        if available <= 0:
            break
        if services.has_live_online_payment(payment):
            continue  # a gateway holds this invoice for its exact amount due
        part = min(available, payment.amount_due)
        if part <= 0:
            continue
        entry = balance_add(
            student_id=student_id,
            amount=-part,
            kind=Kind.APPLIED,
            key=f"apply:{payment.pk}:{payment.amount_paid}",
            note=f"applied to invoice {payment.pk}",
            payment_id=payment.pk,
        )
        if entry is None:
            continue
        services.payment_take_part(
            payment, amount=part, method=Payment.Method.BALANCE, paid_at=timezone.now(), source="balance"
        )
        available -= part
        applied_total += part
    return applied_total
