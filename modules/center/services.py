from __future__ import annotations

from datetime import time
from typing import Any

from django.db import transaction
from pydantic import ValidationError as PydanticValidationError

from core.exceptions import ValidationFailed
from modules.center import sections
from modules.center.models import SystemSettings

PLAIN_FIELDS = (
    "center_name",
    "billing_due_day",
    "attendance_edit_window_days",
    "generation_horizon_weeks",
    "consecutive_absence_threshold",
    "quiet_hours_start",
    "quiet_hours_end",
    "max_upload_mb",
    "audio_max_seconds",
    "homework_resubmission_allowed",
    "payme_ip_allowlist_enabled",
)


def _merged(name: str, current: dict | None, patch: dict) -> dict:
    try:
        return sections.get(name).merge(current or {}, patch)
    except PydanticValidationError as exc:
        raise ValidationFailed(
            [{"loc": ["body", name, *e["loc"]], "msg": e["msg"], "type": e["type"]} for e in exc.errors()]
        ) from exc
    except ValueError as exc:
        raise ValidationFailed.field(name, str(exc)) from exc


@transaction.atomic
def system_settings_update(
    *,
    center_name: str | None = None,
    billing_due_day: int | None = None,
    attendance_edit_window_days: int | None = None,
    generation_horizon_weeks: int | None = None,
    consecutive_absence_threshold: int | None = None,
    quiet_hours_start: time | None = None,
    quiet_hours_end: time | None = None,
    max_upload_mb: int | None = None,
    audio_max_seconds: int | None = None,
    homework_resubmission_allowed: bool | None = None,
    payme_ip_allowlist_enabled: bool | None = None,
    coin_rules: dict[str, Any] | None = None,
    notification_defaults: dict[str, Any] | None = None,
) -> SystemSettings:
    """Change the given settings (None = leave as is). The JSON sections are merged key by key by
    their owning module. Validated by the model (ValidationError -> 422); the cache is dropped on
    save, so every process reads the new values."""
    SystemSettings.objects.get_or_create(pk=1)
    obj = SystemSettings.objects.select_for_update().get(pk=1)
    values = locals()
    for name in PLAIN_FIELDS:
        if values[name] is not None:
            setattr(obj, name, values[name])
    if coin_rules is not None:
        obj.coin_rules = _merged("coin_rules", obj.coin_rules, coin_rules)
    if notification_defaults is not None:
        obj.notification_defaults = _merged(
            "notification_defaults", obj.notification_defaults, notification_defaults
        )
    obj.full_clean()
    obj.save()
    return obj
