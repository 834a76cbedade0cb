"""Invoices (Payment), their append-only status history, recurring billing schedules and the Payme
transactions that pay them. Money is integer tiyin; Payme times are epoch milliseconds."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStamped
from core.queries import unique_or_none


class PaymentSchedule(TimeStamped):
    """A monthly charge for a membership. `amount` null means: the group's price minus the
    membership's discount, computed when each invoice is generated."""

    membership = models.ForeignKey(
        "courses.Membership",
        on_delete=models.CASCADE,
        related_name="payment_schedules",
        verbose_name=_("membership"),
    )
    amount = models.BigIntegerField(
        null=True, blank=True, help_text=_("tiyin; empty = group price - discount"), verbose_name=_("amount")
    )
    due_day = models.PositiveSmallIntegerField(
        default=5, help_text=_("day of month, 1-28"), verbose_name=_("due day")
    )
    active_from = models.DateField(verbose_name=_("active from"))
    active_to = models.DateField(null=True, blank=True, verbose_name=_("active to"))
    is_active = models.BooleanField(default=True, db_index=True, verbose_name=_("is active"))

    class Meta:
        verbose_name = _("payment schedule")
        verbose_name_plural = _("payment schedules")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(due_day__gte=1, due_day__lte=28), name="schedule_due_day_ok"),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gt=0), name="schedule_amount_pos"
            ),
            models.CheckConstraint(
                condition=Q(active_to__isnull=True) | Q(active_to__gte=models.F("active_from")),
                name="payment_schedule_range_ok",
            ),
            # one live schedule per membership, or a student would be billed twice
            models.UniqueConstraint(
                fields=["membership"], condition=Q(is_active=True), name="uniq_active_schedule_per_membership"
            ),
        ]

    def __str__(self) -> str:
        return f"schedule {self.pk} for membership {self.membership_id}"


class PaymentQuerySet(models.QuerySet):
    def locked(self):
        """Row-locked until the transaction ends, with the group loaded but not locked: a state
        change's event is routed by the group's branch without another query."""
        return self.select_related("group").select_for_update(of=("self",))

    def locked_through(self, transactions: models.QuerySet):
        """The invoice of the gateway transaction `transactions` names, locked as above, found in the
        same statement; None when there is no such transaction. The lock order of every gateway:
        the invoice first, then its transaction."""
        named = models.Subquery(transactions.order_by().values("payment_id")[:1])
        return unique_or_none(self.locked().filter(pk=named))


