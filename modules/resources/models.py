from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStamped


def resource_path(instance: Resource, filename: str) -> str:
    """A random name: the storage path says nothing about the file and cannot be guessed."""
    return f"resources/{instance.created_month()}/{uuid.uuid4().hex}.{instance.extension}"


class Resource(TimeStamped):
    """A material attached to exactly one of: a lesson, a group, a course. Private: read it only through
    GET /resources/{id}/download."""

    class Kind(models.TextChoices):
        DOCUMENT = "document", _("Document")
        AUDIO = "audio", _("Audio")
        VIDEO = "video", _("Video")
        IMAGE = "image", _("Image")

    lesson = models.ForeignKey(
        "lessons.Lesson",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="resources",
        verbose_name=_("lesson"),
    )
    group = models.ForeignKey(
        "courses.Group",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="resources",
        verbose_name=_("group"),
    )
    course = models.ForeignKey(
        "courses.Course",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="resources",
        verbose_name=_("course"),
    )
    title = models.CharField(max_length=200, verbose_name=_("title"))
    description = models.TextField(blank=True, verbose_name=_("description"))
    file = models.FileField(upload_to=resource_path, max_length=255, verbose_name=_("file"))
    original_name = models.CharField(max_length=255, blank=True, verbose_name=_("original name"))
    kind = models.CharField(max_length=16, choices=Kind.choices, db_index=True, verbose_name=_("kind"))
    content_type = models.CharField(max_length=120, verbose_name=_("content type"))
    extension = models.CharField(max_length=8, verbose_name=_("extension"))
    size = models.BigIntegerField(help_text=_("bytes"), verbose_name=_("size"))
    duration_seconds = models.FloatField(
        null=True, blank=True, help_text=_("audio only"), verbose_name=_("duration seconds")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(lesson__isnull=False, group__isnull=True, course__isnull=True)
                    | Q(lesson__isnull=True, group__isnull=False, course__isnull=True)
                    | Q(lesson__isnull=True, group__isnull=True, course__isnull=False)
                ),
                name="resource_exactly_one_target",
            ),
            models.CheckConstraint(condition=Q(size__gte=0), name="resource_size_nonneg"),
        ]

    def __str__(self) -> str:
        return self.title

    def created_month(self) -> str:
        from django.utils import timezone

        return (self.created_at or timezone.now()).strftime("%Y/%m")
