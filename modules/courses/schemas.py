"""Request and response shapes of the courses module. Nested objects are small and built from
select_related rows, so no resolver ever queries."""

from __future__ import annotations

from datetime import date
from typing import Literal

from ninja import Field, Schema
from pydantic import model_validator

from core.schemas import InputSchema, PlainOut, QueryFilterSchema

Currency = Literal["UZS"]
GroupStatus = Literal["forming", "active", "finished"]
MembershipStatus = Literal["active", "frozen", "left"]
DiscountType = Literal["none", "percent", "fixed"]
Language = Literal["uz", "ru", "en"]


def _range_ok(start, end, end_name: str):
    if start is not None and end is not None and end < start:
        raise ValueError(f"{end_name} must not be before the start")


# --- small nested shapes ---------------------------------------------------------------------------
# Plain output shapes (core.schemas.PlainOut): nested in every row of a list, they are the bulk of
# serialising a page.


class BranchRefOut(PlainOut):
    id: int
    name: str


class CourseRefOut(PlainOut):
    id: int
    name: str
    level: str
    language: Language


class RoomRefOut(PlainOut):
    id: int
    name: str


class PersonOut(PlainOut):
    id: int
    first_name: str
    last_name: str


class GroupRefOut(PlainOut):
    id: int
    name: str


# --- branches --------------------------------------------------------------------------------------


class BranchOut(Schema):
    id: int
    name: str
    address: str
    phone: str
    is_active: bool


class BranchCreateIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=120)
    address: str = Field("", max_length=255)
    phone: str = Field("", max_length=16)
    is_active: bool = True


class BranchUpdateIn(InputSchema):
    name: str | None = Field(None, min_length=1, max_length=120)
    address: str | None = Field(None, max_length=255)
    phone: str | None = Field(None, max_length=16)
    is_active: bool | None = None


# --- courses ---------------------------------------------------------------------------------------


class CourseOut(Schema):
    id: int
    name: str
    description: str
    level: str
    monthly_price: int = Field(..., description="tiyin")
    currency: Currency = "UZS"
    lesson_duration_minutes: int
    language: Language
    is_active: bool


class CourseCreateIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=120)
    description: str = Field("", max_length=5000)
    level: str = Field("", max_length=40)
    monthly_price: int = Field(0, ge=0, description="tiyin")
    lesson_duration_minutes: int = Field(90, gt=0, le=600)
    language: Language = "en"
    is_active: bool = True


class CourseUpdateIn(InputSchema):
    name: str | None = Field(None, min_length=1, max_length=120)
    description: str | None = Field(None, max_length=5000)
    level: str | None = Field(None, max_length=40)
    monthly_price: int | None = Field(None, ge=0)
    lesson_duration_minutes: int | None = Field(None, gt=0, le=600)
    language: Language | None = None
    is_active: bool | None = None


class CourseFilter(QueryFilterSchema):
    search: str | None = Field(None, max_length=100)
    is_active: bool | None = Field(None, description="admins only; others always see active courses")


# --- rooms and holidays ----------------------------------------------------------------------------


class RoomOut(Schema):
    id: int
    branch: BranchRefOut
    name: str
    capacity: int
    is_active: bool


class RoomCreateIn(InputSchema):
    branch_id: int
    name: str = Field(..., min_length=1, max_length=80)
    capacity: int = Field(12, ge=1, le=1000)
    is_active: bool = True


class RoomUpdateIn(InputSchema):
    name: str | None = Field(None, min_length=1, max_length=80)
    capacity: int | None = Field(None, ge=1, le=1000)
    is_active: bool | None = None


class RoomFilter(QueryFilterSchema):
    branch: int | None = None
    is_active: bool | None = None


class HolidayOut(Schema):
    id: int
    name: str
    start_date: date
    end_date: date
    is_public: bool


class HolidayCreateIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=120)
    start_date: date
    end_date: date | None = Field(None, description="defaults to start_date (a one-day holiday)")

    @model_validator(mode="after")
    def _check(self):
        _range_ok(self.start_date, self.end_date, "end_date")
        return self


class HolidayUpdateIn(InputSchema):
    name: str | None = Field(None, min_length=1, max_length=120)
    start_date: date | None = None
    end_date: date | None = None


class HolidayFilter(QueryFilterSchema):
    year: int | None = Field(None, ge=2000, le=2100)
    date_from: date | None = None
    date_to: date | None = None


# --- groups ----------------------------------------------------------------------------------------


class GroupOut(Schema):
    id: int
    name: str
    branch: BranchRefOut
    course: CourseRefOut
    teacher: PersonOut
    room: RoomRefOut | None
    start_date: date
    end_date: date | None
    capacity: int
    student_count: int = Field(0, description="students in the group now (active or frozen)")
    monthly_price: int = Field(..., description="tiyin")
    currency: Currency = "UZS"
    status: GroupStatus


class GroupCreateIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=120)
    branch_id: int
    course_id: int
    teacher_id: int
    room_id: int | None = None
    start_date: date
    end_date: date | None = None
    capacity: int = Field(12, ge=1, le=1000)
    monthly_price: int | None = Field(None, ge=0, description="tiyin; defaults to the course's price")
    status: GroupStatus = "forming"

    @model_validator(mode="after")
    def _check(self):
        _range_ok(self.start_date, self.end_date, "end_date")
        return self


class GroupUpdateIn(InputSchema):
    name: str | None = Field(None, min_length=1, max_length=120)
    teacher_id: int | None = None
    room_id: int | None = None
    start_date: date | None = None
    end_date: date | None = None
    capacity: int | None = Field(None, ge=1, le=1000)
    monthly_price: int | None = Field(None, ge=0)
    status: GroupStatus | None = None


class GroupFilter(QueryFilterSchema):
    branch: int | None = None
    status: GroupStatus | None = None
    course: int | None = None
    teacher: int | None = None
    search: str | None = Field(None, max_length=100)


# --- roster ----------------------------------------------------------------------------------------


class FreezeOut(Schema):
    id: int
    start_date: date
    end_date: date
    reason: str


class MembershipOut(Schema):
    id: int
    group_id: int
    student: PersonOut
    joined_on: date
    left_on: date | None
    status: MembershipStatus
    discount_type: DiscountType
    discount_value: int
    moved_from_id: int | None
    freezes: list[FreezeOut]


class MembershipAddIn(InputSchema):
    student_id: int
    joined_on: date | None = Field(None, description="defaults to today (or the group's start)")
    discount_type: DiscountType = "none"
    discount_value: int = Field(0, ge=0)

    @model_validator(mode="after")
    def _check(self):
        if self.discount_type == "percent" and self.discount_value > 100:
            raise ValueError("a percent discount is at most 100")
        return self


class MembershipRemoveIn(InputSchema):
    left_on: date | None = Field(None, description="first day not in the group; defaults to today")


class FreezeIn(InputSchema):
    start_date: date
    end_date: date
    reason: str = Field("", max_length=255)

    @model_validator(mode="after")
    def _check(self):
        _range_ok(self.start_date, self.end_date, "end_date")
        return self


class UnfreezeIn(InputSchema):
    on: date | None = Field(None, description="back in the group from this day; defaults to today")


class MoveIn(InputSchema):
    to_group_id: int
    on: date | None = Field(None, description="the day of the move; defaults to today")


class MembershipFilter(QueryFilterSchema):
    status: MembershipStatus | None = None


# --- schedules -------------------------------------------------------------------------------------
