"""What a sane system setting looks like. The pydantic schemas here are the one definition used by
the model's validators (so the admin form refuses nonsense), the service and the API (422)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ValidationError
from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as PydanticValidationError

ROLES = ("admin", "teacher", "student", "parent")
CHANNELS = ("in_app", "telegram", "sms", "email")

# (min, max) for every integer setting; billing_due_day stops at 28 so every month has that day.
INT_BOUNDS: dict[str, tuple[int, int]] = {
    "billing_due_day": (1, 28),
    "attendance_edit_window_days": (0, 365),
    "generation_horizon_weeks": (1, 52),
    "consecutive_absence_threshold": (1, 100),
    "max_upload_mb": (1, 1024),
    "audio_max_seconds": (1, 7200),
}

MAX_COINS = 1_000_000


def _coins():
    return Field(default=None, ge=0, le=MAX_COINS)


class HomeworkBand(BaseModel):
    model_config = ConfigDict(extra="forbid")

    min_percent: int = Field(ge=0, le=100)
    coins: int = Field(ge=0, le=MAX_COINS)


class CoinRulesPatch(BaseModel):
    """A partial update of the coin rules: unknown keys and negative amounts are refused."""

    model_config = ConfigDict(extra="forbid")

    present: int | None = _coins()
    late: int | None = _coins()
    homework_on_time: int | None = _coins()
    homework_bands: list[HomeworkBand] | None = Field(default=None, max_length=20)
    invoice_on_time: int | None = _coins()
    streak_length: int | None = Field(default=None, ge=1, le=365)
    streak_bonus: int | None = _coins()
    teacher_daily_limit: int | None = _coins()


class NotificationDefaultsPatch(BaseModel):
    """Channels enabled by default per role; a role left out keeps its current list."""

    model_config = ConfigDict(extra="forbid")

    admin: list[str] | None = None
    teacher: list[str] | None = None
    student: list[str] | None = None
    parent: list[str] | None = None


def check_time_zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc
    return name


def check_channels(channels: list[str] | None) -> list[str] | None:
    if channels is None:
        return None
    unknown = sorted(set(channels) - set(CHANNELS))
    if unknown:
        raise ValueError(f"unknown channels {unknown}; choose from {list(CHANNELS)}")
    return list(dict.fromkeys(channels))  # de-duplicated, order kept


def merge_coin_rules(current: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    parsed = CoinRulesPatch.model_validate(patch).model_dump(exclude_unset=True)
    merged = {**current, **parsed}
    if "homework_bands" in parsed:
        # highest band first, so "the first band reached" is the right one
        merged["homework_bands"] = sorted(parsed["homework_bands"], key=lambda b: -b["min_percent"])
    return merged


def merge_notification_defaults(current: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    parsed = NotificationDefaultsPatch.model_validate(patch).model_dump(exclude_unset=True)
    return {**current, **{role: check_channels(chs) for role, chs in parsed.items()}}


# --- Django field validators (the admin form and full_clean) -----------------------------------------


def _as_django_error(exc: PydanticValidationError) -> ValidationError:
    return ValidationError(
        ["{}: {}".format(".".join(str(p) for p in e["loc"]) or "value", e["msg"]) for e in exc.errors()]
    )


def validate_time_zone(value: str) -> None:
    try:
        check_time_zone(value)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc


def validate_coin_rules(value: Any) -> None:
    if not isinstance(value, dict):
        raise ValidationError("coin rules must be an object")
    try:
        CoinRulesPatch.model_validate(value)
    except PydanticValidationError as exc:
        raise _as_django_error(exc) from exc


def validate_notification_defaults(value: Any) -> None:
    if not isinstance(value, dict):
        raise ValidationError("notification defaults must be an object")
    try:
        parsed = NotificationDefaultsPatch.model_validate(value)
        for chs in parsed.model_dump(exclude_unset=True).values():
            check_channels(chs)
    except PydanticValidationError as exc:
        raise _as_django_error(exc) from exc
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
