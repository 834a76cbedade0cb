from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStamped


class Reason(models.TextChoices):
    ATTENDANCE = "attendance", _("Attendance")
    STREAK_BONUS = "streak_bonus", _("Attendance streak")
    HOMEWORK_SCORE = "homework_score", _("Homework score")
    HOMEWORK_ON_TIME = "homework_on_time", _("Homework on time")
    INVOICE_ON_TIME = "invoice_on_time", _("Invoice paid on time")
    ACHIEVEMENT = "achievement", _("Achievement")
    MANUAL_AWARD = "manual_award", _("Manual award")
    MANUAL_DEDUCT = "manual_deduct", _("Manual deduction")
    REDEMPTION = "redemption", _("Reward redeemed")
    REDEMPTION_REFUND = "redemption_refund", _("Redemption refunded")


class CoinTransaction(models.Model):
    """The ledger: append-only. A correction is a new row with the opposite sign, never an edit.
    `group` is set when the coins were earned in a group (its lesson, homework or invoice), which is
    what that group's leaderboard sums.

    Every award writes each index, so there is none a composite below already starts with (the
    foreign keys are looked up through those), and the key's uniqueness is a constraint, not
    `unique=True`, which on Postgres adds a LIKE-pattern index for a text column."""

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="coin_transactions",
        db_index=False,  # coin_tx_student_time and coin_tx_source start with it
        verbose_name=_("student"),
    )
    group = models.ForeignKey(
        "courses.Group",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="coin_transactions",
        db_index=False,  # coin_tx_leaderboard starts with it (group_id = x implies its condition)
        verbose_name=_("group"),
    )
    amount = models.IntegerField(verbose_name=_("amount"))
    reason = models.CharField(max_length=32, choices=Reason.choices, verbose_name=_("reason"))
    source_type = models.CharField(max_length=32, blank=True, verbose_name=_("source type"))
    source_id = models.BigIntegerField(null=True, blank=True, verbose_name=_("source id"))
    idempotency_key = models.CharField(max_length=160, verbose_name=_("idempotency key"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # coin_tx_issuer_day starts with it
        verbose_name=_("created by"),
    )
    note = models.CharField(max_length=255, blank=True, verbose_name=_("note"))
    created_at = models.DateTimeField(auto_now_add=True, db_index=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("coin transaction")
        verbose_name_plural = _("coin transactions")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="coin_tx_amount_nonzero"),
            models.UniqueConstraint(fields=["idempotency_key"], name="coin_tx_idempotency_key"),
        ]
        indexes = [
            models.Index(fields=["student", "-created_at"], name="coin_tx_student_time"),
            models.Index(fields=["student", "source_type", "source_id"], name="coin_tx_source"),
            # the leaderboard aggregate reads only these columns (an index-only scan on Postgres)
            models.Index(
                fields=["group", "student", "created_at", "amount"],
                name="coin_tx_leaderboard",
                condition=Q(group__isnull=False),
            ),
            models.Index(fields=["created_by", "reason", "created_at"], name="coin_tx_issuer_day"),
        ]

    def __str__(self) -> str:
        return f"{self.amount:+d} {self.reason} → {self.student_id}"


