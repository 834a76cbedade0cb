"""Money received and given back (payment records, the cash desk's rows) and the student balance
ledger (prepayments, overpayments, credits and their application to invoices)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PaymentRecord(models.Model):
    """One movement of money: a part of an invoice paid (cash, card, transfer, an online gateway, or
    the student's balance), a prepayment to the balance (`payment` empty), or a refund. Append-only;
    `amount` is always positive and `kind` gives the direction."""

    class Kind(models.TextChoices):
        PAYMENT = "payment", _("Payment")
        REFUND = "refund", _("Refund")

    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.PAYMENT, verbose_name=_("kind"))
    payment = models.ForeignKey(
        "payments.Payment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,  # payment_record_invoice starts with it
        related_name="records",
        verbose_name=_("payment"),
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("student")
    )
    method = models.CharField(max_length=16, verbose_name=_("method"))
    amount = models.BigIntegerField(help_text=_("tiyin, positive"), verbose_name=_("amount"))
    cashier = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cashier"),
    )
    receipt_number = models.CharField(max_length=32, null=True, blank=True, verbose_name=_("receipt number"))
    external_reference = models.CharField(max_length=100, blank=True, verbose_name=_("external reference"))
    source = models.CharField(max_length=16, default="api", verbose_name=_("source"))
    note = models.CharField(max_length=255, blank=True, verbose_name=_("note"))
    occurred_at = models.DateTimeField(
        help_text=_("when the money moved (the cash desk's day)"), verbose_name=_("occurred at")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("payment record")
        verbose_name_plural = _("payment records")
        ordering = ["occurred_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_record_amount_pos"),
            # constraints, not unique=True, here and below: a field's LIKE twin index serves no query
            models.UniqueConstraint(fields=["receipt_number"], name="payment_record_receipt"),
        ]
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
        PREPAYMENT = "prepayment", _("Prepayment")
        OVERPAYMENT = "overpayment", _("Overpayment")
        CREDIT = "credit", _("Credit (freeze, goodwill)")
        INVOICE_CANCELLED = "invoice_cancelled", _("Paid part of a cancelled invoice")
        APPLIED = "applied", _("Applied to an invoice")
        WITHDRAWAL = "withdrawal", _("Paid back to the family")

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        db_index=False,  # balance_entry_student starts with it
        related_name="balance_entries",
        verbose_name=_("student"),
    )
    amount = models.BigIntegerField(help_text=_("signed tiyin"), verbose_name=_("amount"))
    kind = models.CharField(max_length=20, choices=Kind.choices, verbose_name=_("kind"))
    payment = models.ForeignKey(
        "payments.Payment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="balance_entries",
        verbose_name=_("payment"),
    )
    record = models.ForeignKey(
        PaymentRecord,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="balance_entries",
        verbose_name=_("record"),
    )
    idempotency_key = models.CharField(max_length=160, verbose_name=_("idempotency key"))
    note = models.CharField(max_length=255, blank=True, verbose_name=_("note"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("balance entry")
        ordering = ["created_at", "id"]
        verbose_name_plural = _("balance entries")
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="balance_entry_nonzero"),
            models.UniqueConstraint(fields=["idempotency_key"], name="balance_entry_idempotency_key"),
        ]
        indexes = [models.Index(fields=["student", "created_at"], name="balance_entry_student")]

    def __str__(self) -> str:
        return f"{self.amount:+d} {self.kind} → {self.student_id}"


class StudentBalance(models.Model):
    """A cache of the ledger's sum, written under its row lock in the same transaction as the entry.
    Never negative: the balance is money the center holds for the student."""

    student = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="money_balance",
        verbose_name=_("student"),
    )
    balance = models.BigIntegerField(default=0, verbose_name=_("balance"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("student balance")
        verbose_name_plural = _("student balances")
        constraints = [models.CheckConstraint(condition=Q(balance__gte=0), name="student_balance_nonneg")]

    def __str__(self) -> str:
        return f"{self.student_id}: {self.balance}"
