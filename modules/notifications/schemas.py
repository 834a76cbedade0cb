from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field, Schema
from pydantic import field_validator

from core.schemas import InputSchema, QuerySchema
from modules.notifications.kinds import ACCOUNT_KINDS, Channel, Kind
from modules.notifications.models import NotificationLog

KindName = Literal[tuple(k for k in Kind.values if k not in ACCOUNT_KINDS)]  # type: ignore[valid-type]
ChannelName = Literal["in_app", "telegram", "sms", "email"]
Role = Literal["admin", "teacher", "student", "parent"]
LogStatus = Literal[tuple(NotificationLog.Status.values)]  # type: ignore[valid-type]


class NotificationFilter(QuerySchema):
    unread: bool | None = Field(None, description="true: only unread; false: only read")
    kind: Kind | None = None


class LogFilter(QuerySchema):
    user: int | None = None
    channel: ChannelName | None = None
    status: LogStatus | None = None
    kind: Kind | None = None


class NotificationOut(Schema):
    id: int
    kind: Kind
    title: str
    body: str
    data: dict
    read: bool
    read_at: datetime | None
    created_at: datetime

    @staticmethod
    def resolve_read(obj) -> bool:
        return obj.read_at is not None


class UnreadCountOut(Schema):
    unread: int


class MarkedReadOut(Schema):
    updated: int


class PreferenceRowOut(Schema):
    kind: Kind
    label: str
    channels: dict[str, bool] = Field(
        ..., description="channel -> enabled, after role defaults and overrides"
    )
    customized: list[str] = Field(..., description="channels the user set explicitly")


class PreferencesOut(Schema):
    items: list[PreferenceRowOut]
    count: int


class PreferenceItemIn(InputSchema):
    kind: KindName
    channel: ChannelName
    enabled: bool


class PreferencesUpdateIn(InputSchema):
    preferences: list[PreferenceItemIn] = Field(..., min_length=1, max_length=len(Kind.values) * 4)


class TelegramLinkOut(Schema):
    url: str
    expires_in: int


class TelegramStatusOut(Schema):
    enabled: bool = Field(..., description="the bot is configured on this server")
    linked: bool
    linked_at: datetime | None
    username: str


class BroadcastCreateIn(InputSchema):
    title: str = Field(..., min_length=1, max_length=200)
    body: str = Field(..., min_length=1, max_length=4000)
    group_id: int | None = None
    roles: list[Role] | None = Field(None, max_length=4)
    channels: list[ChannelName] | None = Field(
        None, max_length=4, description="default: each user's preferences"
    )

    @field_validator("title", "body")
    @classmethod
    def _strip(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("must not be blank")
        return value


class BroadcastAcceptedOut(Schema):
    id: int
    recipients: int


class TelegramWebhookOut(Schema):
    """Telegram accepts a Bot API call in the webhook's answer: the welcome reply travels this way."""

    method: str | None = None
    chat_id: int | None = None
    text: str | None = None


class SmsCallbackOut(Schema):
    status: str


class NotificationLogOut(Schema):
    id: int
    notification_id: int | None
    user_id: int | None
    kind: Kind
    channel: ChannelName
    status: LogStatus
    attempts: int
    next_attempt_at: datetime | None
    provider_message_id: str
    provider_status: str
    error: str
    created_at: datetime
    sent_at: datetime | None
    delivered_at: datetime | None


ALL_CHANNELS = tuple(Channel.values)
