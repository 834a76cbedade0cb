from __future__ import annotations

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

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
        TEXT = "text", _("Text")
        AUDIO = "audio", _("Audio")
        FILE = "file", _("File")

    group = models.ForeignKey(
        "courses.Group", on_delete=models.CASCADE, related_name="homework", verbose_name=_("group")
    )
    lesson = models.ForeignKey(
        "lessons.Lesson",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="homework",
        verbose_name=_("lesson"),
    )
    title = models.CharField(max_length=200, verbose_name=_("title"))
    instructions = models.TextField(blank=True, verbose_name=_("instructions"))
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.TEXT, verbose_name=_("kind"))
    reference_text = models.TextField(
        blank=True,
        help_text=_("what the student should say or write; scored"),
        verbose_name=_("reference text"),
    )
    due_at = models.DateTimeField(db_index=True, verbose_name=_("due at"))
    max_score = models.PositiveSmallIntegerField(default=100, verbose_name=_("max score"))
    accepts_late = models.BooleanField(default=False, verbose_name=_("accepts late"))
    resources = models.ManyToManyField(
        "resources.Resource",
        blank=True,
        related_name="homework",
        help_text=_("materials of its group, lessons or course"),
        verbose_name=_("resources"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        verbose_name = _("homework")
        ordering = ["-due_at", "-id"]
        verbose_name_plural = _("homework")
        constraints = [models.CheckConstraint(condition=Q(max_score__gt=0), name="homework_max_score_pos")]
        indexes = [models.Index(fields=["group", "due_at"])]

    def __str__(self) -> str:
        return self.title


class Submission(TimeStamped):
    """One attempt of a student at a homework. A resubmission adds a row (attempt + 1) and clears
    `is_current` on the previous one; exactly one current attempt per (homework, student)."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        TRANSCRIBING = "transcribing", _("Transcribing")
        TRANSCRIBED = "transcribed", _("Transcribed")
        SCORED = "scored", _("Scored")
        REVIEWED = "reviewed", _("Reviewed")
        FAILED = "failed", _("Failed")

    homework = models.ForeignKey(
        Homework, on_delete=models.CASCADE, related_name="submissions", verbose_name=_("homework")
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="homework_submissions",
        verbose_name=_("student"),
    )
    attempt = models.PositiveSmallIntegerField(default=1, verbose_name=_("attempt"))
    is_current = models.BooleanField(default=True, verbose_name=_("is current"))
    text = models.TextField(blank=True, verbose_name=_("text"))
    file = models.FileField(upload_to=upload_file, blank=True, max_length=255, verbose_name=_("file"))
    file_name = models.CharField(
        max_length=255, blank=True, help_text=_("the name the student uploaded"), verbose_name=_("file name")
    )
    file_content_type = models.CharField(
        max_length=100,
        blank=True,
        help_text=_("sniffed from the content at upload; served on download"),
        verbose_name=_("file content type"),
    )
    audio = models.FileField(upload_to=upload_audio, blank=True, max_length=255, verbose_name=_("audio"))
    audio_format = models.CharField(max_length=8, blank=True, verbose_name=_("audio format"))
    audio_seconds = models.FloatField(null=True, blank=True, verbose_name=_("audio seconds"))
    submitted_at = models.DateTimeField(verbose_name=_("submitted at"))
    is_late = models.BooleanField(default=False, verbose_name=_("is late"))
    status = models.CharField(
        max_length=16,
        choices=Status.choices,
        default=Status.SUBMITTED,
        db_index=True,
        verbose_name=_("status"),
    )
    status_changed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("status changed at"))
    failure_reason = models.CharField(max_length=500, blank=True, verbose_name=_("failure reason"))
    needs_manual_review = models.BooleanField(default=False, verbose_name=_("needs manual review"))
    manual_review_reason = models.CharField(
        max_length=300, blank=True, verbose_name=_("manual review reason")
    )
    score = models.DecimalField(
        max_digits=6, decimal_places=2, null=True, blank=True, verbose_name=_("score")
    )
    auto_score = models.DecimalField(
        max_digits=6, decimal_places=2, null=True, blank=True, verbose_name=_("auto score")
    )
    wer = models.FloatField(null=True, blank=True, verbose_name=_("word error rate"))
    diff = models.JSONField(null=True, blank=True, verbose_name=_("diff"))
    feedback = models.TextField(blank=True, verbose_name=_("feedback"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("reviewed at"))

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
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
    submission = models.OneToOneField(
        Submission, on_delete=models.CASCADE, related_name="transcript", verbose_name=_("submission")
    )
    text = models.TextField(blank=True, verbose_name=_("text"))
    language = models.CharField(max_length=16, blank=True, verbose_name=_("language"))
    duration = models.FloatField(null=True, blank=True, verbose_name=_("duration"))
    segments = models.JSONField(default=list, blank=True, verbose_name=_("segments"))
    words = models.JSONField(default=list, blank=True, verbose_name=_("words"))
    model = models.CharField(max_length=80, blank=True, verbose_name=_("model"))
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("attempts"))
    attempt_log = models.JSONField(
        default=list, blank=True, help_text=_("one entry per provider call"), verbose_name=_("attempt log")
    )
    last_error = models.CharField(max_length=500, blank=True, verbose_name=_("last error"))
    transcribed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("transcribed at"))

    class Meta:
        verbose_name = _("homework transcript")
        verbose_name_plural = _("homework transcripts")

    def __str__(self) -> str:
        return f"transcript of {self.submission_id}"


class DeadlineReminder(models.Model):
    """A deadline notice sent to one student: the unique key makes each kind go out at most once."""

    class Kind(models.TextChoices):
        DUE_24H = "due_24h", _("24 hours left")
        DUE_2H = "due_2h", _("2 hours left")
        MISSED = "missed", _("Deadline missed")

    homework = models.ForeignKey(
        Homework, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("homework")
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("student")
    )
    kind = models.CharField(max_length=8, choices=Kind.choices, verbose_name=_("kind"))
    sent_at = models.DateTimeField(auto_now_add=True, verbose_name=_("sent at"))

    class Meta:
        verbose_name = _("deadline reminder")
        verbose_name_plural = _("deadline reminders")
        constraints = [
            models.UniqueConstraint(fields=["homework", "student", "kind"], name="uniq_deadline_reminder")
        ]
