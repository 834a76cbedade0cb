"""Lesson generation: from each group's weekly schedules, inside the group's and the schedule's
dates, in the center's time zone (stored UTC), skipping holidays and busy teachers or rooms.

It only ever creates. A slot is identified by (group, original_starts_at), which never changes, so a
lesson that was rescheduled, cancelled, completed or marked is recognised and left alone, and a
rerun creates nothing. Everything is read in a few queries and written in one statement (INSERT ...
SELECT FROM unnest on PostgreSQL, bulk_create elsewhere), so a term for hundreds of groups takes
seconds. Times are handled as integer Unix seconds internally: tens of thousands of rows compare and hash far faster that way."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import BigIntegerField, Func, Prefetch, Q
from django.utils.translation import gettext as _

from modules.courses.models import Group, LessonSchedule
from modules.courses.selectors import holidays_between
from modules.lessons.models import Lesson

BATCH = 2000
DAY = 86400


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


class Epoch(Func):
    """A timestamp as whole Unix seconds, computed by the database (no datetime parsing per row)."""

    output_field = BigIntegerField()
    template = "CAST(EXTRACT(EPOCH FROM %(expressions)s) AS BIGINT)"

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="CAST(strftime('%%%%s', %(expressions)s) AS INTEGER)"
        )


def center_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _to_dt(ts: int) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def _days(schedule: LessonSchedule, group: Group, date_from: date, date_to: date) -> Iterable[date]:
    """Every date of the schedule's weekday within the range, the group's and the schedule's dates."""
    first = max(date_from, group.start_date, schedule.valid_from)
    last = min(d for d in (date_to, group.end_date, schedule.valid_to) if d is not None)
    day = first + timedelta(days=(schedule.weekday - first.weekday()) % 7)
    while day <= last:
        yield day
        day += timedelta(days=7)


def _plan(groups: list[Group], date_from: date, date_to: date, holidays: dict, result: GenerationResult):
    """(group_id, schedule_id, teacher_id, room_id, day, start, end) for every slot not on a
    holiday, as plain values (start and end in Unix seconds). The local wall time is converted per
    date, so zones with DST stay right too."""
    zone = center_zone()
    for group in groups:
        group_id, teacher_id = group.pk, group.teacher_id
        for schedule in group.active_schedules:
            length = schedule.duration_minutes * 60
            schedule_id, start_time = schedule.pk, schedule.start_time
            room_id = schedule.room_id or group.room_id
            for day in _days(schedule, group, date_from, date_to):
                start = int(datetime.combine(day, start_time, tzinfo=zone).timestamp())
                if day in holidays:
                    result.skipped.append(Skip(day, _to_dt(start), "holiday", holidays[day], group_id))
                    continue
                yield group_id, schedule_id, teacher_id, room_id, day, start, start + length


def _existing(groups: list[Group], since: datetime, until: datetime):
    """Lessons that matter: this run's groups' slots in range (by original time) and anything their
    teachers or rooms do in range (by actual time). One query, plain tuples, times in seconds."""
    group_ids = [g.pk for g in groups]
    teacher_ids = {g.teacher_id for g in groups}
    room_ids = {r for g in groups for r in [g.room_id, *(s.room_id for s in g.active_schedules)] if r}
    in_range = Q(starts_at__lt=until, ends_at__gt=since) & ~Q(status=Lesson.Status.CANCELLED)
    who = Q(teacher_id__in=teacher_ids)
    if room_ids:
        who |= Q(room_id__in=room_ids)
    own_slots = Q(group_id__in=group_ids, original_starts_at__gte=since, original_starts_at__lt=until)
    return (
        Lesson.objects.filter(own_slots | (in_range & who))
        .annotate(s=Epoch("starts_at"), e=Epoch("ends_at"), o=Epoch("original_starts_at"))
        .values_list("id", "group_id", "teacher_id", "room_id", "s", "e", "o", "status")
    )


def _fetch(qs) -> list[tuple]:
    """The query's rows as plain tuples straight from the cursor: for tens of thousands of rows the
    ORM's per-row iteration would cost more than the query itself."""
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


