"""Money received and given back (payment records, the cash desk's rows) and the student balance
ledger (prepayments, overpayments, credits and their application to invoices)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class PaymentRecord(models.Model):
    """One movement of money: a part of an invoice paid (cash, card, transfer, an online gateway, or
    the student's balance), a prepayment to the balance (`payment` empty), or a refund. Append-only;
    `amount` is always positive and `kind` gives the direction."""

    class Kind(models.TextChoices):
        PAYMENT = "payment", "Payment"
        REFUND = "refund", "Refund"

    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.PAYMENT)
    payment = models.ForeignKey(
        "payments.Payment", on_delete=models.PROTECT, null=True, blank=True, related_name="records"
    )
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    method = models.CharField(max_length=16)
    amount = models.BigIntegerField(help_text="tiyin, positive")
    cashier = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    receipt_number = models.CharField(max_length=32, unique=True, null=True, blank=True)
    external_reference = models.CharField(max_length=100, blank=True)
    source = models.CharField(max_length=16, default="api")
    note = models.CharField(max_length=255, blank=True)
    occurred_at = models.DateTimeField(help_text="when the money moved (the cash desk's day)")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["occurred_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="payment_record_amount_pos")]
        indexes = [
            models.Index(fields=["occurred_at"], name="payment_record_day"),
            models.Index(fields=["payment", "kind"], name="payment_record_invoice"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} {self.method} ({self.receipt_number or self.pk})"


class BalanceEntry(models.Model):
    """The student balance ledger: append-only, signed tiyin. Money in (a prepayment, the excess of
    an overpayment, a credit such as a freeze refund) is positive; money applied to an invoice or given
    back is negative. `idempotency_key` makes a repeated task or request write nothing twice."""

    class Kind(models.TextChoices):
        PREPAYMENT = "prepayment", "Prepayment"
        OVERPAYMENT = "overpayment", "Overpayment"
        CREDIT = "credit", "Credit (freeze, goodwill)"
        INVOICE_CANCELLED = "invoice_cancelled", "Paid part of a cancelled invoice"
        APPLIED = "applied", "Applied to an invoice"
        WITHDRAWAL = "withdrawal", "Paid back to the family"

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="balance_entries"
    )
    amount = models.BigIntegerField(help_text="signed tiyin")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    payment = models.ForeignKey(
        "payments.Payment", on_delete=models.PROTECT, null=True, blank=True, related_name="balance_entries"
    )
    record = models.ForeignKey(
        PaymentRecord, on_delete=models.PROTECT, null=True, blank=True, related_name="balance_entries"
    )
    idempotency_key = models.CharField(max_length=160, unique=True)
    note = models.CharField(max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "balance entries"
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="balance_entry_nonzero")]
        indexes = [models.Index(fields=["student", "created_at"], name="balance_entry_student")]

    def __str__(self) -> str:
        return f"{self.amount:+d} {self.kind} → {self.student_id}"


class StudentBalance(models.Model):
    """A cache of the ledger's sum, written under its row lock in the same transaction as the entry.
    Never negative: the balance is money the center holds for the student."""

    student = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="money_balance"
    )
    balance = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(balance__gte=0), name="student_balance_nonneg")]

    def __str__(self) -> str:
        return f"{self.student_id}: {self.balance}"
