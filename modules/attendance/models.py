from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import TimeStamped


class Status(models.TextChoices):
    PRESENT = "present", _("Present")
    ABSENT = "absent", _("Absent")
    LATE = "late", _("Late")
    EXCUSED = "excused", _("Excused")


class AttendanceRecord(TimeStamped):
    """One student's attendance at one lesson. Written only by the attendance services, which also
    append an AttendanceChange for every change."""

    Status = Status

    lesson = models.ForeignKey(
        "lessons.Lesson", on_delete=models.CASCADE, related_name="attendance", verbose_name=_("lesson")
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="attendance_records",
        verbose_name=_("student"),
    )
    status = models.CharField(max_length=16, choices=Status.choices, verbose_name=_("status"))
    note = models.CharField(max_length=500, blank=True, verbose_name=_("note"))
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("marked by"),
    )
    marked_at = models.DateTimeField(verbose_name=_("marked at"))
    # an absence made up at another lesson (set when the student attends the make-up, cleared if
    # that mark changes); the seat (lessons.MakeupSeat) links the other way
    made_up_by = models.ForeignKey(
        "lessons.Lesson",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="made_up_records",
        verbose_name=_("made up by"),
    )

    class Meta:
        verbose_name = _("attendance record")
        verbose_name_plural = _("attendance records")
        ordering = ["lesson", "student"]
        constraints = [
            models.UniqueConstraint(fields=["lesson", "student"], name="uniq_attendance_per_lesson_student"),
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values), name="attendance_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["student", "lesson"])]

    def __str__(self) -> str:
        return f"{self.student_id} at {self.lesson_id}: {self.status}"


class AttendanceChange(models.Model):
    """Append-only history: who changed a record, when, and what it was before and after.
    `before_status` is empty for the change that created the record."""

    class Source(models.TextChoices):
        API = "api", _("API")
        IMPORT = "import", _("Import")
        ADMIN = "admin", _("Admin")

    record = models.ForeignKey(
        AttendanceRecord, on_delete=models.CASCADE, related_name="changes", verbose_name=_("record")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    source = models.CharField(
        max_length=16, choices=Source.choices, default=Source.API, verbose_name=_("source")
    )
    before_status = models.CharField(max_length=16, blank=True, verbose_name=_("before status"))
    after_status = models.CharField(max_length=16, verbose_name=_("after status"))
    before_note = models.CharField(max_length=500, blank=True, verbose_name=_("before note"))
    after_note = models.CharField(max_length=500, blank=True, verbose_name=_("after note"))
    created_at = models.DateTimeField(default=timezone.now, db_index=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("attendance change")
        verbose_name_plural = _("attendance changes")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"record {self.record_id}: {self.before_status or '-'} -> {self.after_status}"

    def save(self, *args, **kwargs):
        # History is never rewritten: only inserts are allowed.
        if self.pk is not None and not self._state.adding:
            raise ValueError("Attendance history is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Attendance history is append-only.")


class TrialVisit(TimeStamped):
    """A prospective student (a lead of the front office, known here only by its id and the name and
    phone copied at booking) trying a lesson. Marked with the students; `status` is null until then."""

    lesson = models.ForeignKey(
        "lessons.Lesson", on_delete=models.CASCADE, related_name="trial_visits", verbose_name=_("lesson")
    )
    lead_id = models.PositiveBigIntegerField(db_index=True, verbose_name=_("lead id"))
    first_name = models.CharField(max_length=80, verbose_name=_("first name"))
    last_name = models.CharField(max_length=80, blank=True, verbose_name=_("last name"))
    phone = models.CharField(max_length=16, verbose_name=_("phone"))
    status = models.CharField(
        max_length=16, choices=Status.choices, null=True, blank=True, verbose_name=_("status")
    )
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("marked by"),
    )
    marked_at = models.DateTimeField(null=True, blank=True, verbose_name=_("marked at"))
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("booked by"),
    )

    class Meta:
        verbose_name = _("trial visit")
        verbose_name_plural = _("trial visits")
        ordering = ["lesson", "last_name", "first_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["lesson", "lead_id"], name="uniq_trial_visit_per_lesson"),
        ]

    def __str__(self) -> str:
        return f"trial of lead {self.lead_id} at {self.lesson_id}: {self.status or 'unmarked'}"
