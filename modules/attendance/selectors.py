"""Attendance reads: a lesson's sheet (roster + records), history, and who may see which student."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from modules.accounts.models import User
from modules.attendance.models import AttendanceChange, AttendanceRecord
from modules.attendance.rules import edit_deadline
from modules.center.selectors import get_system_settings
from modules.courses.models import Membership
from modules.lessons.models import Lesson
from modules.lessons.selectors import lesson_roster, lessons_visible_to

STATUSES = ("present", "absent", "late", "excused")


@dataclass
class AttendanceRow:
    """One line of a lesson's sheet: a roster student (maybe unmarked) or a kept record."""

    student: User
    status: str | None
    note: str
    record_id: int | None
    marked_by_id: int | None
    marked_at: datetime | None
    on_roster: bool

    @classmethod
    def of(cls, record: AttendanceRecord, *, on_roster: bool) -> AttendanceRow:
        return cls(
            student=record.student,
            status=record.status,
            note=record.note,
            record_id=record.pk,
            marked_by_id=record.marked_by_id,
            marked_at=record.marked_at,
            on_roster=on_roster,
        )

    @classmethod
    def unmarked(cls, student: User) -> AttendanceRow:
        return cls(student, None, "", None, None, None, True)


def lesson_for_attendance(user: User, lesson_id: int) -> Lesson:
    """The lesson if `user` may see it (else DoesNotExist → 404)."""
    return lessons_visible_to(user).select_related("group").get(pk=lesson_id)


def sheet_rows(roster: list[Membership], records: dict[int, AttendanceRecord]) -> list[AttendanceRow]:
    """Roster students in name order (marked or not), then records of students no longer on it."""
    on_roster = {m.student_id for m in roster}
    rows = [
        AttendanceRow.of(records[m.student_id], on_roster=True)
        if m.student_id in records
        else AttendanceRow.unmarked(m.student)
        for m in roster
    ]
    rows += [AttendanceRow.of(r, on_roster=False) for sid, r in records.items() if sid not in on_roster]
    return sorted(
        rows, key=lambda r: (not r.on_roster, r.student.last_name, r.student.first_name, r.student.pk)
    )


def _own_rows_only(user: User, rows: list[AttendanceRow]) -> list[AttendanceRow]:
    """Students and parents see their own (children's) lines, not the whole group's."""
    if user.role == User.Role.STUDENT:
        return [r for r in rows if r.student.pk == user.pk]
    if user.role == User.Role.PARENT:
        children = set(user.children.values_list("pk", flat=True))
        return [r for r in rows if r.student.pk in children]
    return rows


def summarize(rows) -> dict:
    counts = {s: 0 for s in STATUSES}
    unmarked = 0
    for row in rows:
        if row.status is None:
            unmarked += 1
        else:
            counts[row.status] += 1
    return {**counts, "unmarked": unmarked, "rate": attendance_rate(counts)}


def attendance_rate(counts: dict) -> float | None:
    attended = counts["present"] + counts["late"]
    base = attended + counts["absent"]
    return round(attended / base, 4) if base else None


def lesson_sheet(user: User, lesson: Lesson, *, roster=None, records=None) -> dict:
    """What GET/PUT /lessons/{id}/attendance answer. A write passes what it already loaded."""
    if roster is None:
        roster = list(lesson_roster(lesson))
    if records is None:
        records = {
            r.student_id: r for r in AttendanceRecord.objects.filter(lesson=lesson).select_related("student")
        }
    rows = _own_rows_only(user, sheet_rows(roster, records))
    window = get_system_settings().attendance_edit_window_days
    return {
        "lesson_id": lesson.pk,
        "group_id": lesson.group_id,
        "lesson_status": lesson.status,
        "starts_at": lesson.starts_at,
        "editable_until": edit_deadline(lesson, window),
        "summary": summarize(rows),
        "records": rows,
    }


def lesson_history(lesson: Lesson) -> QuerySet[AttendanceChange]:
    return (
        AttendanceChange.objects.filter(record__lesson=lesson)
        .select_related("record")
        .order_by("created_at", "id")
    )
