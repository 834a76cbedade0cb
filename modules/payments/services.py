"""Every write to invoices goes through here: the API, the admin, tasks and the Payme endpoint share
these. A status change always writes a history row, sends its signal and a `payment.updated` event."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import Conflict, NotFound, ValidationFailed
from core.queries import unique_or_none
from core.write_batch import write_batch
from modules.accounts.models import User
from modules.courses.models import Group, Membership
from modules.payments import signals
from modules.payments.events import publish_payment_updated
from modules.payments.ledger_models import PaymentRecord
from modules.payments.models import Payment, PaymentHistory
from modules.payments.payme.expiry import payme_in_progress
from modules.payments.records import record_money

MANUAL_METHODS = (Payment.Method.CASH, Payment.Method.CARD, Payment.Method.TRANSFER)


def _record(payment: Payment, previous: str, *, actor: User | None, source: str, reason: str = "") -> None:
    PaymentHistory.objects.create(
        payment=payment,
        from_status=previous,
        to_status=payment.status,
        actor=actor,
        source=source,
        reason=reason[:255],
    )
    publish_payment_updated(payment, previous or None)


def _transition(
    payment: Payment, to: str, *, actor: User | None, source: str, reason: str = "", **fields
) -> str:
    previous = payment.status
    payment.status = to
    for name, value in fields.items():
        setattr(payment, name, value)
    payment.save(update_fields=["status", "updated_at", *fields])
    _record(payment, previous, actor=actor, source=source, reason=reason)
    return previous


def lock_payment(payment_id: int) -> Payment:
    """The invoice row, locked for the rest of the transaction (state changes are serialized)."""
    payment = unique_or_none(Payment.objects.locked().filter(pk=payment_id))
    if payment is None:
        raise NotFound(_("Invoice not found."))
    return payment


@transaction.atomic
def payment_create(
    *,
    student: User,
    amount: int,
    due_date: date,
    group: Group | None = None,
    description: str = "",
    period: date | None = None,
    actor: User | None = None,
    source: str = "api",
) -> Payment:
    if student.role != User.Role.STUDENT:
        raise ValidationFailed.field("student_id", _("Invoices are issued to students."))
    if amount <= 0:
        raise ValidationFailed.field("amount", _("The amount must be a positive number of tiyin."))
    if group is not None and not Membership.objects.filter(group=group, student=student).exists():
        raise ValidationFailed.field(
            "group_id", _("The student is not (and never was) a member of this group.")
        )
    payment = Payment.objects.create(
        student=student,
        group=group,
        amount=amount,
        due_date=due_date,
        description=description,
        period=period.replace(day=1) if period else None,
        created_by=actor,
    )
    PaymentHistory.objects.create(
        payment=payment, from_status="", to_status=payment.status, actor=actor, source=source
    )
    signals.payment_created.send(sender=Payment, event=signals.PaymentsCreated(payment_ids=(payment.pk,)))
    from modules.payments import balance

    balance.balance_apply_to_new_invoice(payment=payment)
    return payment


@transaction.atomic
def payment_update(*, payment: Payment, actor: User | None = None, **changes) -> Payment:
    """Amount, due date and description of an invoice nobody has paid or started paying."""
    payment = lock_payment(payment.pk)
    if not payment.is_payable:
        raise Conflict(_("Only a pending or overdue invoice can be changed."), code="payment_not_editable")
    if "amount" in changes and changes["amount"] != payment.amount and payme_in_progress(payment):
        raise Conflict(_("A Payme payment of this invoice is in progress."), code="payme_in_progress")
    if changes.get("amount") is not None and changes["amount"] <= payment.amount_paid:
        raise ValidationFailed.field("amount", _("The amount must stay above what was already paid."))
    for name in ("amount", "due_date", "description"):
        if name in changes and changes[name] is not None:
            setattr(payment, name, changes[name])
    payment.save()
    # an overdue invoice whose due date moved to today or later is pending again
    today = timezone.localdate()
    if payment.status == Payment.Status.OVERDUE and payment.due_date >= today:
        _transition(payment, Payment.Status.PENDING, actor=actor, source="api", reason="due date moved")
    return payment


@transaction.atomic
def payment_confirm(
    *,
    payment: Payment,
    method: str,
    actor: User | None,
    amount: int | None = None,
    external_reference: str = "",
    paid_at: datetime | None = None,
    note: str = "",
    source: str = "api",
) -> Payment:
    """Record a cash, card or bank-transfer payment at the desk. `amount` defaults to what is still
    due; less leaves the invoice partially paid, more puts the rest on the student's balance."""
    if method not in MANUAL_METHODS:
        raise ValidationFailed.field(
            "method", _("Confirm cash, card or transfer payments; Payme confirms its own.")
        )
    if amount is not None and amount <= 0:
        raise ValidationFailed.field("amount", _("The amount must be a positive number of tiyin."))
    now = timezone.now()
    if paid_at is not None and paid_at > now:
        raise ValidationFailed.field("paid_at", _("The payment time cannot be in the future."))
    payment = lock_payment(payment.pk)
    if not payment.is_payable:
        raise Conflict(
            _("The invoice is {status}; it cannot be paid.").format(
                status=payment.get_status_display().lower()
            ),
            code="payment_not_payable",
        )
    if has_live_online_payment(payment):
        raise Conflict(
            _("An online payment of this invoice is in progress; wait for it to finish or time out."),
            code="payme_in_progress",
        )
    return payment_take_part(
        payment,
        amount=payment.amount_due if amount is None else amount,
        method=method,
        paid_at=paid_at or now,
        external_reference=external_reference,
        actor=actor,
        source=source,
        note=note,
    )


