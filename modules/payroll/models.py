"""Rates, runs, statements (one per teacher and run), their lines (every counted lesson) and
adjustments. Money is integer tiyin; a percentage is stored in basis points (2500 = 25 %)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStamped


class PayRate(TimeStamped):
    """How a teacher is paid. The most specific level wins for a lesson: rates of its group, else of
    its course, else the teacher's general rates; every rate of the winning level applies."""

    class Kind(models.TextChoices):
        PER_LESSON = "per_lesson", _("Per lesson taught")
        PER_PRESENT_STUDENT = "per_present_student", _("Per present student per lesson")
        REVENUE_PERCENT = "revenue_percent", _("Percentage of the group's paid revenue")
        FIXED_MONTHLY = "fixed_monthly", _("Fixed monthly amount")

    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="pay_rates",
        verbose_name=_("teacher"),
    )
    course = models.ForeignKey(
        "courses.Course",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("course"),
    )
    group = models.ForeignKey(
        "courses.Group",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("group"),
    )
    kind = models.CharField(max_length=24, choices=Kind.choices, verbose_name=_("kind"))
    amount = models.BigIntegerField(
        help_text=_("tiyin; for revenue_percent: basis points (2500 = 25 %)"), verbose_name=_("amount")
    )
    count_makeup_lessons = models.BooleanField(default=True, verbose_name=_("count makeup lessons"))
    count_trial_lessons = models.BooleanField(default=False, verbose_name=_("count trial lessons"))
    count_lessons_nobody_attended = models.BooleanField(
        default=False, verbose_name=_("count lessons nobody attended")
    )
    active_from = models.DateField(verbose_name=_("active from"))
    active_to = models.DateField(null=True, blank=True, verbose_name=_("active to"))
    note = models.CharField(max_length=255, blank=True, verbose_name=_("note"))

    class Meta:
        verbose_name = _("pay rate")
        verbose_name_plural = _("pay rates")
        ordering = ["teacher_id", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="pay_rate_amount_pos"),
            models.CheckConstraint(
                condition=~Q(kind="revenue_percent") | Q(amount__lte=10_000), name="pay_rate_percent_ok"
            ),
            models.CheckConstraint(
                condition=Q(active_to__isnull=True) | Q(active_to__gte=models.F("active_from")),
                name="pay_rate_range_ok",
            ),
        ]
        indexes = [models.Index(fields=["teacher", "active_from"], name="pay_rate_teacher")]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} for teacher {self.teacher_id}"


class PayrollRun(TimeStamped):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")
        PAID = "paid", _("Paid")

    period = models.DateField(help_text=_("first day of the month"), verbose_name=_("period"))
    branch = models.ForeignKey(
        "courses.Branch",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("branch"),
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT, verbose_name=_("status")
    )
    total = models.BigIntegerField(default=0, verbose_name=_("total"))
    computed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("computed at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(null=True, blank=True, verbose_name=_("approved at"))
    paid_on = models.DateField(null=True, blank=True, verbose_name=_("paid on"))
    paid_method = models.CharField(max_length=16, blank=True, verbose_name=_("paid method"))

    class Meta:
        verbose_name = _("payroll run")
        verbose_name_plural = _("payroll runs")
        ordering = ["-period", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["period", "branch"], name="uniq_payroll_run_branch"),
            models.UniqueConstraint(
                fields=["period"], condition=Q(branch__isnull=True), name="uniq_payroll_run_all"
            ),
        ]

    def __str__(self) -> str:
        return f"payroll {self.period:%Y-%m} ({self.status})"


class PayrollStatement(models.Model):
    run = models.ForeignKey(
        PayrollRun, on_delete=models.CASCADE, related_name="statements", verbose_name=_("run")
    )
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("teacher")
    )
    lessons = models.PositiveIntegerField(default=0, verbose_name=_("lessons"))
    base_amount = models.BigIntegerField(default=0, verbose_name=_("base amount"))
    adjustments_amount = models.BigIntegerField(default=0, verbose_name=_("adjustments amount"))
    total = models.BigIntegerField(default=0, verbose_name=_("total"))

    class Meta:
        verbose_name = _("payroll statement")
        verbose_name_plural = _("payroll statements")
        ordering = ["teacher_id"]
        constraints = [models.UniqueConstraint(fields=["run", "teacher"], name="uniq_statement_per_teacher")]

    def __str__(self) -> str:
        return f"statement of teacher {self.teacher_id} in run {self.run_id}"


class PayrollLine(models.Model):
    """One counted item: a lesson (with its present students), a revenue share or a fixed amount."""

    statement = models.ForeignKey(
        PayrollStatement, on_delete=models.CASCADE, related_name="lines", verbose_name=_("statement")
    )
    kind = models.CharField(max_length=24, choices=PayRate.Kind.choices, verbose_name=_("kind"))
    rate = models.ForeignKey(
        PayRate, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("rate")
    )
    lesson = models.ForeignKey(
        "lessons.Lesson",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lesson"),
    )
    group = models.ForeignKey(
        "courses.Group",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("group"),
    )
    lesson_starts_at = models.DateTimeField(null=True, blank=True, verbose_name=_("lesson starts at"))
    present_students = models.PositiveIntegerField(default=0, verbose_name=_("present students"))
    basis = models.BigIntegerField(
        default=0, help_text=_("revenue in tiyin for a revenue share"), verbose_name=_("basis")
    )
    amount = models.BigIntegerField(verbose_name=_("amount"))

    class Meta:
        verbose_name = _("payroll line")
        verbose_name_plural = _("payroll lines")
        ordering = ["lesson_starts_at", "id"]


class PayrollAdjustment(models.Model):
    class Kind(models.TextChoices):
        BONUS = "bonus", _("Bonus")
        PENALTY = "penalty", _("Penalty")

    run = models.ForeignKey(
        PayrollRun, on_delete=models.CASCADE, related_name="adjustments", verbose_name=_("run")
    )
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("teacher")
    )
    kind = models.CharField(max_length=8, choices=Kind.choices, verbose_name=_("kind"))
    amount = models.BigIntegerField(
        help_text=_("tiyin, positive; a penalty is subtracted"), verbose_name=_("amount")
    )
    reason = models.CharField(max_length=255, verbose_name=_("reason"))
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
        verbose_name = _("payroll adjustment")
        verbose_name_plural = _("payroll adjustments")
        ordering = ["created_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="payroll_adjustment_pos")]

    @property
    def signed_amount(self) -> int:
        return self.amount if self.kind == self.Kind.BONUS else -self.amount
