from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema
from pydantic import field_validator, model_validator

from core.ordering import ordering_choices
from core.schemas import ErrorItem, InputSchema, PlainOut, QuerySchema
from modules.attendance.models import AttendanceChange
from modules.lessons.models import Lesson

AttendanceStatus = Literal["present", "absent", "late", "excused"]
LessonStatus = Literal[tuple(Lesson.Status.values)]  # type: ignore[valid-type]
ChangeSource = Literal[tuple(AttendanceChange.Source.values)]  # type: ignore[valid-type]
ReportFormat = Literal["json", "csv", "xlsx"]
HistoryOrdering = ordering_choices("created_at")


class AttendanceStudentOut(PlainOut):
    id: int
    first_name: str
    last_name: str
    phone: str


class AttendanceRecordOut(PlainOut):
    student: AttendanceStudentOut
    status: AttendanceStatus | None = Field(description="null: on the roster but not marked yet")
    note: str
    record_id: int | None
    marked_by_id: int | None
    marked_at: datetime | None
    on_roster: bool = Field(description="false for a record kept after the student left the roster")


class AttendanceSummaryOut(PlainOut):
    present: int
    absent: int
    late: int
    excused: int
    unmarked: int
    rate: float | None = Field(
        description="(present + late) / (present + late + absent); excused is left out"
    )


class MadeUpOut(PlainOut):
    student_id: int
    made_up_by_lesson_id: int = Field(description="the lesson where this absence was made up")


class TrialGuestOut(PlainOut):
    lead_id: int
    first_name: str
    last_name: str
    phone: str
    status: AttendanceStatus | None = Field(description="null: booked, not marked yet")
    marked_by_id: int | None
    marked_at: datetime | None


class LessonAttendanceOut(PlainOut):
    lesson_id: int
    group_id: int
    lesson_status: LessonStatus
    lesson_kind: Literal["regular", "makeup"] = "regular"
    starts_at: datetime
    editable_until: datetime = Field(description="when the group's teacher can no longer change it")
    summary: AttendanceSummaryOut
    records: list[AttendanceRecordOut]
    made_up: list[MadeUpOut] = Field([], description="absences here that were made up at another lesson")
    trials: list[TrialGuestOut] = Field([], description="trial guests (the lesson's staff only)")


class AttendanceMarkItemIn(InputSchema):
    student_id: int
    status: AttendanceStatus
    note: str | None = Field(None, max_length=500, description="omitted: keep the current note")


class TrialMarkItemIn(InputSchema):
    lead_id: int
    status: AttendanceStatus


class AttendanceBulkIn(InputSchema):
    records: list[AttendanceMarkItemIn] = Field([], max_length=500)
    trials: list[TrialMarkItemIn] = Field([], max_length=100, description="trial guests booked here")

    @field_validator("records")
    @classmethod
    def _unique_students(cls, value: list[AttendanceMarkItemIn]):
        seen: set[int] = set()
        dupes = sorted({r.student_id for r in value if r.student_id in seen or seen.add(r.student_id)})
        if dupes:
            raise ValueError(f"each student may appear once; repeated: {dupes}")
        return value

    @field_validator("trials")
    @classmethod
    def _unique_leads(cls, value: list[TrialMarkItemIn]):
        if len({t.lead_id for t in value}) != len(value):
            raise ValueError("each trial guest may appear once")
        return value

    @model_validator(mode="after")
    def _something(self):
        if not self.records and not self.trials:
            raise ValueError("mark at least one student or trial guest")
        return self


class MakeupCreateIn(InputSchema):
    student_ids: list[int] = Field(..., min_length=1, max_length=100)
    starts_at: datetime | None = Field(
        None, description="a new make-up lesson at this time (no offset: the center's zone)"
    )
    teacher_id: int | None = Field(None, description="defaults to the missed lesson's teacher (admins only)")
    room_id: int | None = Field(None, description="defaults to the missed lesson's room")
    lesson_id: int | None = Field(
        None, description="instead of a new lesson: seats in this scheduled lesson of the same course"
    )

    @model_validator(mode="after")
    def _one_way(self):
        if len(set(self.student_ids)) != len(self.student_ids):
            raise ValueError("each student may appear once")
        if (self.starts_at is None) == (self.lesson_id is None):
            raise ValueError("give either starts_at (a new make-up lesson) or lesson_id (an existing lesson)")
        if self.lesson_id is not None and (self.teacher_id or self.room_id):
            raise ValueError("teacher_id and room_id are for a new make-up lesson")
        return self


class AttendancePatchIn(InputSchema):
    status: AttendanceStatus | None = None
    note: str | None = Field(None, max_length=500)


class AttendanceChangeOut(Schema):
    id: int
    record_id: int
    student_id: int
    actor_id: int | None
    source: ChangeSource
    before_status: AttendanceStatus | Literal[""] | None = Field(
        description='"" for the change that created the record'
    )
    after_status: AttendanceStatus
    before_note: str
    after_note: str
    created_at: datetime

    @staticmethod
    def resolve_student_id(obj) -> int:
        return obj.record.student_id

    @staticmethod
    def resolve_before_status(obj) -> str | None:
        return obj.before_status or None


class ImportRowOut(Schema):
    row: int = Field(description="line number in the file (the header is line 1)")
    ok: bool
    errors: list[str]
    lesson_id: int | None
    student_id: int | None
    status: AttendanceStatus | None
    result: Literal["created", "updated", "unchanged", "skipped"] | None = None


class ImportSummaryOut(Schema):
    total: int
    valid: int
    invalid: int
    created: int
    updated: int
    unchanged: int


class AttendanceImportOut(Schema):
    applied: bool
    partial: bool
    summary: ImportSummaryOut
    rows: list[ImportRowOut]


class AttendanceImportRejectedOut(Schema):
    detail: list[ErrorItem] | str
    code: str
    applied: bool = False
    summary: ImportSummaryOut | None = None
    rows: list[ImportRowOut] | None = None


class ReportRangeQuery(QuerySchema):
    date_from: date | None = None
    date_to: date | None = None
    format: ReportFormat = "json"


class StudentReportQuery(ReportRangeQuery):
    group_id: int | None = None
    branch: int | None = Field(
        None, description="only lessons of this branch (a branch admin: one of theirs, else 404)"
    )


class StudentReportRecordOut(Schema):
    lesson_id: int
    group_id: int
    group_name: str
    starts_at: datetime
    status: AttendanceStatus
    note: str
    made_up_by_lesson_id: int | None = None


class StudentAttendanceReportOut(Schema):
    student: AttendanceStudentOut
    date_from: date | None
    date_to: date | None
    summary: AttendanceSummaryOut
    current_absence_streak: int = Field(description="latest consecutive absences (excused ones skipped)")
    records: list[StudentReportRecordOut]


class GroupReportLessonOut(Schema):
    id: int
    starts_at: datetime
    status: LessonStatus
    summary: AttendanceSummaryOut


class GroupReportStudentOut(Schema):
    student: AttendanceStudentOut
    summary: AttendanceSummaryOut
    cells: list[str | None] = Field(
        description="one per lesson, in order: a status, 'unmarked', or null (not on the roster that day)"
    )


class GroupAttendanceReportOut(Schema):
    group_id: int
    group_name: str
    date_from: date
    date_to: date
    lessons: list[GroupReportLessonOut]
    students: list[GroupReportStudentOut]
    summary: AttendanceSummaryOut
