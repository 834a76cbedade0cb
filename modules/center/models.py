from __future__ import annotations

from datetime import time

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from modules.center.validation import INT_BOUNDS, validate_coin_rules, validate_notification_defaults


def _bounds(name: str) -> list:
    low, high = INT_BOUNDS[name]
    return [MinValueValidator(low), MaxValueValidator(high)]


class SystemSettings(models.Model):
    """The center's settings: one row (pk=1), read through selectors.get_system_settings() (cached,
    invalidated on save). The JSON sections hold overrides only; the module owning a section supplies
    its defaults (modules.center.sections). Neither the time zone nor the currency is here: the zone is
    the deployment's TIME_ZONE (selectors.center_zone()), so stored dates never change meaning, and
    money is always UZS tiyin."""

    center_name = models.CharField(max_length=120, default="Markaz")
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
    coin_rules = models.JSONField(default=dict, blank=True, validators=[validate_coin_rules])
    notification_defaults = models.JSONField(
        default=dict, blank=True, validators=[validate_notification_defaults]
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "audit_systemsettings"  # the table predates this app; it was moved, not copied
        verbose_name = "system settings"
        verbose_name_plural = "system settings"

    def __str__(self) -> str:
        return f"Settings of {self.center_name}"

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)
        from modules.center.selectors import invalidate_system_settings

        invalidate_system_settings()
