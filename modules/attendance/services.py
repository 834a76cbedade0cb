"""Attendance writes. Every path (bulk PUT, single PATCH, file import, admin) goes through
`_mark_locked`, which locks the lesson row, checks the roster and the edit window, upserts the records
with bulk queries, appends the history, completes a past lesson, and sends the signal and events once."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import ValidationFailed
from core.write_batch import write_batch
from modules.accounts.models import User
from modules.attendance import events, permissions
from modules.attendance.makeups import link_made_up
from modules.attendance.models import AttendanceChange, AttendanceRecord
from modules.attendance.selectors import AttendanceRow
from modules.attendance.signals import AttendanceMarked, attendance_marked
from modules.attendance.trials import trials_mark_locked
from modules.center.selectors import get_system_settings
from modules.courses.models import Membership
from modules.courses.selectors import on_roster
from modules.lessons.models import Lesson, MakeupSeat
from modules.lessons.selectors import lesson_local_date, lesson_roster, makeup_seats_of
from modules.lessons.services.lessons import lessons_complete_started

# What marking and the sheet read of a roster; loading whole user rows costs time on every mark.
ROSTER_FIELDS = (
    "id",
    "group_id",
    "student_id",
    "joined_on",
    "left_on",
    "status",
    "student__id",
    "student__first_name",
    "student__last_name",
    "student__phone",
)


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
    *,
    lesson: Lesson,
    actor: User,
    records: Iterable[dict | MarkEntry],
    source: str = "api",
    trials: Iterable[dict] = (),
) -> MarkOutcome:
    """Upsert many records of one lesson, and mark its trial guests: all or nothing."""
    entries = [
        r if isinstance(r, MarkEntry) else MarkEntry(**r, loc=("body", "records", i))
        for i, r in enumerate(records)
    ]
    trials = list(trials)
    with transaction.atomic(), write_batch():  # the receivers' task rows and audit entries: one INSERT each
        outcome = _mark_locked(lesson_id=lesson.pk, actor=actor, entries=entries, source=source)
        if trials:
            trials_mark_locked(lesson=outcome.lesson, actor=actor, trials=trials, now=timezone.now())
        return outcome


def attendance_update(
    *, lesson: Lesson, actor: User, student_id: int, status: str | None = None, note: str | None = None
) -> MarkOutcome:
    """Change one student's record (creating it needs a status)."""
    entry = MarkEntry(student_id=student_id, status=status, note=note, loc=("path", "student_id"))
    with transaction.atomic(), write_batch():
        return _mark_locked(lesson_id=lesson.pk, actor=actor, entries=[entry], source="api")


def _mark_locked(*, lesson_id: int, actor: User, entries: list[MarkEntry], source: str) -> MarkOutcome:
    return mark_lessons_locked(lesson_entries={lesson_id: entries}, actor=actor, source=source)[lesson_id]


def mark_lessons_locked(
    *, lesson_entries: dict[int, list[MarkEntry]], actor: User, source: str
) -> dict[int, MarkOutcome]:
    """Mark several lessons with a fixed number of queries (the import's path; the API's with one
    lesson). Must run inside a transaction: the lessons and their records are locked until it ends."""
    lessons = list(
        Lesson.objects.select_for_update(of=("self",))
        .select_related("group")
        .annotate(has_seats=Exists(MakeupSeat.objects.filter(lesson=OuterRef("pk"))))
        .filter(pk__in=lesson_entries)
        .order_by("pk")  # a stable lock order, so two imports cannot deadlock
    )
    if len(lessons) != len(lesson_entries):
        raise Lesson.DoesNotExist("Lesson matching query does not exist.")
    now = timezone.now()
    window = get_system_settings().attendance_edit_window_days
    for lesson in lessons:
        permissions.ensure_can_mark(actor, lesson, now=now, window_days=window)
    rosters = _rosters(lessons)
    for lesson in lessons:
        entries = lesson_entries[lesson.pk]
        _ensure_on_roster(entries, {m.student_id for m in rosters[lesson.pk]})
        permissions.ensure_started(lesson, {e.status for e in entries if e.status}, now=now)
    existing: dict[int, dict[int, AttendanceRecord]] = {lesson.pk: {} for lesson in lessons}
    for record in AttendanceRecord.objects.select_for_update(of=("self",)).filter(lesson__in=lessons):
        existing[record.lesson_id][record.student_id] = record
    _attach_students(existing, rosters)
    outcomes, history = {}, {}
    for lesson in lessons:
        roster = rosters[lesson.pk]
        outcome = MarkOutcome(lesson=lesson, roster=roster, records=existing[lesson.pk])
        history[lesson.pk] = _apply(
            outcome,
            lesson_entries[lesson.pk],
            actor=actor,
            now=now,
            students={m.student_id: m.student for m in roster},
        )
        outcomes[lesson.pk] = outcome
    changed = [lesson for lesson in lessons if history[lesson.pk]]
    if not changed:
        return outcomes
    _write(outcomes, history, actor=actor, source=source, now=now)
    for lesson in changed:
        if lesson.has_seats:
            seats = [m for m in outcomes[lesson.pk].roster if isinstance(m, MakeupSeat)]
            link_made_up(lesson, seats, [c.record for c in history[lesson.pk]])
    _complete_if_past([outcomes[lesson.pk] for lesson in changed], actor=actor, now=now)
    for lesson in changed:
        _announce(outcomes[lesson.pk], history[lesson.pk], actor=actor)
    return outcomes


