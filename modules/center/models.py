from __future__ import annotations

from datetime import time

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

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

    center_name = models.CharField(max_length=120, default="Markaz", verbose_name=_("center name"))
    billing_due_day = models.PositiveSmallIntegerField(
        default=5, validators=_bounds("billing_due_day"), verbose_name=_("billing due day")
    )
    attendance_edit_window_days = models.PositiveSmallIntegerField(
        default=3,
        validators=_bounds("attendance_edit_window_days"),
        verbose_name=_("attendance edit window days"),
    )
    generation_horizon_weeks = models.PositiveSmallIntegerField(
        default=4, validators=_bounds("generation_horizon_weeks"), verbose_name=_("generation horizon weeks")
    )
    consecutive_absence_threshold = models.PositiveSmallIntegerField(
        default=3,
        validators=_bounds("consecutive_absence_threshold"),
        verbose_name=_("consecutive absence threshold"),
    )
    quiet_hours_start = models.TimeField(default=time(22, 0), verbose_name=_("quiet hours start"))
    quiet_hours_end = models.TimeField(default=time(8, 0), verbose_name=_("quiet hours end"))
    max_upload_mb = models.PositiveIntegerField(
        default=50, validators=_bounds("max_upload_mb"), verbose_name=_("max upload mb")
    )
    audio_max_seconds = models.PositiveIntegerField(
        default=600, validators=_bounds("audio_max_seconds"), verbose_name=_("audio max seconds")
    )
    homework_resubmission_allowed = models.BooleanField(
        default=True, verbose_name=_("homework resubmission allowed")
    )
    payme_ip_allowlist_enabled = models.BooleanField(
        default=False, verbose_name=_("payme ip allowlist enabled")
    )
    coin_rules = models.JSONField(
        default=dict, blank=True, validators=[validate_coin_rules], verbose_name=_("coin rules")
    )
    notification_defaults = models.JSONField(
        default=dict,
        blank=True,
        validators=[validate_notification_defaults],
        verbose_name=_("notification defaults"),
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        db_table = "audit_systemsettings"  # the table predates this app; it was moved, not copied
        verbose_name = _("system settings")
        verbose_name_plural = _("system settings")

    def __str__(self) -> str:
        return f"Settings of {self.center_name}"

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)
        from modules.center.selectors import invalidate_system_settings

        invalidate_system_settings()
