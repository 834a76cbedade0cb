"""Credit notes: days of an already issued month that stopped being billable — a freeze added after
the invoice existed, or the move date of a student who moved to another group. Generation already
leaves out freezes known when it runs; this covers what became known later.

Each invoice of the membership is billed again with what is known now (`billing.billable_days`),
against the days it was issued for (`Payment.billed_days`). Days not credited yet become one credit
note, priced in proportion to the invoice's original amount (integer tiyin, half up; the last day
credited takes the rounding, so the credits of a fully frozen month add up to the amount). Running
it again finds nothing new: the days already credited are subtracted. A freeze cut short later does
not charge the days back (a credit once given stays).

An unpaid invoice is adjusted (its amount lowered, or cancelled when nothing is left); one with money
received (paid or partly paid), or one a live Payme transaction is paying, keeps its amount and the
credit lands on the student's balance (which pays their open invoices).
Either way the invoice gets a history row saying so."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Sum

from modules.payments.balance import balance_credit
from modules.payments.billing import billable_days, due_schedule_rows, freezes_in, month_bounds
from modules.payments.models import Payment, PaymentCredit, PaymentSchedule
from modules.payments.payme.expiry import payme_in_progress
from modules.payments.services import lock_payment, payment_amount_credited, payment_cancel_as_credited

CREDITABLE = (Payment.Status.PENDING, Payment.Status.OVERDUE, Payment.Status.PAID)


@dataclass
class CreditResult:
    credits: int = 0
    days: int = 0
    amount: int = 0


def _share(amount: int, days: int, of_days: int) -> int:
    return (amount * days * 2 + of_days) // (2 * of_days)


@transaction.atomic
def credits_for_membership(*, membership_id: int) -> CreditResult:
    """Credit notes for every issued invoice of the membership whose month has lost billable days."""
    result = CreditResult()
    schedules = PaymentSchedule.objects.filter(membership_id=membership_id)
    dues = {due.id: due for due in due_schedule_rows(schedules)}
    invoice_ids = Payment.objects.filter(
        schedule_id__in=list(dues), period__isnull=False, billed_days__gt=0, status__in=CREDITABLE
    ).order_by("period", "id")
    for invoice_id in invoice_ids.values_list("id", flat=True):
        invoice = lock_payment(invoice_id)
        if invoice.status in CREDITABLE:
            _credit_invoice(invoice, dues[invoice.schedule_id], result)
    return result


def _credit_invoice(invoice: Payment, due, result: CreditResult) -> None:
    first, last = month_bounds(invoice.period)
    freezes = freezes_in(first, last, [due.membership_id]).get(due.membership_id, ())
    billable_now = billable_days(due, freezes, first)
    done = PaymentCredit.objects.filter(payment=invoice).aggregate(days=Sum("days"), amount=Sum("amount"))
    credited_days, credited_amount = done["days"] or 0, done["amount"] or 0
    new_days = invoice.billed_days - max(billable_now, 0) - credited_days
    if new_days <= 0:
        return
    adjusted_so_far = (
        PaymentCredit.objects.filter(payment=invoice, adjusted=True).aggregate(a=Sum("amount"))["a"] or 0
    )
    original = invoice.amount + adjusted_so_far
    owed_total = _share(original, credited_days + new_days, invoice.billed_days)
    amount = max(owed_total - credited_amount, 0)
    reason = f"credit for {new_days} day(s) no longer billable: {amount} tiyin"
    # money already received (paid, or a part of it) or being received stays as it is: the credit
    # goes to the student's balance, which pays their open invoices
    adjust = invoice.is_payable and not invoice.amount_paid and not payme_in_progress(invoice)
    credit = PaymentCredit.objects.create(
        payment=invoice, amount=amount, days=new_days, adjusted=adjust, reason=reason
    )
    if adjust and invoice.amount - amount > 0:
        payment_amount_credited(payment=invoice, amount=invoice.amount - amount, reason=reason)
    elif adjust:
        payment_cancel_as_credited(payment=invoice, reason=reason)
    else:
        payment_amount_credited(payment=invoice, amount=invoice.amount, reason=f"credit note owed: {reason}")
        if amount:
            balance_credit(
                student_id=invoice.student_id, amount=amount, key=f"payment-credit:{credit.pk}", note=reason
            )
    result.credits += 1
    result.days += new_days
    result.amount += amount
