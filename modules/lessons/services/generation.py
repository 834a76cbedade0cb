"""Lesson generation: from each group's weekly schedules, inside the group's and the schedule's
dates, in the center's time zone (stored UTC), skipping holidays and busy teachers or rooms.

It only ever creates. A slot is identified by (group, original_starts_at), which never changes, so a
lesson that was rescheduled, cancelled, completed or marked is recognised and left alone, and a
rerun creates nothing. Everything is read in a few queries and written in one bulk insert (COPY on
PostgreSQL, bulk_create elsewhere), so a term for hundreds of groups takes seconds."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import Prefetch, Q

from modules.courses.models import Group, LessonSchedule
from modules.courses.selectors import holidays_between
from modules.lessons.clashes import overlaps
from modules.lessons.models import Lesson

BATCH = 2000


@dataclass
class Skip:
    date: date
    starts_at: datetime
    reason: str
    detail: str = ""
    group_id: int | None = None


@dataclass
class GenerationResult:
    created: int = 0
    skipped: list[Skip] = field(default_factory=list)


@dataclass
class _Slot:
    group: Group
    schedule: LessonSchedule
    day: date
    starts_at: datetime
    ends_at: datetime
    room_id: int | None


def center_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _days(schedule: LessonSchedule, group: Group, date_from: date, date_to: date) -> Iterable[date]:
    """Every date of the schedule's weekday within the range, the group's and the schedule's dates."""
    first = max(date_from, group.start_date, schedule.valid_from)
    last = min(d for d in (date_to, group.end_date, schedule.valid_to) if d is not None)
    day = first + timedelta(days=(schedule.weekday - first.weekday()) % 7)
    while day <= last:
        yield day
        day += timedelta(days=7)


def _plan(groups: list[Group], date_from: date, date_to: date, holidays: dict, result: GenerationResult):
    zone = center_zone()
    for group in groups:
        for schedule in group.active_schedules:
            for day in _days(schedule, group, date_from, date_to):
                local = datetime.combine(day, schedule.start_time, tzinfo=zone)
                starts_at = local.astimezone(UTC)
                if day in holidays:
                    result.skipped.append(Skip(day, starts_at, "holiday", holidays[day], group.pk))
                    continue
                yield _Slot(
                    group=group,
                    schedule=schedule,
                    day=day,
                    starts_at=starts_at,
                    ends_at=starts_at + timedelta(minutes=schedule.duration_minutes),
                    room_id=schedule.room_id or group.room_id,
                )


def _existing(groups: list[Group], since: datetime, until: datetime):
    """Lessons that matter: this run's groups' slots in range (by original time) and anything their
    teachers or rooms do in range (by actual time). One query, plain tuples."""
    group_ids = [g.pk for g in groups]
    teacher_ids = {g.teacher_id for g in groups}
    room_ids = {r for g in groups for r in [g.room_id, *(s.room_id for s in g.active_schedules)] if r}
    in_range = Q(starts_at__lt=until, ends_at__gt=since) & ~Q(status=Lesson.Status.CANCELLED)
    who = (
        Q(teacher_id__in=teacher_ids) | Q(room_id__in=room_ids) if room_ids else Q(teacher_id__in=teacher_ids)
    )
    own_slots = Q(group_id__in=group_ids, original_starts_at__gte=since, original_starts_at__lt=until)
    return Lesson.objects.filter(own_slots | (in_range & who)).values_list(
        "id", "group_id", "teacher_id", "room_id", "starts_at", "ends_at", "original_starts_at", "status"
    )


class _Busy:
    """Who is busy when, bucketed by (teacher or room, UTC date) so each check looks at a few rows."""

    def __init__(self):
        self.buckets: dict[tuple, list[tuple[datetime, datetime, int | None]]] = defaultdict(list)

    @staticmethod
    def _keys(kind: str, who: int, start: datetime, end: datetime):
        day = start.date()
        while day <= end.date():
            yield (kind, who, day)
            day += timedelta(days=1)

    def add(self, teacher_id: int, room_id: int | None, start: datetime, end: datetime, lesson_id=None):
        for key in self._keys("teacher", teacher_id, start, end):
            self.buckets[key].append((start, end, lesson_id))
        if room_id is not None:
            for key in self._keys("room", room_id, start, end):
                self.buckets[key].append((start, end, lesson_id))

    def clash(self, kind: str, who: int | None, start: datetime, end: datetime):
        if who is None:
            return None
        for key in self._keys(kind, who, start, end):
            for b_start, b_end, lesson_id in self.buckets.get(key, ()):
                if overlaps(start, end, b_start, b_end):
                    return lesson_id or "this run"
        return None


def _reason_for_existing(status: str, starts_at: datetime, original: datetime) -> str:
    if status == Lesson.Status.CANCELLED:
        return "cancelled"
    if starts_at != original:
        return "rescheduled"
    if status == Lesson.Status.COMPLETED:
        return "completed"
    return "exists"


