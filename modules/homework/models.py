from __future__ import annotations

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.models import TimeStamped


def _random_name(folder: str, filename: str) -> str:
    # Random names: a student's file name never leaks into storage paths or signed URLs.
    suffix = PurePosixPath(filename).suffix.lower()[:8]
    return f"homework/{folder}/{uuid.uuid4().hex}{suffix}"


def upload_audio(instance, filename: str) -> str:
    return _random_name("audio", filename)


def upload_file(instance, filename: str) -> str:
    return _random_name("files", filename)


class Homework(TimeStamped):
    class Kind(models.TextChoices):
        TEXT = "text", "Text"
        AUDIO = "audio", "Audio"
        FILE = "file", "File"

    group = models.ForeignKey("courses.Group", on_delete=models.CASCADE, related_name="homework")
    lesson = models.ForeignKey(
        "lessons.Lesson", on_delete=models.SET_NULL, null=True, blank=True, related_name="homework"
    )
    title = models.CharField(max_length=200)
    instructions = models.TextField(blank=True)
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.TEXT)
    reference_text = models.TextField(blank=True, help_text="what the student should say or write; scored")
    due_at = models.DateTimeField(db_index=True)
    max_score = models.PositiveSmallIntegerField(default=100)
    accepts_late = models.BooleanField(default=False)
    resources = models.ManyToManyField(
        "resources.Resource",
        blank=True,
        related_name="homework",
        help_text="materials of its group, lessons or course",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-due_at", "-id"]
        verbose_name_plural = "homework"
        constraints = [models.CheckConstraint(condition=Q(max_score__gt=0), name="homework_max_score_pos")]
        indexes = [models.Index(fields=["group", "due_at"])]

    def __str__(self) -> str:
        return self.title


class Submission(TimeStamped):
    """One attempt of a student at a homework. A resubmission adds a row (attempt + 1) and clears
    `is_current` on the previous one; exactly one current attempt per (homework, student)."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        TRANSCRIBING = "transcribing", "Transcribing"
        TRANSCRIBED = "transcribed", "Transcribed"
        SCORED = "scored", "Scored"
        REVIEWED = "reviewed", "Reviewed"
        FAILED = "failed", "Failed"

    homework = models.ForeignKey(Homework, on_delete=models.CASCADE, related_name="submissions")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="homework_submissions"
    )
    attempt = models.PositiveSmallIntegerField(default=1)
    is_current = models.BooleanField(default=True)
    text = models.TextField(blank=True)
    file = models.FileField(upload_to=upload_file, blank=True, max_length=255)
    file_name = models.CharField(max_length=255, blank=True, help_text="the name the student uploaded")
    file_content_type = models.CharField(
        max_length=100, blank=True, help_text="sniffed from the content at upload; served on download"
    )
    audio = models.FileField(upload_to=upload_audio, blank=True, max_length=255)
    audio_format = models.CharField(max_length=8, blank=True)
    audio_seconds = models.FloatField(null=True, blank=True)
    submitted_at = models.DateTimeField()
    is_late = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SUBMITTED, db_index=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    failure_reason = models.CharField(max_length=500, blank=True)
    needs_manual_review = models.BooleanField(default=False)
    manual_review_reason = models.CharField(max_length=300, blank=True)
    score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    auto_score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    wer = models.FloatField(null=True, blank=True)
    diff = models.JSONField(null=True, blank=True)
    feedback = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["homework", "student", "attempt"], name="uniq_submission_attempt"
            ),
            models.UniqueConstraint(
                fields=["homework", "student"], condition=Q(is_current=True), name="uniq_current_submission"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0), name="submission_score_nonneg"
            ),
        ]
        indexes = [
            models.Index(fields=["student", "submitted_at"]),
            models.Index(fields=["homework", "is_current", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.homework_id}/{self.student_id} #{self.attempt} ({self.status})"


class HomeworkTranscript(TimeStamped):
    submission = models.OneToOneField(Submission, on_delete=models.CASCADE, related_name="transcript")
    text = models.TextField(blank=True)
    language = models.CharField(max_length=16, blank=True)
    duration = models.FloatField(null=True, blank=True)
    segments = models.JSONField(default=list, blank=True)
    words = models.JSONField(default=list, blank=True)
    model = models.CharField(max_length=80, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    attempt_log = models.JSONField(default=list, blank=True, help_text="one entry per provider call")
    last_error = models.CharField(max_length=500, blank=True)
    transcribed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"transcript of {self.submission_id}"


class DeadlineReminder(models.Model):
    """A deadline notice sent to one student: the unique key makes each kind go out at most once."""

    class Kind(models.TextChoices):
        DUE_24H = "due_24h", "24 hours left"
        DUE_2H = "due_2h", "2 hours left"
        MISSED = "missed", "Deadline missed"

    homework = models.ForeignKey(Homework, on_delete=models.CASCADE, related_name="reminders")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["homework", "student", "kind"], name="uniq_deadline_reminder")
        ]
