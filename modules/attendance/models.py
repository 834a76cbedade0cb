from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.models import TimeStamped


class Status(models.TextChoices):
    PRESENT = "present", "Present"
    ABSENT = "absent", "Absent"
    LATE = "late", "Late"
    EXCUSED = "excused", "Excused"


class AttendanceRecord(TimeStamped):
    """One student's attendance at one lesson. Written only by the attendance services, which also
    append an AttendanceChange for every change."""

    Status = Status

    lesson = models.ForeignKey("lessons.Lesson", on_delete=models.CASCADE, related_name="attendance")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="attendance_records"
    )
    status = models.CharField(max_length=16, choices=Status.choices)
    note = models.CharField(max_length=500, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    marked_at = models.DateTimeField()
    # an absence made up at another lesson (set when the student attends the make-up, cleared if
    # that mark changes); the seat (lessons.MakeupSeat) links the other way
    made_up_by = models.ForeignKey(
        "lessons.Lesson", on_delete=models.SET_NULL, null=True, blank=True, related_name="made_up_records"
    )

    class Meta:
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
        API = "api", "API"
        IMPORT = "import", "Import"
        ADMIN = "admin", "Admin"

    record = models.ForeignKey(AttendanceRecord, on_delete=models.CASCADE, related_name="changes")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.API)
    before_status = models.CharField(max_length=16, blank=True)
    after_status = models.CharField(max_length=16)
    before_note = models.CharField(max_length=500, blank=True)
    after_note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
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

    lesson = models.ForeignKey("lessons.Lesson", on_delete=models.CASCADE, related_name="trial_visits")
    lead_id = models.PositiveBigIntegerField(db_index=True)
    first_name = models.CharField(max_length=80)
    last_name = models.CharField(max_length=80, blank=True)
    phone = models.CharField(max_length=16)
    status = models.CharField(max_length=16, choices=Status.choices, null=True, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    marked_at = models.DateTimeField(null=True, blank=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["lesson", "last_name", "first_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["lesson", "lead_id"], name="uniq_trial_visit_per_lesson"),
        ]

    def __str__(self) -> str:
        return f"trial of lead {self.lead_id} at {self.lesson_id}: {self.status or 'unmarked'}"
