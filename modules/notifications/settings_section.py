"""The notification-defaults section of the center's settings: which channels each role gets by
default (users override per kind and channel). Declared here, where preferences are resolved; the
center app stores the overrides an admin makes (PATCH /settings)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, field_validator

from modules.center.sections import Section, validate_with
from modules.notifications.kinds import Channel

CHANNELS = tuple(Channel.values)
ChannelName = Literal[CHANNELS]  # type: ignore[valid-type]


def default_notification_defaults() -> dict[str, list[str]]:
    return {
        "admin": ["in_app", "email"],
        "teacher": ["in_app", "telegram", "email"],
        "student": ["in_app", "telegram"],
        "parent": ["in_app", "telegram", "sms"],
    }


def check_channels(channels: list[str] | None) -> list[str] | None:
    if channels is None:
        return None
    unknown = sorted(set(channels) - set(CHANNELS))
    if unknown:
        raise ValueError(f"unknown channels {unknown}; choose from {list(CHANNELS)}")
    return list(dict.fromkeys(channels))  # de-duplicated, order kept


class NotificationDefaultsOut(BaseModel):
    """Channels each role gets by default, in force now."""

    admin: list[ChannelName]
    teacher: list[ChannelName]
    student: list[ChannelName]
    parent: list[ChannelName]


class NotificationDefaultsPatch(BaseModel):
    """Channels enabled by default per role; a role left out keeps its current list."""

    model_config = ConfigDict(extra="forbid")

    admin: list[str] | None = None
    teacher: list[str] | None = None
    student: list[str] | None = None
    parent: list[str] | None = None

    @field_validator("admin", "teacher", "student", "parent")
    @classmethod
    def _known_channels(cls, value: list[str] | None) -> list[str] | None:
        return check_channels(value)


def merge_notification_defaults(current: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    return {**current, **NotificationDefaultsPatch.model_validate(patch).model_dump(exclude_unset=True)}


def validate_notification_defaults(value: Any) -> None:
    validate_with(NotificationDefaultsPatch, value, "notification defaults")


SECTION = Section(
    name="notification_defaults",
    defaults=default_notification_defaults,
    read_model=NotificationDefaultsOut,
    patch_model=NotificationDefaultsPatch,
    merge=merge_notification_defaults,
    validate=validate_notification_defaults,
)
