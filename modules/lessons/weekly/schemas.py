"""Weekly slots of a group: the shapes of the schedule endpoints."""

from __future__ import annotations

from datetime import date, time

from ninja import Schema
from pydantic import Field, model_validator

from core.schemas import InputSchema
from modules.courses.schemas import RoomRefOut


def _range_ok(start, end, end_name: str):
    if start is not None and end is not None and end < start:
        raise ValueError(f"{end_name} must not be before the start")


class ScheduleOut(Schema):
    id: int
    group_id: int
    weekday: int = Field(..., description="0 = Monday")
    start_time: time = Field(..., description="local time in the center's zone")
    duration_minutes: int
    room: RoomRefOut | None
    valid_from: date
    valid_to: date | None
    is_active: bool


class ScheduleCreateIn(InputSchema):
    weekday: int = Field(..., ge=0, le=6, description="0 = Monday")
    start_time: time
    duration_minutes: int | None = Field(None, gt=0, le=600, description="defaults to the course's")
    room_id: int | None = Field(None, description="overrides the group's room")
    valid_from: date | None = Field(None, description="defaults to the group's start date")
    valid_to: date | None = Field(None, description="defaults to the group's end date")

    @model_validator(mode="after")
    def _check(self):
        _range_ok(self.valid_from, self.valid_to, "valid_to")
        return self


class ScheduleUpdateIn(InputSchema):
    weekday: int | None = Field(None, ge=0, le=6)
    start_time: time | None = None
    duration_minutes: int | None = Field(None, gt=0, le=600)
    room_id: int | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    is_active: bool | None = None
