"""Attendance writes. Every path (bulk PUT, single PATCH, file import, admin) goes through
`_mark_locked`, which locks the lesson row, checks the roster and the edit window, upserts the records
with bulk queries, appends the history, completes a past lesson, and sends the signal and events once."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from core.exceptions import ValidationFailed
from modules.accounts.models import User
from modules.attendance import events, rules
from modules.attendance.models import AttendanceChange, AttendanceRecord
from modules.attendance.selectors import AttendanceRow
from modules.attendance.signals import attendance_marked
from modules.audit.selectors import get_system_settings
from modules.courses.models import Membership
from modules.lessons.models import Lesson
from modules.lessons.selectors import lesson_roster
from modules.lessons.signals import lesson_changed

UPDATABLE = ["status", "note", "marked_by", "marked_at", "updated_at"]


@dataclass
class MarkEntry:
    student_id: int
    status: str | None = None  # None: keep the current status (a note-only change)
    note: str | None = None  # None: keep the current note
    loc: tuple = ()  # where the entry came from, for error messages


@dataclass
class MarkOutcome:
    lesson: Lesson
    roster: list[Membership]
    records: dict[int, AttendanceRecord]  # every record of the lesson, by student id
    created: list[AttendanceRecord] = field(default_factory=list)
    updated: list[AttendanceRecord] = field(default_factory=list)
    completed: bool = False

    def result_of(self, student_id: int) -> str:
        ids = {r.student_id for r in self.created}
        if student_id in ids:
            return "created"
        return "updated" if student_id in {r.student_id for r in self.updated} else "unchanged"


def attendance_mark_bulk(
    *, lesson: Lesson, actor: User, records: Iterable[dict | MarkEntry], source: str = "api"
) -> MarkOutcome:
    """Upsert many records of one lesson: all or nothing."""
    entries = [
        r if isinstance(r, MarkEntry) else MarkEntry(**r, loc=("body", "records", i))
        for i, r in enumerate(records)
    ]
    with transaction.atomic():
        return _mark_locked(lesson_id=lesson.pk, actor=actor, entries=entries, source=source)


def attendance_update(
    *, lesson: Lesson, actor: User, student_id: int, status: str | None = None, note: str | None = None
) -> MarkOutcome:
    """Change one student's record (creating it needs a status)."""
    entry = MarkEntry(student_id=student_id, status=status, note=note, loc=("path", "student_id"))
    with transaction.atomic():
        return _mark_locked(lesson_id=lesson.pk, actor=actor, entries=[entry], source="api")


def _mark_locked(*, lesson_id: int, actor: User, entries: list[MarkEntry], source: str) -> MarkOutcome:
    lesson = Lesson.objects.select_for_update(of=("self",)).select_related("group").get(pk=lesson_id)
    now = timezone.now()
    rules.ensure_can_mark(
        actor, lesson, now=now, window_days=get_system_settings().attendance_edit_window_days
    )
    roster = list(lesson_roster(lesson))
    _ensure_on_roster(entries, {m.student_id for m in roster})
    rules.ensure_started(lesson, {e.status for e in entries if e.status}, now=now)
    existing = {
        r.student_id: r
        for r in AttendanceRecord.objects.select_for_update(of=("self",))
        .select_related("student")
        .filter(lesson=lesson)
    }
    outcome = MarkOutcome(lesson=lesson, roster=roster, records=existing)
    history = _apply(
        outcome, entries, actor=actor, now=now, students={m.student_id: m.student for m in roster}
    )
    if not history:
        return outcome
    AttendanceRecord.objects.bulk_create(outcome.created)
    if outcome.updated:
        AttendanceRecord.objects.bulk_update(outcome.updated, UPDATABLE)
    for change in history:
        change.record_id = change.record.pk
    AttendanceChange.objects.bulk_create(
        [_history_row(c, actor=actor, source=source, now=now) for c in history]
    )
    _complete_if_past(outcome, actor=actor, now=now)
    _announce(outcome, history, actor=actor)
    return outcome


