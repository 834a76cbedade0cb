from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema
from pydantic import field_validator

from core.schemas import ErrorItem, InputSchema, QuerySchema

AttendanceStatus = Literal["present", "absent", "late", "excused"]
ReportFormat = Literal["json", "csv", "xlsx"]


class StudentBriefOut(Schema):
    id: int
    first_name: str
    last_name: str
    phone: str


class AttendanceRecordOut(Schema):
    student: StudentBriefOut
    status: AttendanceStatus | None = Field(description="null: on the roster but not marked yet")
    note: str
    record_id: int | None
    marked_by_id: int | None
    marked_at: datetime | None
    on_roster: bool = Field(description="false for a record kept after the student left the roster")


class AttendanceSummaryOut(Schema):
    present: int
    absent: int
    late: int
    excused: int
    unmarked: int
    rate: float | None = Field(
        description="(present + late) / (present + late + absent); excused is left out"
    )


class LessonAttendanceOut(Schema):
    lesson_id: int
    group_id: int
    lesson_status: str
    starts_at: datetime
    editable_until: datetime = Field(description="when the group's teacher can no longer change it")
    summary: AttendanceSummaryOut
    records: list[AttendanceRecordOut]


class AttendanceMarkItemIn(InputSchema):
    student_id: int
    status: AttendanceStatus
    note: str | None = Field(None, max_length=500, description="omitted: keep the current note")


class AttendanceBulkIn(InputSchema):
    records: list[AttendanceMarkItemIn] = Field(..., min_length=1, max_length=500)

    @field_validator("records")
    @classmethod
    def _unique_students(cls, value: list[AttendanceMarkItemIn]):
        seen: set[int] = set()
        dupes = sorted({r.student_id for r in value if r.student_id in seen or seen.add(r.student_id)})
        if dupes:
            raise ValueError(f"each student may appear once; repeated: {dupes}")
        return value


class AttendancePatchIn(InputSchema):
    status: AttendanceStatus | None = None
    note: str | None = Field(None, max_length=500)


class AttendanceChangeOut(Schema):
    id: int
    record_id: int
    student_id: int
    actor_id: int | None
    source: str
    before_status: str | None
    after_status: str
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


class StudentReportRecordOut(Schema):
    lesson_id: int
    group_id: int
    group_name: str
    starts_at: datetime
    status: AttendanceStatus
    note: str


class StudentAttendanceReportOut(Schema):
    student: StudentBriefOut
    date_from: date | None
    date_to: date | None
    summary: AttendanceSummaryOut
    current_absence_streak: int = Field(description="latest consecutive absences (excused ones skipped)")
    records: list[StudentReportRecordOut]


class GroupReportLessonOut(Schema):
    id: int
    starts_at: datetime
    status: str
    summary: AttendanceSummaryOut


class GroupReportStudentOut(Schema):
    student: StudentBriefOut
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
