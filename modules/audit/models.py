from __future__ import annotations

from datetime import time

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models

from modules.audit.validation import (
    INT_BOUNDS,
    validate_coin_rules,
    validate_notification_defaults,
    validate_time_zone,
)


def _bounds(name: str) -> list:
    low, high = INT_BOUNDS[name]
    return [MinValueValidator(low), MaxValueValidator(high)]


def default_coin_rules() -> dict:
    return {
        "present": 10,
        "late": 5,
        "homework_on_time": 5,
        # score bands: a submission scoring at least `min_percent` of max earns `coins`
        "homework_bands": [
            {"min_percent": 90, "coins": 20},
            {"min_percent": 70, "coins": 10},
            {"min_percent": 50, "coins": 5},
        ],
        "invoice_on_time": 20,
        "streak_length": 10,
        "streak_bonus": 50,
        "teacher_daily_limit": 100,
    }


def default_notification_defaults() -> dict:
    # channels on by default for each role; users override per kind and channel
    return {
        "admin": ["in_app", "email"],
        "teacher": ["in_app", "telegram", "email"],
        "student": ["in_app", "telegram"],
        "parent": ["in_app", "telegram", "sms"],
    }


class SystemSettings(models.Model):
    """The center's settings: one row (pk=1), read through selectors.get_system_settings() (cached,
    invalidated on save)."""

    center_name = models.CharField(max_length=120, default="Markaz")
    time_zone = models.CharField(max_length=64, default="Asia/Tashkent", validators=[validate_time_zone])
    currency = models.CharField(
        max_length=3, default="UZS", validators=[RegexValidator(r"^[A-Z]{3}$", "an ISO 4217 code, e.g. UZS")]
    )
    billing_due_day = models.PositiveSmallIntegerField(default=5, validators=_bounds("billing_due_day"))
    attendance_edit_window_days = models.PositiveSmallIntegerField(
        default=3, validators=_bounds("attendance_edit_window_days")
    )
    generation_horizon_weeks = models.PositiveSmallIntegerField(
        default=4, validators=_bounds("generation_horizon_weeks")
    )
    consecutive_absence_threshold = models.PositiveSmallIntegerField(
        default=3, validators=_bounds("consecutive_absence_threshold")
    )
    quiet_hours_start = models.TimeField(default=time(22, 0))
    quiet_hours_end = models.TimeField(default=time(8, 0))
    max_upload_mb = models.PositiveIntegerField(default=50, validators=_bounds("max_upload_mb"))
    audio_max_seconds = models.PositiveIntegerField(default=600, validators=_bounds("audio_max_seconds"))
    homework_resubmission_allowed = models.BooleanField(default=True)
    payme_ip_allowlist_enabled = models.BooleanField(default=False)
    coin_rules = models.JSONField(default=default_coin_rules, validators=[validate_coin_rules])
    notification_defaults = models.JSONField(
        default=default_notification_defaults, validators=[validate_notification_defaults]
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "system settings"
        verbose_name_plural = "system settings"

    def __str__(self) -> str:
        return f"Settings of {self.center_name}"

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)
        from modules.audit.selectors import invalidate_system_settings

        invalidate_system_settings()


class AuditLogQuerySet(models.QuerySet):
    """The log is append-only: bulk updates and deletes through the ORM are refused."""

    def update(self, **kwargs):
        raise AuditLogImmutable("audit log entries cannot be changed")

    def delete(self):
        raise AuditLogImmutable("audit log entries cannot be deleted")


class AuditLogImmutable(Exception):
    pass


class AuditLog(models.Model):
    """One write: who (actor), what (action on object_type/object_id), how (changes: field ->
    [before, after], secrets masked), from where (ip, user agent, request id, source), when."""

    class Action(models.TextChoices):
        CREATE = "create", "Create"
        UPDATE = "update", "Update"
        DELETE = "delete", "Delete"

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # No FK constraint and DO_NOTHING: deleting a user never touches the entries that name them.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_repr = models.CharField(max_length=200, blank=True)
    # create/update/delete, or a domain action such as "lesson.cancelled" or "attendance.marked"
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=100)  # "app_label.model", e.g. "accounts.user"
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=255, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    source = models.CharField(max_length=16, blank=True)  # "api", "admin" or "web"

    objects = AuditLogQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
            models.Index(fields=["actor", "created_at"], name="audit_actor_time"),
            models.Index(fields=["action", "created_at"], name="audit_action_time"),
        ]
        default_permissions = ("add", "view")

    def __str__(self) -> str:
        return f"{self.action} {self.object_type}#{self.object_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditLogImmutable("audit log entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogImmutable("audit log entries cannot be deleted")
