"""Rates, runs, statements (one per teacher and run), their lines (every counted lesson) and
adjustments. Money is integer tiyin; a percentage is stored in basis points (2500 = 25 %)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.models import TimeStamped


class PayRate(TimeStamped):
    """How a teacher is paid. The most specific level wins for a lesson: rates of its group, else of
    its course, else the teacher's general rates; every rate of the winning level applies."""

    class Kind(models.TextChoices):
        PER_LESSON = "per_lesson", "Per lesson taught"
        PER_PRESENT_STUDENT = "per_present_student", "Per present student per lesson"
        REVENUE_PERCENT = "revenue_percent", "Percentage of the group's paid revenue"
        FIXED_MONTHLY = "fixed_monthly", "Fixed monthly amount"

    teacher = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pay_rates")
    course = models.ForeignKey(
        "courses.Course", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    group = models.ForeignKey(
        "courses.Group", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=24, choices=Kind.choices)
    amount = models.BigIntegerField(help_text="tiyin; for revenue_percent: basis points (2500 = 25 %)")
    count_makeup_lessons = models.BooleanField(default=True)
    count_trial_lessons = models.BooleanField(default=False)
    count_lessons_nobody_attended = models.BooleanField(default=False)
    active_from = models.DateField()
    active_to = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=255, blank=True)

    class Meta:
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
        DRAFT = "draft", "Draft"
        APPROVED = "approved", "Approved"
        PAID = "paid", "Paid"

    period = models.DateField(help_text="first day of the month")
    branch = models.ForeignKey(
        "courses.Branch", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    total = models.BigIntegerField(default=0)
    computed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    paid_on = models.DateField(null=True, blank=True)
    paid_method = models.CharField(max_length=16, blank=True)

    class Meta:
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
    run = models.ForeignKey(PayrollRun, on_delete=models.CASCADE, related_name="statements")
    teacher = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    lessons = models.PositiveIntegerField(default=0)
    base_amount = models.BigIntegerField(default=0)
    adjustments_amount = models.BigIntegerField(default=0)
    total = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["teacher_id"]
        constraints = [models.UniqueConstraint(fields=["run", "teacher"], name="uniq_statement_per_teacher")]

    def __str__(self) -> str:
        return f"statement of teacher {self.teacher_id} in run {self.run_id}"


class PayrollLine(models.Model):
    """One counted item: a lesson (with its present students), a revenue share or a fixed amount."""

    statement = models.ForeignKey(PayrollStatement, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(max_length=24, choices=PayRate.Kind.choices)
    rate = models.ForeignKey(PayRate, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    lesson = models.ForeignKey(
        "lessons.Lesson", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    group = models.ForeignKey(
        "courses.Group", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    lesson_starts_at = models.DateTimeField(null=True, blank=True)
    present_students = models.PositiveIntegerField(default=0)
    basis = models.BigIntegerField(default=0, help_text="revenue in tiyin for a revenue share")
    amount = models.BigIntegerField()

    class Meta:
        ordering = ["lesson_starts_at", "id"]


class PayrollAdjustment(models.Model):
    class Kind(models.TextChoices):
        BONUS = "bonus", "Bonus"
        PENALTY = "penalty", "Penalty"

    run = models.ForeignKey(PayrollRun, on_delete=models.CASCADE, related_name="adjustments")
    teacher = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    amount = models.BigIntegerField(help_text="tiyin, positive; a penalty is subtracted")
    reason = models.CharField(max_length=255)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="payroll_adjustment_pos")]

    @property
    def signed_amount(self) -> int:
        return self.amount if self.kind == self.Kind.BONUS else -self.amount