def _rosters(lessons: list[Lesson]) -> dict[int, list[Membership | MakeupSeat]]:
    """Each lesson's roster: its members (none for a make-up lesson), then the students who make up
    a missed lesson there (one more query, only when a lesson has such seats)."""
    rosters = _member_rosters([lesson for lesson in lessons if lesson.kind != Lesson.Kind.MAKEUP])
    seated = [lesson.pk for lesson in lessons if getattr(lesson, "has_seats", True)]
    seats = defaultdict(list)
    if seated:
        for seat in makeup_seats_of(seated):
            seats[seat.lesson_id].append(seat)
    out = {}
    for lesson in lessons:
        members = rosters.get(lesson.pk, [])
        known = {m.student_id for m in members}
        out[lesson.pk] = members + [s for s in seats[lesson.pk] if s.student_id not in known]
    return out


def _member_rosters(lessons: list[Lesson]) -> dict[int, list[Membership]]:
    """Members on each lesson's roster. One lesson: the lessons module's own selector; many: the
    memberships of their groups, evaluated per lesson date in Python (two queries whatever the number
    of lessons)."""
    if not lessons:
        return {}
    if len(lessons) == 1:
        return {lessons[0].pk: list(lesson_roster(lessons[0]).only(*ROSTER_FIELDS))}
    by_group = defaultdict(list)
    memberships = (
        Membership.objects.filter(group_id__in={lesson.group_id for lesson in lessons})
        .select_related("student")
        .only(*ROSTER_FIELDS)
        .prefetch_related("freezes")
    )
    for m in memberships:
        by_group[m.group_id].append(m)
    out = {}
    for lesson in lessons:
        day = lesson_local_date(lesson)
        out[lesson.pk] = [m for m in by_group[lesson.group_id] if on_roster(m, day)]
    return out


def _attach_students(existing: dict[int, dict[int, AttendanceRecord]], rosters) -> None:
    """Records reuse the roster's user objects; only students who left need loading (one query)."""
    known = {m.student_id: m.student for roster in rosters.values() for m in roster}
    missing = {sid for records in existing.values() for sid in records if sid not in known}
    if missing:
        known.update({u.pk: u for u in User.objects.filter(pk__in=missing)})
    for records in existing.values():
        for sid, record in records.items():
            record.student = known[sid]


def _update_rows(records: list[AttendanceRecord], *, actor: User, now) -> None:
    """One UPDATE ... FROM (rows) for a batch. QuerySet.bulk_update builds a CASE WHEN per row and
    field, which cost ~70 ms of Python for 30 students; this is the same single statement, built
    directly (UPDATE FROM works on PostgreSQL and SQLite >= 3.33)."""
    table = connection.ops.quote_name(AttendanceRecord._meta.db_table)
    rows = " UNION ALL ".join(
        [
            "SELECT CAST(%s AS bigint) AS id, CAST(%s AS varchar(16)) AS status, CAST(%s AS varchar(500)) AS note"
        ]
        * len(records)
    )
    params: list = [actor.pk, now, now]
    for record in records:
        params += [record.pk, record.status, record.note]
    sql = (
        f"UPDATE {table} SET status = v.status, note = v.note, marked_by_id = %s, marked_at = %s, "
        f"updated_at = %s FROM ({rows}) AS v WHERE {table}.id = v.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _write(
    outcomes: dict[int, MarkOutcome], history: dict[int, list], *, actor: User, source: str, now
) -> None:
    created = [r for o in outcomes.values() for r in o.created]
    updated = [r for o in outcomes.values() for r in o.updated]
    if created:
        AttendanceRecord.objects.bulk_create(created, batch_size=1000)
    for start in range(0, len(updated), 500):
        _update_rows(updated[start : start + 500], actor=actor, now=now)
    AttendanceChange.objects.bulk_create(
        [
            _history_row(c, actor=actor, source=source, now=now)
            for changes in history.values()
            for c in changes
        ],
        batch_size=1000,
    )


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
                _("Student {student_id} is not on this lesson's roster.").format(student_id=e.student_id)
                if e.student_id in known
                else _("Student {student_id} does not exist.").format(student_id=e.student_id)
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
                    [{"loc": ["body", "status"], "msg": _("A new record needs a status."), "type": "missing"}]
                )
            record = AttendanceRecord(
                lesson_id=outcome.lesson.pk,
                student=students[entry.student_id],
                status=entry.status,
                note=entry.note or "",
                marked_by_id=actor.pk,
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
        record.status, record.note, record.marked_by_id, record.marked_at = status, note, actor.pk, now
        record.updated_at = now
        outcome.updated.append(record)
    return history


def _history_row(change: _Change, *, actor: User, source: str, now) -> AttendanceChange:
    return AttendanceChange(
        record_id=change.record.pk,
        actor_id=actor.pk,
        source=source,
        before_status=change.before_status,
        after_status=change.record.status,
        before_note=change.before_note,
        after_note=change.record.note,
        created_at=now,
    )


def _complete_if_past(outcomes: list[MarkOutcome], *, actor: User, now) -> None:
    """The first attendance of a lesson that has started completes it: a call down to the lessons
    module, which owns the lesson's status, its signal and its event."""
    completed = {
        lesson.pk
        for lesson in lessons_complete_started(lessons=[o.lesson for o in outcomes], actor=actor, now=now)
    }
    for outcome in outcomes:
        outcome.completed = outcome.lesson.pk in completed


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
        event = AttendanceMarked(
            lesson_id=outcome.lesson.pk,
            group_id=outcome.lesson.group_id,
            student_ids=tuple(c["student_id"] for c in status_changes),
            actor_id=actor.pk,
        )
        attendance_marked.send(
            sender=AttendanceRecord, event=event, lesson=outcome.lesson, changes=status_changes, actor=actor
        )
    roster_ids = {m.student_id for m in outcome.roster}
    rows = [AttendanceRow.of(c.record, on_roster=c.record.student_id in roster_ids) for c in history]
    events.attendance_updated(lesson=outcome.lesson, rows=rows)
