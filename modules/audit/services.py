from __future__ import annotations

from datetime import time
from typing import Any

from django.db import transaction
from pydantic import ValidationError as PydanticValidationError

from core.exceptions import ValidationFailed
from modules.audit.context import AuditContext
from modules.audit.models import AuditLog, SystemSettings
from modules.audit.validation import merge_coin_rules, merge_notification_defaults


def audit_entry_create(
    *,
    ctx: AuditContext,
    action: str,
    object_type: str,
    object_id: Any,
    object_repr: str = "",
    changes: dict[str, Any] | None = None,
    actor=None,
) -> AuditLog:
    """Append one entry. Written in the caller's transaction, so a rolled-back write leaves none."""
    actor = actor if actor is not None else ctx.actor
    return AuditLog.objects.create(
        actor=actor,
        actor_repr=(str(actor) if actor is not None else "")[:200],
        action=action[:64],
        object_type=object_type[:100],
        object_id="" if object_id is None else str(object_id)[:64],
        object_repr=object_repr[:200],
        changes=changes or {},
        ip=ctx.ip,
        user_agent=ctx.user_agent,
        request_id=ctx.request_id,
        source=ctx.source,
    )


def _merged(name: str, merge, current: dict | None, patch: dict) -> dict:
    try:
        return merge(current or {}, patch)
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
    time_zone: str | None = None,
    currency: str | None = None,
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
    """Change the given settings (None = leave as is). coin_rules and notification_defaults are
    merged key by key into the current ones. Validated by the model (ValidationError -> 422); the
    cache is dropped on save, so every process reads the new values."""
    SystemSettings.objects.get_or_create(pk=1)
    obj = SystemSettings.objects.select_for_update().get(pk=1)
    plain = {
        "center_name": center_name,
        "time_zone": time_zone,
        "currency": currency,
        "billing_due_day": billing_due_day,
        "attendance_edit_window_days": attendance_edit_window_days,
        "generation_horizon_weeks": generation_horizon_weeks,
        "consecutive_absence_threshold": consecutive_absence_threshold,
        "quiet_hours_start": quiet_hours_start,
        "quiet_hours_end": quiet_hours_end,
        "max_upload_mb": max_upload_mb,
        "audio_max_seconds": audio_max_seconds,
        "homework_resubmission_allowed": homework_resubmission_allowed,
        "payme_ip_allowlist_enabled": payme_ip_allowlist_enabled,
    }
    for name, value in plain.items():
        if value is not None:
            setattr(obj, name, value)
    if coin_rules is not None:
        obj.coin_rules = _merged("coin_rules", merge_coin_rules, obj.coin_rules, coin_rules)
    if notification_defaults is not None:
        obj.notification_defaults = _merged(
            "notification_defaults",
            merge_notification_defaults,
            obj.notification_defaults,
            notification_defaults,
        )
    obj.full_clean()
    obj.save()
    return obj