def has_live_online_payment(payment: Payment) -> bool:
    """A Payme or Uzum payment of the invoice is under way (a timed-out Payme one is cancelled here
    instead, so it never blocks the desk)."""
    return payme_in_progress(payment) or _has_live_uzum(payment)


def _has_live_uzum(payment: Payment) -> bool:
    from modules.payments.uzum.models import UzumTransaction

    return UzumTransaction.objects.filter(payment=payment, status=UzumTransaction.Status.CREATED).exists()


def payment_take_part(
    payment: Payment,
    *,
    amount: int,
    method: str,
    paid_at: datetime,
    external_reference: str = "",
    actor: User | None = None,
    source: str = "api",
    note: str = "",
) -> Payment:
    """Money received for a payable invoice whose row lock the caller holds: the due part pays the
    invoice (fully or partly), any excess becomes a prepayment on the student's balance."""
    applied = min(amount, payment.amount_due)
    excess = amount - applied
    if applied == payment.amount_due:
        _mark_paid(
            payment,
            method=method,
            paid_at=paid_at,
            external_reference=external_reference,
            actor=actor,
            source=source,
            reason=note or f"paid: {method}",
        )
    else:
        record_money(
            student_id=payment.student_id,
            payment_id=payment.pk,
            amount=applied,
            method=method,
            occurred_at=paid_at,
            cashier=actor,
            source=source,
            external_reference=external_reference,
            note=note,
        )
        _transition(
            payment,
            Payment.Status.PARTIALLY_PAID,
            actor=actor,
            source=source,
            reason=note or f"part paid: {applied} tiyin by {method}",
            amount_paid=payment.amount_paid + applied,
            method=method,
            external_reference=external_reference[:100],
        )
    if excess:
        from modules.payments import balance

        balance.balance_overpaid(payment=payment, amount=excess, method=method, paid_at=paid_at, actor=actor)
    return payment


@write_batch()
def _mark_paid(
    payment: Payment, *, method: str, paid_at: datetime, external_reference: str, actor, source, reason
) -> Payment:
    """The rest of the invoice received: its record, the invoice paid (receivers' rows: one batch)."""
    record_money(
        student_id=payment.student_id,
        payment_id=payment.pk,
        amount=payment.amount_due,
        method=method,
        occurred_at=paid_at,
        cashier=actor,
        source=source,
        external_reference=external_reference,
        note=reason,
    )
    _transition(
        payment,
        Payment.Status.PAID,
        actor=actor,
        source=source,
        reason=reason,
        paid_at=paid_at,
        method=method,
        external_reference=external_reference[:100],
        amount_paid=payment.amount,
    )
    on_time = timezone.localdate(paid_at) <= payment.due_date
    signals.payment_paid.send(
        sender=Payment,
        event=signals.PaymentPaid(
            payment_id=payment.pk, student_id=payment.student_id, on_time=bool(on_time)
        ),
        payment=payment,
        on_time=on_time,
    )
    return payment


