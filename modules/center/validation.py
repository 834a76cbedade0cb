"""What a sane system setting looks like: bounds and checks shared by the model's validators (so the
admin form refuses nonsense), the service and the API (422)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ValidationError

from modules.center import sections

# (min, max) for every integer setting; billing_due_day stops at 28 so every month has that day.
INT_BOUNDS: dict[str, tuple[int, int]] = {
    "billing_due_day": (1, 28),
    "attendance_edit_window_days": (0, 365),
    "generation_horizon_weeks": (1, 52),
    "consecutive_absence_threshold": (1, 100),
    "max_upload_mb": (1, 1024),
    "audio_max_seconds": (1, 7200),
}


def check_time_zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc
    return name


def validate_time_zone(value: str) -> None:
    try:
        check_time_zone(value)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc


def validate_coin_rules(value: Any) -> None:
    sections.get("coin_rules").validate(value)


def validate_notification_defaults(value: Any) -> None:
    sections.get("notification_defaults").validate(value)
