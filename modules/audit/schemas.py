from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import ModelSchema, Schema
from pydantic import Field, field_validator

from core.schemas import QueryFilterSchema
from modules.accounts.models import User
from modules.audit.models import AuditLog


class ActorOut(Schema):
    id: int
    first_name: str
    last_name: str
    role: Literal[tuple(User.Role.values)]  # type: ignore[valid-type]


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