class StudentCoin(models.Model):
    """A student's balance: a cache of the ledger, updated in the same transaction under a row lock."""

    student = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="coin_account",
        verbose_name=_("student"),
    )
    balance = models.BigIntegerField(default=0, verbose_name=_("balance"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name_plural = _("coin balances")
        verbose_name = _("coin balance")

    def __str__(self) -> str:
        return f"{self.student_id}: {self.balance}"


class AttendanceMark(models.Model):
    """Gamification's own projection of attendance (from attendance_marked): streaks and perfect weeks
    need a student's marks in lesson order, including edits of past lessons."""

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("student")
    )
    group = models.ForeignKey(
        "courses.Group", on_delete=models.CASCADE, related_name="+", verbose_name=_("group")
    )
    lesson = models.ForeignKey(
        "lessons.Lesson", on_delete=models.CASCADE, related_name="+", verbose_name=_("lesson")
    )
    lesson_starts_at = models.DateTimeField(verbose_name=_("lesson starts at"))
    status = models.CharField(max_length=16, verbose_name=_("status"))

    class Meta:
        verbose_name = _("attendance mark")
        verbose_name_plural = _("attendance marks")
        constraints = [models.UniqueConstraint(fields=["lesson", "student"], name="uniq_attendance_mark")]
        indexes = [models.Index(fields=["student", "group", "lesson_starts_at"], name="att_mark_order")]


class StudentAchievement(models.Model):
    """A badge a student earned. `period` is "" for once-ever badges, else e.g. "2026-W47" or
    "2026-11": the unique key makes every award happen at most once per student and period."""

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="achievements",
        verbose_name=_("student"),
    )
    code = models.CharField(max_length=40, verbose_name=_("code"))
    period = models.CharField(max_length=16, blank=True, default="", verbose_name=_("period"))
    group = models.ForeignKey(
        "courses.Group",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("group"),
    )
    awarded_at = models.DateTimeField(auto_now_add=True, verbose_name=_("awarded at"))

    class Meta:
        verbose_name = _("student achievement")
        verbose_name_plural = _("student achievements")
        ordering = ["-awarded_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["student", "code", "period"], name="uniq_achievement_period")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.period} → {self.student_id}"


class Reward(TimeStamped):
    name = models.CharField(max_length=120, verbose_name=_("name"))
    description = models.TextField(blank=True, verbose_name=_("description"))
    price = models.PositiveIntegerField(help_text=_("coins"), verbose_name=_("price"))
    stock = models.PositiveIntegerField(default=0, verbose_name=_("stock"))
    is_active = models.BooleanField(default=True, db_index=True, verbose_name=_("is active"))

    class Meta:
        verbose_name = _("reward")
        verbose_name_plural = _("rewards")
        ordering = ["price", "name", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(price__gt=0), name="reward_price_positive"),
            models.CheckConstraint(condition=Q(stock__gte=0), name="reward_stock_nonneg"),
        ]

    def __str__(self) -> str:
        return self.name


class Redemption(TimeStamped):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        HANDED_OVER = "handed_over", _("Handed over")
        CANCELLED = "cancelled", _("Cancelled")

    reward = models.ForeignKey(
        Reward, on_delete=models.PROTECT, related_name="redemptions", verbose_name=_("reward")
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="redemptions",
        verbose_name=_("student"),
    )
    price = models.PositiveIntegerField(
        help_text=_("coins paid, as priced at the time"), verbose_name=_("price")
    )
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True, verbose_name=_("status")
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )
    handed_over_at = models.DateTimeField(null=True, blank=True, verbose_name=_("handed over at"))
    cancelled_at = models.DateTimeField(null=True, blank=True, verbose_name=_("cancelled at"))

    class Meta:
        verbose_name = _("redemption")
        verbose_name_plural = _("redemptions")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["student", "-created_at"], name="redemption_student")]

    def __str__(self) -> str:
        return f"{self.reward_id} → {self.student_id} ({self.status})"


class Period(models.TextChoices):
    WEEK = "week", _("This week")
    MONTH = "month", _("This month")
    ALL = "all", _("All time")


class LeaderboardSnapshot(models.Model):
    """The stored leaderboard of one group and period, rewritten by update_leaderboards and served as is
    (one row read per request). `entries` is the JSON of the ranked list [{rank, student: {id, first_name,
    last_name}, coins}]; the signatures tell the next refresh whether anything changed (rewrite) and
    whether the ranking itself changed (event)."""

    group = models.ForeignKey(
        "courses.Group", on_delete=models.CASCADE, related_name="+", verbose_name=_("group")
    )
    period = models.CharField(max_length=8, choices=Period.choices, verbose_name=_("period"))
    period_start = models.DateField(null=True, blank=True, verbose_name=_("period start"))
    # JSON text rather than a JSONField: psycopg's Jsonb adapter made quoting the 1,500 snapshots of a
    # full refresh about 8x slower than plain text; the reader parses one small list
    entries = models.TextField(default="[]", verbose_name=_("entries"))
    signature = models.CharField(max_length=64, verbose_name=_("signature"))
    rank_signature = models.CharField(max_length=64, verbose_name=_("rank signature"))
    refreshed_at = models.DateTimeField(verbose_name=_("refreshed at"))

    class Meta:
        verbose_name = _("leaderboard snapshot")
        verbose_name_plural = _("leaderboard snapshots")
        constraints = [models.UniqueConstraint(fields=["group", "period"], name="uniq_leaderboard_snapshot")]

    def __str__(self) -> str:
        return f"{self.group_id} {self.period} {self.period_start}"
