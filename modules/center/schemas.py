from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.conf import settings
from ninja import Schema
from pydantic import Field, create_model, field_validator

from core.schemas import InputSchema
from modules.center import sections
from modules.center.selectors import CURRENCY
from modules.center.validation import INT_BOUNDS, check_time_zone


def _bounded(name: str):
    low, high = INT_BOUNDS[name]
    return Field(default=None, ge=low, le=high)


class LanguageOut(Schema):
    code: str = Field(examples=["uz"])
    name: str = Field(examples=["O‘zbekcha"])


class CenterOut(Schema):
    name: str
    time_zone: str = Field(
        examples=["Asia/Tashkent"], description="IANA zone of every local day and schedule"
    )
    utc_offset: str = Field(examples=["+05:00"], description="the zone's offset from UTC right now")
    today: date = Field(description="the center's local date now: what `date_from`/`date_to` filters mean")
    now: datetime = Field(description="the server's clock in the center's zone (ISO 8601 with offset)")
    currency: str = Field(examples=["UZS"], description="every amount is an integer of minor units")
    currency_minor_units: int = Field(examples=[100], description="minor units (tiyin) per som")
    default_language: str = Field(description="the language of texts for a user who chose none")
    languages: list[LanguageOut]


class _SettingsBase(Schema):
    center_name: str
    time_zone: str = Field(description="the center's zone: the deployment's TIME_ZONE (read-only)")
    currency: str = Field(description='always "UZS": amounts are integer tiyin')
    billing_due_day: int
    attendance_edit_window_days: int
    generation_horizon_weeks: int
    consecutive_absence_threshold: int
    quiet_hours_start: time
    quiet_hours_end: time
    max_upload_mb: int
    audio_max_seconds: int
    homework_resubmission_allowed: bool
    payme_ip_allowlist_enabled: bool
    updated_at: datetime

    @staticmethod
    def resolve_time_zone(obj) -> str:
        return settings.TIME_ZONE

    @staticmethod
    def resolve_currency(obj) -> str:
        return CURRENCY

    @staticmethod
    def resolve_coin_rules(obj) -> dict[str, Any]:
        return sections.with_defaults("coin_rules", obj.coin_rules)

    @staticmethod
    def resolve_notification_defaults(obj) -> dict[str, Any]:
        return sections.with_defaults("notification_defaults", obj.notification_defaults)


class _SettingsPatchBase(InputSchema):
    """Every field optional; the JSON sections are merged key by key by their owning module."""

    center_name: str | None = Field(default=None, min_length=1, max_length=120)
    time_zone: str | None = Field(
        default=None,
        max_length=64,
        examples=["Asia/Tashkent"],
        description="accepted only when it names the deployment's TIME_ZONE (the zone is set there)",
    )
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$", description='only "UZS"')
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

    @field_validator("time_zone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        if value is None:
            return None
        check_time_zone(value)
        if value != settings.TIME_ZONE:
            raise ValueError(
                f"the center's time zone is {settings.TIME_ZONE}, set by the TIME_ZONE environment variable"
            )
        return value

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str | None) -> str | None:
        if value is not None and value != CURRENCY:
            raise ValueError(f"amounts are always {CURRENCY} tiyin")
        return value

    def changes(self) -> dict[str, Any]:
        """Only what the client sent, without the read-only zone and currency; nested patches keep
        only their own keys."""
        return self.model_dump(exclude_unset=True, exclude_none=True, exclude={"time_zone", "currency"})


SECTIONS = ("coin_rules", "notification_defaults")


def _settings_schemas() -> tuple[type[Schema], type[Schema]]:
    # Built when the API is mounted (after every app's ready()), so each registered section appears
    # in the OpenAPI document with its owner's typed models: the whole value read, a partial update.
    read = {name: (sections.get(name).read_model, ...) for name in SECTIONS}
    patch = {name: (sections.get(name).patch_model | None, None) for name in SECTIONS}
    return (
        create_model("SystemSettingsOut", __base__=_SettingsBase, **read),
        create_model("SystemSettingsUpdateIn", __base__=_SettingsPatchBase, **patch),
    )


SystemSettingsOut, SystemSettingsUpdateIn = _settings_schemas()