@transaction.atomic
def payment_cancel(*, payment: Payment, actor: User | None, reason: str = "", source: str = "api") -> Payment:
    payment = lock_payment(payment.pk)
    if not payment.is_payable:
        raise Conflict(
            _("The invoice is {status}; only pending or overdue invoices can be cancelled.").format(
                status=payment.get_status_display().lower()
            ),
            code="payment_not_cancellable",
        )
    if payme_in_progress(payment):
        raise Conflict(_("A Payme payment of this invoice is in progress."), code="payme_in_progress")
    return _mark_cancelled(payment, actor=actor, source=source, reason=reason or "cancelled")


def _mark_cancelled(payment: Payment, *, actor, source: str, reason: str) -> Payment:
    if payment.amount_paid:
        from modules.payments import balance

        balance.balance_keep_cancelled_part(payment=payment, actor=actor)
    _transition(payment, Payment.Status.CANCELLED, actor=actor, source=source, reason=reason)
    signals.payment_cancelled.send(
        sender=Payment, event=signals.PaymentEvent(payment.pk, payment.student_id), payment=payment
    )
    return payment


@transaction.atomic
def payment_refund(*, payment: Payment, actor: User | None, reason: str, source: str = "api") -> Payment:
    """A manual refund (money given back outside Payme). A Payme refund comes through
    CancelTransaction instead."""
    payment = lock_payment(payment.pk)
    if payment.status != Payment.Status.PAID:
        raise Conflict(
            _("The invoice is {status}; only a paid invoice can be refunded.").format(
                status=payment.get_status_display().lower()
            ),
            code="payment_not_paid",
        )
    return _mark_refunded(payment, actor=actor, source=source, reason=reason)


def _refund_method(payment: Payment) -> str:
    """Money goes back the way the last part came in; balance-paid money goes back as cash."""
    if not payment.method or payment.method == Payment.Method.BALANCE:
        return Payment.Method.CASH
    return payment.method


def _mark_refunded(payment: Payment, *, actor, source: str, reason: str) -> Payment:
    """Everything received for the invoice goes back, by the method it came in."""
    record_money(
        kind=PaymentRecord.Kind.REFUND,
        student_id=payment.student_id,
        payment_id=payment.pk,
        amount=payment.amount_paid or payment.amount,
        method=_refund_method(payment),
        occurred_at=timezone.now(),
        cashier=actor,
        source=source,
        note=reason,
    )
    _transition(payment, Payment.Status.REFUNDED, actor=actor, source=source, reason=reason or "refunded")
    signals.payment_refunded.send(
        sender=Payment, event=signals.PaymentEvent(payment.pk, payment.student_id), payment=payment
    )
    return payment


# --- used by the Payme endpoint (the caller holds the invoice's row lock) ------------------------


def payment_paid_by_payme(*, payment: Payment, payme_id: str, paid_at: datetime) -> Payment:
    return _mark_paid(
        payment,
        method=Payment.Method.PAYME,
        paid_at=paid_at,
        external_reference=payme_id,
        actor=None,
        source="payme",
        reason=f"Payme transaction {payme_id} performed",
    )


def payment_refunded_by_payme(*, payment: Payment, payme_id: str, reason_code: int | None) -> Payment:
    return _mark_refunded(
        payment,
        actor=None,
        source="payme",
        reason=f"Payme transaction {payme_id} cancelled (reason {reason_code})",
    )


# --- used by credit notes (credits.py; the caller holds the invoice's row lock) ------------------


def payment_amount_credited(*, payment: Payment, amount: int, reason: str) -> Payment:
    """A credit note lowered the invoice to `amount` (or, paid, left it as it is): the status stays,
    a history row says why."""
    if amount != payment.amount:
        payment.amount = amount
        payment.save(update_fields=["amount", "updated_at"])
    _record(payment, payment.status, actor=None, source="system", reason=reason)
    return payment


def payment_cancel_as_credited(*, payment: Payment, reason: str) -> Payment:
    """A credit note covered every billable day left of an unpaid invoice."""
    return _mark_cancelled(payment, actor=None, source="system", reason=reason)


# --- used by the Click and Uzum gateways (the caller holds the invoice's row lock) -----------------


def payment_received_by_gateway(
    *, payment: Payment, method: str, amount: int, reference: str, paid_at: datetime
) -> Payment:
    """Money a gateway has already taken: it pays what is due; if a desk part landed meanwhile,
    the excess goes to the balance rather than being refused after the debit."""
    return payment_take_part(
        payment,
        amount=amount,
        method=method,
        paid_at=paid_at,
        external_reference=reference,
        source=method,
        note=f"{method} transaction {reference}",
    )
