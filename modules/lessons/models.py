from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStamped
from modules.center.selectors import center_zone


class Lesson(TimeStamped):
    """One lesson of a group. `original_starts_at` is the slot it was generated for and never
    changes, so regeneration recognises a rescheduled lesson and never recreates its old slot."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    class Kind(models.TextChoices):
        REGULAR = "regular", _("Regular")
        MAKEUP = "makeup", _("Make-up")

    # group, teacher and room need no single-column index of their own: the (x, starts_at) indexes
    # below serve every lookup by them, and each index less makes bulk generation faster
    group = models.ForeignKey(
        "courses.Group",
        on_delete=models.CASCADE,
        related_name="lessons",
        db_index=False,
        verbose_name=_("group"),
    )
    schedule = models.ForeignKey(
        "courses.LessonSchedule",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lessons",
        verbose_name=_("schedule"),
    )
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="taught_lessons",
        db_index=False,
        verbose_name=_("teacher"),
    )
    room = models.ForeignKey(
        "courses.Room",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lessons",
        db_index=False,
        verbose_name=_("room"),
    )
    starts_at = models.DateTimeField(
        verbose_name=_("starts at")
    )  # indexed with id below: lists order by (starts_at, id)
    ends_at = models.DateTimeField(verbose_name=_("ends at"))
    original_starts_at = models.DateTimeField(verbose_name=_("original starts at"))
    status = models.CharField(
        max_length=16,
        choices=Status.choices,
        default=Status.SCHEDULED,
        db_index=True,
        verbose_name=_("status"),
    )
    # a make-up lesson's roster is its MakeupSeat rows, not the group's memberships. The database
    # default serves bulk inserts that name their columns (lesson generation's raw INSERT).
    kind = models.CharField(
        max_length=16,
        choices=Kind.choices,
        default=Kind.REGULAR,
        db_default=Kind.REGULAR,
        verbose_name=_("kind"),
    )
    topic = models.CharField(max_length=255, blank=True, verbose_name=_("topic"))
    notes = models.TextField(blank=True, verbose_name=_("notes"))
    cancel_reason = models.CharField(max_length=255, blank=True, verbose_name=_("cancel reason"))

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        ordering = ["starts_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["group", "original_starts_at"], name="uniq_lesson_slot"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="lesson_ends_after_start"),
        ]
        indexes = [
            # a page of a list ordered by (starts_at, id) reads just its rows, even when hundreds of
            # lessons start at the same minute
            models.Index(fields=["starts_at", "id"], name="lesson_starts_at_id"),
            models.Index(fields=["group", "starts_at"]),
            models.Index(fields=["teacher", "starts_at"]),
            models.Index(fields=["room", "starts_at"]),
        ]

    def __str__(self) -> str:
        # in the center's zone: the admin's selects, breadcrumbs and history name lessons by this
        return f"{self.group} {self.starts_at.astimezone(center_zone()):%d.%m.%Y %H:%M}"


class MakeupSeat(models.Model):
    """A student absent from `original` who makes it up at `lesson`: a make-up lesson of the same
    group, or another group's lesson of the same course. One make-up per missed lesson and student."""

    lesson = models.ForeignKey(
        Lesson, on_delete=models.CASCADE, related_name="makeup_seats", verbose_name=_("lesson")
    )
    original = models.ForeignKey(
        Lesson, on_delete=models.CASCADE, related_name="made_up_at", verbose_name=_("original")
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("student")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("make-up seat")
        verbose_name_plural = _("make-up seats")
        ordering = ["lesson", "student"]
        constraints = [
            models.UniqueConstraint(fields=["lesson", "student"], name="uniq_makeup_seat"),
            models.UniqueConstraint(fields=["original", "student"], name="uniq_makeup_per_absence"),
        ]
        indexes = [models.Index(fields=["student", "lesson"])]

    def __str__(self) -> str:
        return f"{self.student_id}: {self.original_id} made up at {self.lesson_id}"


class LessonReschedule(models.Model):
    """Append-only history of a lesson's moves."""

    lesson = models.ForeignKey(
        Lesson, on_delete=models.CASCADE, related_name="reschedules", verbose_name=_("lesson")
    )
    from_starts_at = models.DateTimeField(verbose_name=_("from starts at"))
    to_starts_at = models.DateTimeField(verbose_name=_("to starts at"))
    from_room = models.ForeignKey(
        "courses.Room",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("from room"),
    )
    to_room = models.ForeignKey(
        "courses.Room",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("to room"),
    )
    reason = models.CharField(max_length=255, verbose_name=_("reason"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("lesson reschedule")
        verbose_name_plural = _("lesson reschedules")
        ordering = ["created_at", "id"]


class CalendarFeed(models.Model):
    """A private iCalendar URL of one user. Only the token's SHA-256 is stored; the URL is shown
    once, when made. Revoking (or making a new one) kills the old URL."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feeds",
        verbose_name=_("user"),
    )
    token_hash = models.CharField(max_length=64, unique=True, verbose_name=_("token hash"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    revoked_at = models.DateTimeField(null=True, blank=True, verbose_name=_("revoked at"))
    last_used_at = models.DateTimeField(null=True, blank=True, verbose_name=_("last used at"))

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(revoked_at__isnull=True), name="uniq_live_calendar_feed"
            )
        ]

    def __str__(self) -> str:
        return f"calendar feed of {self.user_id}"