class _Busy:
    """Who is busy when, bucketed by (teacher or room, UTC day) so each check looks at a few rows."""

    def __init__(self):
        self.buckets: dict[tuple, list[tuple[int, int, int | None]]] = defaultdict(list)

    def add(self, teacher_id: int, room_id: int | None, start: int, end: int, lesson_id=None):
        entry = (start, end, lesson_id)
        for day in range(start // DAY, (end - 1) // DAY + 1):
            self.buckets[(0, teacher_id, day)].append(entry)
            if room_id is not None:
                self.buckets[(1, room_id, day)].append(entry)

    def clash(self, kind: int, who: int | None, start: int, end: int):
        """The lesson (id, or "this run") overlapping [start, end) for a teacher (0) or room (1)."""
        if who is None:
            return None
        for day in range(start // DAY, (end - 1) // DAY + 1):
            for b_start, b_end, lesson_id in self.buckets.get((kind, who, day), ()):
                if start < b_end and b_start < end:  # half-open: touching is fine
                    return lesson_id or "this run"
        return None


def _busy_from(rows) -> _Busy:
    busy = _Busy()
    for lesson_id, _group_id, teacher_id, room_id, start, end, _original, status in rows:
        if status != Lesson.Status.CANCELLED:
            busy.add(teacher_id, room_id, start, end, lesson_id)
    return busy


def _reason_for_existing(status: str, starts_at: int, original: int) -> str:
    if status == Lesson.Status.CANCELLED:
        return "cancelled"
    if starts_at != original:
        return "rescheduled"
    if status == Lesson.Status.COMPLETED:
        return "completed"
    return "exists"


def _load_groups(groups) -> list[Group]:
    schedules = Prefetch(
        "schedules", queryset=LessonSchedule.objects.filter(is_active=True), to_attr="active_schedules"
    )
    ids = [g.pk for g in groups]
    return list(Group.objects.filter(pk__in=ids).prefetch_related(schedules).order_by("pk"))


def lessons_generate(*, groups, date_from: date, date_to: date) -> GenerationResult:
    """Creates the missing lessons of `groups` (a queryset or list) for local dates [date_from,
    date_to]; reports each slot it did not create and why."""
    result = GenerationResult()
    group_rows = _load_groups(groups)
    if not group_rows:
        return result
    zone = center_zone()
    since = datetime.combine(date_from, datetime.min.time(), tzinfo=zone).astimezone(UTC)
    until = datetime.combine(date_to + timedelta(days=1), datetime.min.time(), tzinfo=zone).astimezone(UTC)
    rows = _fetch(_existing(group_rows, since, until))
    taken: dict[tuple[int, int], tuple[str, int]] = {(r[1], r[6]): (r[7], r[4]) for r in rows}
    busy: _Busy | None = None  # built on first need: a rerun that finds every slot never needs it
    new: list[tuple] = []
    skipped = result.skipped
    holidays = holidays_between(date_from, date_to)
    for group_id, schedule_id, teacher_id, room_id, day, start, end in _plan(
        group_rows, date_from, date_to, holidays, result
    ):
        known = taken.get((group_id, start))
        if known is not None:
            skipped.append(
                Skip(day, _to_dt(start), _reason_for_existing(known[0], known[1], start), "", group_id)
            )
            continue
        if busy is None:
            busy = _busy_from(rows)
        other = busy.clash(0, teacher_id, start, end)
        if other is not None:
            skipped.append(Skip(day, _to_dt(start), "teacher_busy", f"lesson {other}", group_id))
            continue
        other = busy.clash(1, room_id, start, end)
        if other is not None:
            skipped.append(Skip(day, _to_dt(start), "room_busy", f"lesson {other}", group_id))
            continue
        busy.add(teacher_id, room_id, start, end)
        taken[(group_id, start)] = (Lesson.Status.SCHEDULED, start)
        new.append((group_id, schedule_id, teacher_id, room_id, start, end))
    result.created = _insert(new)
    skipped.sort(key=lambda s: (s.starts_at, s.group_id or 0))
    return result


def _insert(rows: list[tuple]) -> int:
    """Inserts new scheduled lessons; a slot another run created meanwhile is left alone (the unique
    (group, original_starts_at) key). Returns how many were inserted. On PostgreSQL the rows go as
    six array literals into one INSERT ... SELECT FROM unnest(...) ON CONFLICT DO NOTHING: a single
    statement, atomic on its own, so it works the same in autocommit and inside a transaction (a
    temporary table needs a transaction around it). Array literals, not Python lists: the driver
    binds client-side and would spell a list out as ARRAY[...] with one expression per value."""
    if not rows:
        return 0
    if connection.vendor != "postgresql":
        return _bulk_create(rows)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Lesson._meta.db_table} (created_at, updated_at, group_id, schedule_id, "
            "teacher_id, room_id, starts_at, ends_at, original_starts_at, status, topic, notes, "
            "cancel_reason) "
            "SELECT now(), now(), g, s, t, r, to_timestamp(st), to_timestamp(en), to_timestamp(st), "
            "%s, '', '', '' "
            "FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[], %s::bigint[], %s::bigint[], "
            "%s::bigint[]) AS u(g, s, t, r, st, en) "
            "ON CONFLICT (group_id, original_starts_at) DO NOTHING",
            [Lesson.Status.SCHEDULED, *(_array_literal(column) for column in zip(*rows, strict=True))],
        )
        return cursor.rowcount


def _array_literal(values) -> str:
    return "{" + ",".join("NULL" if v is None else str(v) for v in values) + "}"


def _bulk_create(rows: list[tuple]) -> int:
    lessons = [
        Lesson(
            group_id=g,
            schedule_id=s,
            teacher_id=t,
            room_id=r,
            starts_at=_to_dt(start),
            ends_at=_to_dt(end),
            original_starts_at=_to_dt(start),
        )
        for g, s, t, r, start, end in rows
    ]
    with transaction.atomic():
        created = Lesson.objects.bulk_create(lessons, batch_size=BATCH, ignore_conflicts=True)
    return len(created)


def lessons_generate_for_group(*, group: Group, date_from: date, date_to: date) -> GenerationResult:
    """One group's lessons for [date_from, date_to] (the API's and the admin action's entry point)."""
    from core.exceptions import Conflict, ValidationFailed

    if group.status == Group.Status.FINISHED:
        raise Conflict(_("The group has finished."), code="group_finished")
    if date_to < group.start_date or (group.end_date is not None and date_from > group.end_date):
        raise ValidationFailed.field(
            "date_from", _("the range is outside the group's dates"), code="outside_group_dates"
        )
    return lessons_generate(groups=[group], date_from=date_from, date_to=date_to)


def horizon_range(today: date | None = None) -> tuple[date, date]:
    """Today (local) to N weeks ahead, N = SystemSettings.generation_horizon_weeks."""
    from django.utils import timezone

    from modules.center.selectors import get_system_settings

    start = today or timezone.localdate()
    return start, start + timedelta(weeks=get_system_settings().generation_horizon_weeks)
