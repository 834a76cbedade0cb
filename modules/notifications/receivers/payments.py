"""Invoice created, due soon, overdue, paid, refunded → the student and their parents."""

from __future__ import annotations

from modules.notifications.dispatch import notify
from modules.notifications.kinds import Kind
from modules.notifications.receivers.common import day, fan, isolated, money, name, with_guardians


def _notify_payments(kind: str, payments, **extra) -> None:
    payments = list(payments)
    people = with_guardians({p.student_id for p in payments})
    outgoing = []
    for payment in payments:
        recipients = people.get(payment.student_id)
        if not recipients:
            continue
        context = {
            "student": name(recipients[0]),
            "amount": money(payment.amount, getattr(payment, "currency", "UZS") or "UZS"),
            "due": day(getattr(payment, "due_date", None)),
            "description": getattr(payment, "description", "") or "",
            **extra,
        }
        data = {"payment_id": payment.pk, "student_id": payment.student_id, **extra}
        outgoing += fan(recipients, context, data)
    notify(kind=kind, outgoing=outgoing)


@isolated
def on_payment_created(sender, payment, **kwargs):
    _notify_payments(Kind.PAYMENT_CREATED, [payment])


@isolated
def on_payment_due_soon(sender, payment, days, **kwargs):
    _notify_payments(Kind.PAYMENT_DUE_SOON, [payment], days=days)


@isolated
def on_payment_overdue(sender, payment_ids, **kwargs):
    from modules.payments.models import Payment

    _notify_payments(Kind.PAYMENT_OVERDUE, Payment.objects.filter(pk__in=list(payment_ids)))


@isolated
def on_payment_paid(sender, payment, on_time=None, **kwargs):
    _notify_payments(Kind.PAYMENT_PAID, [payment])


@isolated
def on_payment_refunded(sender, payment, **kwargs):
    _notify_payments(Kind.PAYMENT_REFUNDED, [payment])
