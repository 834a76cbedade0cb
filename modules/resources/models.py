from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.models import TimeStamped


def resource_path(instance: Resource, filename: str) -> str:
    """A random name: the storage path says nothing about the file and cannot be guessed."""
    return f"resources/{instance.created_month()}/{uuid.uuid4().hex}.{instance.extension}"


class Resource(TimeStamped):
    """A material attached to exactly one of: a lesson, a group, a course. Private: read it only through
    GET /resources/{id}/download."""

    class Kind(models.TextChoices):
        DOCUMENT = "document", "Document"
        AUDIO = "audio", "Audio"
        VIDEO = "video", "Video"
        IMAGE = "image", "Image"

    lesson = models.ForeignKey(
        "lessons.Lesson", on_delete=models.CASCADE, null=True, blank=True, related_name="resources"
    )
    group = models.ForeignKey(
        "courses.Group", on_delete=models.CASCADE, null=True, blank=True, related_name="resources"
    )
    course = models.ForeignKey(
        "courses.Course", on_delete=models.CASCADE, null=True, blank=True, related_name="resources"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    file = models.FileField(upload_to=resource_path, max_length=255)
    original_name = models.CharField(max_length=255, blank=True)
    kind = models.CharField(max_length=16, choices=Kind.choices, db_index=True)
    content_type = models.CharField(max_length=120)
    extension = models.CharField(max_length=8)
    size = models.BigIntegerField(help_text="bytes")
    duration_seconds = models.FloatField(null=True, blank=True, help_text="audio only")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
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