class Payment(TimeStamped):
    """An invoice. Payable while pending or overdue; paid, cancelled and refunded are final states
    (refunded only from paid)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        PARTIALLY_PAID = "partially_paid", _("Partially paid")
        PAID = "paid", _("Paid")
        OVERDUE = "overdue", _("Overdue")
        CANCELLED = "cancelled", _("Cancelled")
        REFUNDED = "refunded", _("Refunded")

    class Method(models.TextChoices):
        PAYME = "payme", _("Payme")
        CLICK = "click", _("Click")
        UZUM = "uzum", _("Uzum Bank")
        CASH = "cash", _("Cash")
        CARD = "card", _("Card")
        TRANSFER = "transfer", _("Bank transfer")
        BALANCE = "balance", _("Student balance")

    PAYABLE = (Status.PENDING, Status.OVERDUE, Status.PARTIALLY_PAID)

    # Few indexes on purpose: the overdue run rewrites every late row, and each index is written per
    # row. The composite indexes below cover student, group and status lookups and the default order;
    # the partial unique index covers schedule lookups.
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="payments",
        db_index=False,
        verbose_name=_("student"),
    )
    group = models.ForeignKey(
        "courses.Group",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
        db_index=False,
        verbose_name=_("group"),
    )
    amount = models.BigIntegerField(help_text=_("tiyin"), verbose_name=_("amount"))
    amount_paid = models.BigIntegerField(
        default=0, help_text=_("tiyin received so far (parts)"), verbose_name=_("amount paid")
    )
    currency = models.CharField(max_length=3, default="UZS", verbose_name=_("currency"))
    description = models.CharField(max_length=255, blank=True, verbose_name=_("description"))
    period = models.DateField(
        null=True, blank=True, help_text=_("first day of the billed month"), verbose_name=_("period")
    )
    due_date = models.DateField(verbose_name=_("due date"))
    # indexed by (status, due_date) below; a second index on status alone only slows bulk updates
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PENDING, verbose_name=_("status")
    )
    paid_at = models.DateTimeField(null=True, blank=True, verbose_name=_("paid at"))
    method = models.CharField(max_length=16, choices=Method.choices, blank=True, verbose_name=_("method"))
    external_reference = models.CharField(max_length=100, blank=True, verbose_name=_("external reference"))
    schedule = models.ForeignKey(
        PaymentSchedule,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="payments",
        db_index=False,
        verbose_name=_("schedule"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("created by"),
    )
    billed_days = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text=_("billable days of the month when generated (freeze credits use it)"),
        verbose_name=_("billed days"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    objects = PaymentQuerySet.as_manager()

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-due_date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_pos"),
            models.CheckConstraint(
                condition=Q(amount_paid__gte=0, amount_paid__lte=models.F("amount")),
                name="payment_amount_paid_in_range",
            ),
            # generation is idempotent: one invoice per schedule and month
            models.UniqueConstraint(
                fields=["schedule", "period"],
                condition=Q(schedule__isnull=False, period__isnull=False),
                name="uniq_payment_schedule_period",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_date"], name="payment_status_due"),
            models.Index(fields=["student", "status"], name="payment_student_status"),
            models.Index(fields=["group", "period"], name="payment_group_period"),
            # the list's default order: without it every page sorted the whole table (25–30 ms at
            # 6,000 invoices, ~100 ms at 35,000); with it a page reads its 20 rows off the index
            models.Index(fields=["-due_date", "-id"], name="payment_due_id"),
            # Deleting a user has Postgres check, per user, that no invoice still names them as its
            # author: without an index each check read the whole table (a benchmark's teardown of
            # 2,000 users spent minutes in them). Partial: only desk-made invoices have an author,
            # so the billing and overdue runs never write it.
            models.Index(
                fields=["created_by"], name="payment_created_by", condition=Q(created_by__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return f"invoice {self.pk} ({self.status})"

    @property
    def is_payable(self) -> bool:
        return self.status in self.PAYABLE

    @property
    def amount_due(self) -> int:
        """What is still owed; online gateways must be paid exactly this."""
        return self.amount - self.amount_paid


class PaymentHistoryQuerySet(models.QuerySet):
    """History is a ledger: rows are only ever added."""

    def update(self, **kwargs):
        raise PaymentHistoryImmutable("payment history rows cannot be changed")

    def delete(self):
        raise PaymentHistoryImmutable("payment history rows cannot be deleted")


class PaymentHistoryImmutable(Exception):
    pass


class PaymentHistory(models.Model):
    """One status change of an invoice. `actor` null means the system (a task or Payme);
    `from_status` empty means the invoice was created."""

    payment = models.ForeignKey(
        Payment, on_delete=models.CASCADE, related_name="history", verbose_name=_("payment")
    )
    from_status = models.CharField(max_length=16, blank=True, verbose_name=_("from status"))
    to_status = models.CharField(max_length=16, verbose_name=_("to status"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("actor"),
    )
    source = models.CharField(
        max_length=16, default="system", help_text=_("api, admin, system or payme"), verbose_name=_("source")
    )
    reason = models.CharField(max_length=255, blank=True, verbose_name=_("reason"))
    created_at = models.DateTimeField(
        auto_now_add=True, verbose_name=_("created at")
    )  # always read through payment_id

    objects = PaymentHistoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("payment history")
        ordering = ["created_at", "id"]
        verbose_name_plural = _("payment history")

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PaymentHistoryImmutable("payment history rows cannot be changed")
        super().save(*args, **kwargs)


class PaymentCredit(models.Model):
    """A credit note: days of an invoice's month that stopped being billable after it was issued (a
    freeze added later, or a move to another group). `adjusted` means the unpaid invoice's amount was
    lowered by `amount` (or the invoice cancelled when nothing was left); otherwise the invoice was
    paid or being paid through Payme, and `amount` is owed back to the student. Append-only."""

    payment = models.ForeignKey(
        Payment, on_delete=models.CASCADE, related_name="credits", verbose_name=_("payment")
    )
    amount = models.BigIntegerField(help_text=_("tiyin"), verbose_name=_("amount"))
    days = models.PositiveSmallIntegerField(help_text=_("days of the month credited"), verbose_name=_("days"))
    adjusted = models.BooleanField(
        help_text=_("the invoice's amount was lowered by this credit"), verbose_name=_("adjusted")
    )
    reason = models.CharField(max_length=255, blank=True, verbose_name=_("reason"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    objects = PaymentHistoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("payment credit")
        verbose_name_plural = _("payment credits")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="payment_credit_amount_nonneg")
        ]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PaymentHistoryImmutable("credit notes cannot be changed")
        super().save(*args, **kwargs)


class PaymentReminder(models.Model):
    """Marks that the `days`-before-due reminder of an invoice was sent, so it goes out once."""

    payment = models.ForeignKey(
        Payment, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("payment")
    )
    days = models.PositiveSmallIntegerField(verbose_name=_("days"))
    sent_at = models.DateTimeField(auto_now_add=True, verbose_name=_("sent at"))

    class Meta:
        verbose_name = _("payment reminder")
        verbose_name_plural = _("payment reminders")
        constraints = [models.UniqueConstraint(fields=["payment", "days"], name="uniq_payment_reminder")]


class PaymeTransaction(models.Model):
    """A Payme Merchant API transaction. Times are epoch ms: `payme_time` is Payme's, the others ours,
    each written once so repeated calls answer identically."""

    class State(models.IntegerChoices):
        CREATED = 1, _("Created")
        PERFORMED = 2, _("Performed")
        CANCELLED = -1, _("Cancelled")
        CANCELLED_AFTER_PERFORM = -2, _("Cancelled after perform (refund)")

    payme_id = models.CharField(max_length=24, verbose_name=_("payme id"))
    payme_time = models.BigIntegerField(db_index=True, verbose_name=_("payme time"))
    amount = models.BigIntegerField(help_text=_("tiyin"), verbose_name=_("amount"))
    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, related_name="payme_transactions", verbose_name=_("payment")
    )
    state = models.SmallIntegerField(choices=State.choices, default=State.CREATED, verbose_name=_("state"))
    reason = models.SmallIntegerField(null=True, blank=True, verbose_name=_("reason"))
    create_time = models.BigIntegerField(verbose_name=_("create time"))
    perform_time = models.BigIntegerField(default=0, verbose_name=_("perform time"))
    cancel_time = models.BigIntegerField(default=0, verbose_name=_("cancel time"))
    receivers = models.JSONField(null=True, blank=True, verbose_name=_("receivers"))
    fiscal_data = models.JSONField(
        default=dict, blank=True, help_text=_("SetFiscalData by type"), verbose_name=_("fiscal data")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("Payme transaction")
        verbose_name_plural = _("Payme transactions")
        ordering = ["-payme_time"]
        constraints = [
            # a constraint, not unique=True: the field's LIKE twin index would serve no query
            models.UniqueConstraint(fields=["payme_id"], name="payme_tx_payme_id"),
            # one live (created or performed) transaction per invoice, enforced by the database too
            models.UniqueConstraint(
                fields=["payment"], condition=Q(state__in=[1, 2]), name="uniq_live_payme_transaction"
            ),
        ]

    def __str__(self) -> str:
        return f"payme {self.payme_id} ({self.state})"


# models kept in their own files, registered with this app when Django imports models.py
from modules.payments.click.models import ClickTransaction  # noqa: E402, F401
from modules.payments.fiscal_models import CourseFiscalProfile  # noqa: E402, F401
from modules.payments.ledger_models import BalanceEntry, PaymentRecord, StudentBalance  # noqa: E402, F401
from modules.payments.uzum.models import UzumTransaction  # noqa: E402, F401
