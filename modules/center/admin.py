from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin

from modules.center.models import SystemSettings


@admin.register(SystemSettings)
class SystemSettingsAdmin(ModelAdmin):
    """One row: the list page opens it directly; it can be changed (validated like the API) but
    neither added nor deleted."""

    fieldsets = (
        (_("Center"), {"fields": ("center_name",)}),
        (
            _("Billing and lessons"),
            {"fields": ("billing_due_day", "generation_horizon_weeks", "attendance_edit_window_days")},
        ),
        (
            _("Homework"),
            {"fields": ("max_upload_mb", "audio_max_seconds", "homework_resubmission_allowed")},
        ),
        (
            _("Notifications"),
            {
                "fields": (
                    "consecutive_absence_threshold",
                    "quiet_hours_start",
                    "quiet_hours_end",
                    "notification_defaults",
                )
            },
        ),
        (_("Coins"), {"fields": ("coin_rules",)}),
        (_("Payments"), {"fields": ("payme_ip_allowlist_enabled",)}),
        (None, {"fields": ("updated_at",)}),
    )
    readonly_fields = ["updated_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        SystemSettings.objects.get_or_create(pk=1)
        return HttpResponseRedirect(reverse("admin:center_systemsettings_change", args=[1]))
