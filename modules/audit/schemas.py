from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from ninja import ModelSchema, Schema
from pydantic import Field, field_validator

from core.schemas import InputSchema, QueryFilterSchema
from modules.audit.models import AuditLog, SystemSettings
from modules.audit.validation import (
    INT_BOUNDS,
    CoinRulesPatch,
    NotificationDefaultsPatch,
    check_channels,
    check_time_zone,
)


def _bounded(name: str):
    low, high = INT_BOUNDS[name]
    return Field(default=None, ge=low, le=high)


class SystemSettingsOut(ModelSchema):
    class Meta:
        model = SystemSettings
        fields = [
            "center_name",
            "time_zone",
            "currency",
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
            "coin_rules",
            "notification_defaults",
            "updated_at",
        ]


class SystemSettingsUpdateIn(InputSchema):
    """Every field optional; coin_rules and notification_defaults are merged key by key."""

    center_name: str | None = Field(default=None, min_length=1, max_length=120)
    time_zone: str | None = Field(default=None, max_length=64, examples=["Asia/Tashkent"])
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    billing_due_day: int | None = _bounded("billing_due_day")
    attendance_edit_window_days: int | None = _bounded("attendance_edit_window_days")
    generation_horizon_weeks: int | None = _bounded("generation_horizon_weeks")
    consecutive_absence_threshold: int | None = _bounded("consecutive_absence_threshold")
    quiet_hours_start: time | None = None
    quiet_hours_end: time | None = None
    max_upload_mb: int | None = _bounded("max_upload_mb")
    audio_max_seconds: int | None = _bounded("audio_max_seconds")
    homework_resubmission_allowed: bool | None = None
    payme_ip_allowlist_enabled: bool | None = None
    coin_rules: CoinRulesPatch | None = None
    notification_defaults: NotificationDefaultsPatch | None = None

    @field_validator("time_zone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        return None if value is None else check_time_zone(value)

    @field_validator("notification_defaults")
    @classmethod
    def _channels(cls, value: NotificationDefaultsPatch | None) -> NotificationDefaultsPatch | None:
        if value is not None:
            for channels in value.model_dump(exclude_unset=True).values():
                check_channels(channels)
        return value

    def changes(self) -> dict[str, Any]:
        """Only what the client sent; nested patches keep only their own keys."""
        return self.model_dump(exclude_unset=True, exclude_none=True)


class ActorOut(Schema):
    id: int
    first_name: str
    last_name: str
    role: str


class AuditLogOut(ModelSchema):
    actor: ActorOut | None = None

    class Meta:
        model = AuditLog
        fields = [
            "id",
            "created_at",
            "actor_repr",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "changes",
            "ip",
            "user_agent",
            "request_id",
            "source",
        ]


class AuditLogFilter(QueryFilterSchema):
    actor: int | None = Field(default=None, description="the acting user's id")
    object_type: str | None = Field(default=None, description='"app_label.model", e.g. "accounts.user"')
    object_id: str | None = None
    action: str | None = Field(default=None, description="create, update, delete or a domain action")
    date_from: datetime | date | None = Field(
        default=None, description="inclusive; YYYY-MM-DD or an ISO 8601 time"
    )
    date_to: datetime | date | None = Field(
        default=None, description="inclusive; YYYY-MM-DD (the whole day) or an ISO 8601 time"
    )

    @field_validator("date_from", "date_to", mode="before")
    @classmethod
    def _date_or_time(cls, value):
        # a bare date means whole days (pydantic alone would read it as midnight)
        if not isinstance(value, str):
            return value
        try:
            return date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)
        except ValueError as exc:
            raise ValueError("expected YYYY-MM-DD or an ISO 8601 time") from exc