def lessons_generate(*, groups, date_from: date, date_to: date) -> GenerationResult:
    """Creates the missing lessons of `groups` (a queryset or list) for local dates [date_from,
    date_to]; reports each slot it did not create and why."""
    result = GenerationResult()
    schedules = Prefetch(
        "schedules", queryset=LessonSchedule.objects.filter(is_active=True), to_attr="active_schedules"
    )
    ids = [g.pk for g in groups]
    group_rows = list(Group.objects.filter(pk__in=ids).prefetch_related(schedules).order_by("pk"))
    if not group_rows:
        return result
    zone = center_zone()
    since = datetime.combine(date_from, datetime.min.time(), tzinfo=zone).astimezone(UTC)
    until = datetime.combine(date_to + timedelta(days=1), datetime.min.time(), tzinfo=zone).astimezone(UTC)
    holidays = holidays_between(date_from, date_to)
    taken: dict[tuple[int, datetime], tuple[str, datetime]] = {}
    busy = _Busy()
    for lesson_id, group_id, teacher_id, room_id, starts_at, ends_at, original, status in _existing(
        group_rows, since, until
    ):
        taken[(group_id, original)] = (status, starts_at)
        if status != Lesson.Status.CANCELLED:
            busy.add(teacher_id, room_id, starts_at, ends_at, lesson_id)
    new: list[tuple] = []
    for slot in _plan(group_rows, date_from, date_to, holidays, result):
        group_id = slot.group.pk
        if (group_id, slot.starts_at) in taken:
            status, actual = taken[(group_id, slot.starts_at)]
            reason = _reason_for_existing(status, actual, slot.starts_at)
            result.skipped.append(Skip(slot.day, slot.starts_at, reason, "", group_id))
            continue
        for kind, who in (("teacher", slot.group.teacher_id), ("room", slot.room_id)):
            other = busy.clash(kind, who, slot.starts_at, slot.ends_at)
            if other is not None:
                result.skipped.append(
                    Skip(slot.day, slot.starts_at, f"{kind}_busy", f"lesson {other}", group_id)
                )
                break
        else:
            busy.add(slot.group.teacher_id, slot.room_id, slot.starts_at, slot.ends_at)
            taken[(group_id, slot.starts_at)] = (Lesson.Status.SCHEDULED, slot.starts_at)
            new.append(
                (
                    group_id,
                    slot.schedule.pk,
                    slot.group.teacher_id,
                    slot.room_id,
                    slot.starts_at,
                    slot.ends_at,
                )
            )
    result.created = _insert(new)
    result.skipped.sort(key=lambda s: (s.starts_at, s.group_id or 0))
    return result


_COLUMNS = ("group_id", "schedule_id", "teacher_id", "room_id", "starts_at", "ends_at")


def _insert(rows: list[tuple]) -> int:
    """Inserts new scheduled lessons; a slot another run created meanwhile is left alone (the unique
    (group, original_starts_at) key). Returns how many were inserted. On PostgreSQL the rows go
    through COPY into a temporary table and one INSERT ... ON CONFLICT DO NOTHING: about ten times
    faster than the ORM's bulk_create for tens of thousands of rows."""
    if not rows:
        return 0
    if connection.vendor != "postgresql":
        lessons = [Lesson(**dict(zip(_COLUMNS, row, strict=True)), original_starts_at=row[4]) for row in rows]
        Lesson.objects.bulk_create(lessons, batch_size=BATCH, ignore_conflicts=True)
        return len(lessons)
    table = Lesson._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS lessons_generate_tmp (group_id bigint, schedule_id bigint, "
            "teacher_id bigint, room_id bigint, starts_at timestamptz, ends_at timestamptz) ON COMMIT DROP"
        )
        cursor.execute("TRUNCATE lessons_generate_tmp")
        with cursor.copy(f"COPY lessons_generate_tmp ({', '.join(_COLUMNS)}) FROM STDIN") as copy:
            copy.write("".join(_copy_line(row) for row in rows))
        cursor.execute(
            f"INSERT INTO {table} (created_at, updated_at, group_id, schedule_id, teacher_id, room_id, "
            "starts_at, ends_at, original_starts_at, status, topic, notes, cancel_reason) "
            "SELECT now(), now(), group_id, schedule_id, teacher_id, room_id, starts_at, ends_at, starts_at, "
            "%s, '', '', '' FROM lessons_generate_tmp ON CONFLICT (group_id, original_starts_at) DO NOTHING",
            [Lesson.Status.SCHEDULED],
        )
        return cursor.rowcount


def _copy_line(row: tuple) -> str:
    group_id, schedule_id, teacher_id, room_id, starts_at, ends_at = row
    room = "\\N" if room_id is None else str(room_id)
    return (
        f"{group_id}\t{schedule_id}\t{teacher_id}\t{room}\t{starts_at.isoformat()}\t{ends_at.isoformat()}\n"
    )


def lessons_generate_for_group(*, group: Group, date_from: date, date_to: date) -> GenerationResult:
    """One group's lessons for [date_from, date_to] (the API's and the admin action's entry point)."""
    from core.exceptions import Conflict, ValidationFailed

    if group.status == Group.Status.FINISHED:
        raise Conflict("The group has finished.", code="group_finished")
    if date_to < group.start_date or (group.end_date is not None and date_from > group.end_date):
        raise ValidationFailed.field(
            "date_from", "the range is outside the group's dates", code="outside_group_dates"
        )
    return lessons_generate(groups=[group], date_from=date_from, date_to=date_to)


def horizon_range(today: date | None = None) -> tuple[date, date]:
    """Today (local) to N weeks ahead, N = SystemSettings.generation_horizon_weeks."""
    from django.utils import timezone

    from modules.audit.selectors import get_system_settings

    start = today or timezone.localdate()
    return start, start + timedelta(weeks=get_system_settings().generation_horizon_weeks)