def _ensure_on_roster(entries: list[MarkEntry], roster_ids: set[int]) -> None:
    missing = [e for e in entries if e.student_id not in roster_ids]
    if not missing:
        return
    known = set(
        User.objects.filter(pk__in=[e.student_id for e in missing], role=User.Role.STUDENT).values_list(
            "pk", flat=True
        )
    )
    detail = [
        {
            "loc": [*e.loc, "student_id"] if e.loc and e.loc[0] == "body" else list(e.loc),
            "msg": (
                f"Student {e.student_id} is not on this lesson's roster."
                if e.student_id in known
                else f"Student {e.student_id} does not exist."
            ),
            "type": "off_roster" if e.student_id in known else "unknown_student",
        }
        for e in missing
    ]
    raise ValidationFailed(
        detail,
        code="students_not_on_roster",
        extra={
            "unknown_student_ids": sorted(e.student_id for e in missing if e.student_id not in known),
            "off_roster_student_ids": sorted(e.student_id for e in missing if e.student_id in known),
        },
    )


@dataclass
class _Change:
    record: AttendanceRecord
    before_status: str
    before_note: str


def _apply(outcome: MarkOutcome, entries, *, actor: User, now, students: dict) -> list[_Change]:
    """Set the new values on (new or existing) record objects; returns what changed."""
    history: list[_Change] = []
    for entry in entries:
        record = outcome.records.get(entry.student_id)
        if record is None:
            if entry.status is None:
                raise ValidationFailed(
                    [{"loc": ["body", "status"], "msg": "A new record needs a status.", "type": "missing"}]
                )
            record = AttendanceRecord(
                lesson=outcome.lesson,
                student=students[entry.student_id],
                status=entry.status,
                note=entry.note or "",
                marked_by=actor,
                marked_at=now,
            )
            outcome.records[entry.student_id] = record
            outcome.created.append(record)
            history.append(_Change(record, "", ""))
            continue
        status = entry.status or record.status
        note = record.note if entry.note is None else entry.note
        if status == record.status and note == record.note:
            continue
        history.append(_Change(record, record.status, record.note))
        record.status, record.note, record.marked_by, record.marked_at = status, note, actor, now
        record.updated_at = now
        outcome.updated.append(record)
    return history


def _history_row(change: _Change, *, actor: User, source: str, now) -> AttendanceChange:
    return AttendanceChange(
        record_id=change.record.pk,
        actor=actor,
        source=source,
        before_status=change.before_status,
        after_status=change.record.status,
        before_note=change.before_note,
        after_note=change.record.note,
        created_at=now,
    )


def _complete_if_past(outcome: MarkOutcome, *, actor: User, now) -> None:
    """The first attendance of a lesson that has started completes it. A direct update (the lessons
    module owns the model; this is the one status change attendance makes) plus the lessons signal,
    so lesson listeners hear of it as of any other completion."""
    lesson = outcome.lesson
    if lesson.status != Lesson.Status.SCHEDULED or lesson.starts_at > now:
        return
    done = Lesson.objects.filter(pk=lesson.pk, status=Lesson.Status.SCHEDULED).update(
        status=Lesson.Status.COMPLETED, updated_at=now
    )
    if done:
        lesson.status = Lesson.Status.COMPLETED
        outcome.completed = True
        lesson_changed.send(sender=Lesson, lesson=lesson, change="completed", actor=actor)
        events.lesson_completed(lesson=lesson)


def _announce(outcome: MarkOutcome, history: list[_Change], *, actor: User) -> None:
    status_changes = [
        {
            "student_id": c.record.student_id,
            "before": c.before_status or None,
            "after": c.record.status,
            "record_id": c.record.pk,
        }
        for c in history
        if c.before_status != c.record.status
    ]
    if status_changes:
        attendance_marked.send(
            sender=AttendanceRecord, lesson=outcome.lesson, changes=status_changes, actor=actor
        )
    roster_ids = {m.student_id for m in outcome.roster}
    rows = [AttendanceRow.of(c.record, on_roster=c.record.student_id in roster_ids) for c in history]
    events.attendance_updated(lesson=outcome.lesson, rows=rows)
