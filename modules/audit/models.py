from __future__ import annotations

from datetime import time

from django.db import models


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
    time_zone = models.CharField(max_length=64, default="Asia/Tashkent")
    currency = models.CharField(max_length=3, default="UZS")
    billing_due_day = models.PositiveSmallIntegerField(default=5)
    attendance_edit_window_days = models.PositiveSmallIntegerField(default=3)
    generation_horizon_weeks = models.PositiveSmallIntegerField(default=4)
    consecutive_absence_threshold = models.PositiveSmallIntegerField(default=3)
    quiet_hours_start = models.TimeField(default=time(22, 0))
    quiet_hours_end = models.TimeField(default=time(8, 0))
    max_upload_mb = models.PositiveIntegerField(default=50)
    audio_max_seconds = models.PositiveIntegerField(default=600)
    homework_resubmission_allowed = models.BooleanField(default=True)
    payme_ip_allowlist_enabled = models.BooleanField(default=False)
    coin_rules = models.JSONField(default=default_coin_rules)
    notification_defaults = models.JSONField(default=default_notification_defaults)
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
