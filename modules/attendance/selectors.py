"""Attendance reads: a lesson's sheet (roster + records), history, and who may see which student."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef, QuerySet

from core.ordering import order_by
from modules.accounts.models import User
from modules.attendance.models import AttendanceChange, AttendanceRecord, TrialVisit
from modules.attendance.permissions import edit_deadline
from modules.center.selectors import get_system_settings
from modules.courses.models import Membership
from modules.lessons.models import Lesson, MakeupSeat
from modules.lessons.selectors import lesson_roster, lessons_visible_to, makeup_seats_of

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
    """The lesson if `user` may see it (else DoesNotExist → 404), with whether it has make-up seats
    and trial guests (so a sheet without them costs no query for them)."""
    return (
        lessons_visible_to(user)
        .select_related("group")
        .annotate(
            has_seats=Exists(MakeupSeat.objects.filter(lesson=OuterRef("pk"))),
            has_trials=Exists(TrialVisit.objects.filter(lesson=OuterRef("pk"))),
        )
        .get(pk=lesson_id)
    )


def lesson_roster_lines(lesson: Lesson) -> list:
    """The members on the lesson's roster (none for a make-up lesson), then the students who make up
    a missed lesson there (lessons.MakeupSeat rows: they carry student_id and student like a
    membership)."""
    members = [] if lesson.kind == Lesson.Kind.MAKEUP else list(lesson_roster(lesson))
    if not getattr(lesson, "has_seats", True):
        return members
    known = {m.student_id for m in members}
    return members + [s for s in makeup_seats_of([lesson.pk]) if s.student_id not in known]


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
        roster = lesson_roster_lines(lesson)
    if records is None:
        records = {
            r.student_id: r for r in AttendanceRecord.objects.filter(lesson=lesson).select_related("student")
        }
    rows = _own_rows_only(user, sheet_rows(roster, records))
    shown = {row.student.pk for row in rows}
    window = get_system_settings().attendance_edit_window_days
    return {
        "lesson_id": lesson.pk,
        "group_id": lesson.group_id,
        "lesson_status": lesson.status,
        "lesson_kind": lesson.kind,
        "starts_at": lesson.starts_at,
        "editable_until": edit_deadline(lesson, window),
        "summary": summarize(rows),
        "records": rows,
        "made_up": [
            {"student_id": sid, "made_up_by_lesson_id": r.made_up_by_id}
            for sid, r in sorted(records.items())
            if r.made_up_by_id is not None and sid in shown
        ],
        "trials": _trial_lines(user, lesson),
    }


def _trial_lines(user: User, lesson: Lesson) -> list:
    """Trial guests, for the lesson's staff only (a guest's phone is not the students' business)."""
    if user.role not in (User.Role.ADMIN, User.Role.TEACHER) or not getattr(lesson, "has_trials", True):
        return []
    return list(TrialVisit.objects.filter(lesson=lesson).order_by("last_name", "first_name", "id"))


def lesson_history(lesson: Lesson, *, ordering: str = "created_at") -> QuerySet[AttendanceChange]:
    return order_by(AttendanceChange.objects.filter(record__lesson=lesson).select_related("record"), ordering)
