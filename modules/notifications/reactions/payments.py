"""Invoice created, due soon, overdue, paid, refunded → the student and their parents."""

from __future__ import annotations

from modules.notifications.dispatch import notify
from modules.notifications.kinds import Kind
from modules.notifications.reactions.common import day, fan, money, name, with_guardians


def notify_payments(kind: str, payment_ids, **extra) -> int:
    from modules.payments.models import Payment

    payments = list(Payment.objects.filter(pk__in=list(payment_ids)).order_by("pk"))
    people = with_guardians({p.student_id for p in payments})
    outgoing = []
    suffix = "".join(f":{k}={v}" for k, v in sorted(extra.items()))
    for payment in payments:
        recipients = people.get(payment.student_id)
        if not recipients:
            continue
        context = {
            "student": name(recipients[0]),
            "amount": money(payment.amount, payment.currency or "UZS"),
            "due": day(payment.due_date),
            "description": payment.description or "",
            **extra,
        }
        data = {"payment_id": payment.pk, "student_id": payment.student_id, **extra}
        outgoing += fan(recipients, context, data, source=f"payment:{payment.pk}{suffix}")
    return len(notify(kind=kind, outgoing=outgoing))


REACTIONS = {
    "created": Kind.PAYMENT_CREATED,
    "due_soon": Kind.PAYMENT_DUE_SOON,
    "overdue": Kind.PAYMENT_OVERDUE,
    "paid": Kind.PAYMENT_PAID,
    "refunded": Kind.PAYMENT_REFUNDED,
}
