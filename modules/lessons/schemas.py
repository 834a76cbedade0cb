"""Request and response shapes of the lessons module. LessonFieldsOut is also the `lesson.updated` event
payload (LessonFieldsOut, built from a select_related row, so it never queries)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema
from pydantic import AliasPath, computed_field, model_validator

from core.ordering import ordering_choices
from core.schemas import InputSchema, PlainOut, QueryFilterSchema
from modules.courses.schemas import BranchRefOut, CourseRefOut, GroupRefOut, PersonOut, RoomRefOut

LessonStatus = Literal["scheduled", "completed", "cancelled"]
LessonKind = Literal["regular", "makeup"]


class ViewerAttendanceOut(PlainOut):
    status: str = Field(description="present, absent, late or excused")
    note: str


class ChildAttendanceOut(ViewerAttendanceOut):
    student_id: int


class LessonFieldsOut(PlainOut):
    """The lesson as everyone who may see it sees it (also the `lesson.updated` payload). A plain
    pydantic model read straight from attributes: serialising a page of 100 lessons costs a fraction
    of a Ninja Schema's per-object wrapper."""

    id: int
    group: GroupRefOut
    course: CourseRefOut = Field(..., validation_alias=AliasPath("group", "course"))
    branch: BranchRefOut = Field(..., validation_alias=AliasPath("group", "branch"))
    teacher: PersonOut
    room: RoomRefOut | None
    starts_at: datetime
    ends_at: datetime
    original_starts_at: datetime = Field(..., description="the slot it was generated for")
    status: LessonStatus
    kind: LessonKind = Field("regular", description="makeup: for students who missed a lesson")
    topic: str
    notes: str
    cancel_reason: str

    @computed_field(description="moved away from its original slot")
    @property
    def is_rescheduled(self) -> bool:
        return self.starts_at != self.original_starts_at


class LessonOut(LessonFieldsOut):
    """A lesson as GET /lessons shows it to one viewer: with that viewer's own marks, supplied through
    modules.lessons.viewer. Events go to a whole group and use LessonFieldsOut instead."""

    my_attendance: ViewerAttendanceOut | None = Field(
        None,
        description="a student's own mark on this lesson (lists and detail; null when unmarked or not a student)",
    )
    children_attendance: list[ChildAttendanceOut] | None = Field(
        None,
        description="a parent's children's marks on this lesson, one per marked child (null when not a parent)",
    )


class LessonFilter(QueryFilterSchema):
    group: int | None = None
    date_from: date | None = Field(None, description="local date, inclusive")
    date_to: date | None = Field(None, description="local date, inclusive")
    status: LessonStatus | None = None
    teacher: int | None = None
    student: int | None = None
    branch: int | None = None
    # only starts_at: the (starts_at, id) index serves both directions on the biggest table
    ordering: ordering_choices("starts_at") = Field("starts_at", description="`-starts_at`: newest first")

    @model_validator(mode="after")
    def _check(self):
        if self.date_from and self.date_to and self.date_to < self.date_from:
            raise ValueError("date_to must not be before date_from")
        return self


class LessonUpdateIn(InputSchema):
    topic: str | None = Field(None, max_length=255)
    notes: str | None = Field(None, max_length=10000)


class RescheduleIn(InputSchema):
    starts_at: datetime = Field(
        ..., description="ISO time; without an offset it is read in the center's zone"
    )
    reason: str = Field(..., min_length=1, max_length=255)
    room_id: int | None = Field(None, description="move to another room too (same branch)")


class CancelIn(InputSchema):
    reason: str = Field(..., min_length=1, max_length=255)


class RescheduleOut(Schema):
    id: int
    from_starts_at: datetime
    to_starts_at: datetime
    from_room: RoomRefOut | None
    to_room: RoomRefOut | None
    reason: str
    actor: PersonOut | None
    created_at: datetime


class GenerateIn(InputSchema):
    date_from: date
    date_to: date

    @model_validator(mode="after")
    def _check(self):
        if self.date_to < self.date_from:
            raise ValueError("date_to must not be before date_from")
        if (self.date_to - self.date_from).days > 400:
            raise ValueError("generate at most 400 days at once")
        return self


class SkippedOut(Schema):
    date: date
    starts_at: datetime
    reason: Literal["exists", "rescheduled", "cancelled", "completed", "holiday", "teacher_busy", "room_busy"]
    detail: str = ""


class GenerateOut(Schema):
    created: int
    skipped: list[SkippedOut]


class ClashOut(Schema):
    id: int
    group: GroupRefOut
    teacher_id: int
    room_id: int | None
    starts_at: datetime
    ends_at: datetime


class ClashErrorOut(Schema):
    detail: str
    code: str
    clashes: list[ClashOut] = []


class CalendarFeedOut(Schema):
    active: bool
    created_at: datetime | None = None
    last_used_at: datetime | None = None
    url: str | None = Field(None, description="only when just made: keep it secret")
