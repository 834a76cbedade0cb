"""Clash detection: a teacher or a room busy at an overlapping time. Intervals are half-open
[start, end), so a lesson ending at 10:00 and another starting at 10:00 do not clash."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from modules.courses.models import LessonSchedule
from modules.lessons.models import Lesson


def overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    return a_start < b_end and b_start < a_end


def _busy(teacher_id: int | None, room_id: int | None) -> QuerySet[Lesson]:
    who = Q(teacher_id=teacher_id)
    if room_id is not None:
        who |= Q(room_id=room_id)
    return (
        Lesson.objects.filter(who)
        .exclude(status=Lesson.Status.CANCELLED)
        .select_related("group", "teacher", "room")
        .order_by("starts_at", "id")
    )


def lesson_clashes(
    *,
    teacher_id: int,
    room_id: int | None,
    starts_at: datetime,
    ends_at: datetime,
    exclude_id: int | None = None,
) -> list[Lesson]:
    """Lessons (not cancelled) of the teacher or in the room overlapping [starts_at, ends_at)."""
    qs = _busy(teacher_id, room_id).filter(starts_at__lt=ends_at, ends_at__gt=starts_at)
    if exclude_id is not None:
        qs = qs.exclude(pk=exclude_id)
    return list(qs[:50])


def schedule_clashes(
    *,
    teacher_id: int,
    room_id: int | None,
    weekday: int,
    start_time: time,
    duration_minutes: int,
    valid_from: date,
    valid_to: date | None,
    exclude_schedule_id: int | None = None,
) -> list[Lesson]:
    """Existing lessons that a weekly slot (weekday, local start, duration) would overlap on any date
    in [valid_from, valid_to]. The database narrows by weekday in the center's zone; Python compares
    the local times exactly."""
    tz = timezone.get_default_timezone()
    start = timezone.make_aware(datetime.combine(valid_from, time.min), tz)
    qs = _busy(teacher_id, room_id).filter(ends_at__gt=start, starts_at__iso_week_day=weekday + 1)
    if valid_to is not None:
        qs = qs.filter(
            starts_at__lt=timezone.make_aware(datetime.combine(valid_to + timedelta(days=1), time.min), tz)
        )
    if exclude_schedule_id is not None:
        qs = qs.exclude(schedule_id=exclude_schedule_id)
    found = []
    for lesson in qs.iterator(chunk_size=500):
        day = timezone.localtime(lesson.starts_at, tz).date()
        slot_start = timezone.make_aware(datetime.combine(day, start_time), tz)
        if overlaps(
            slot_start, slot_start + timedelta(minutes=duration_minutes), lesson.starts_at, lesson.ends_at
        ):
            found.append(lesson)
            if len(found) >= 50:
                break
    return found


def clash_payload(lessons: list[Lesson]) -> list[dict]:
    """What a 409 lists for each clashing lesson."""
    return [
        {
            "id": lesson.pk,
            "group": {"id": lesson.group_id, "name": lesson.group.name},
            "teacher_id": lesson.teacher_id,
            "room_id": lesson.room_id,
            "starts_at": lesson.starts_at.isoformat(),
            "ends_at": lesson.ends_at.isoformat(),
        }
        for lesson in lessons
    ]


def schedule_slot_clashes(
    *,
    teacher_id: int,
    room_id: int | None,
    weekday: int,
    start_time: time,
    duration_minutes: int,
    valid_from: date,
    valid_to: date | None,
    exclude_schedule_id: int | None = None,
):
    """Other active weekly slots of the same teacher or room on the same weekday whose times and
    validity overlap: they would clash once their lessons are generated."""
    who = Q(group__teacher_id=teacher_id)
    if room_id is not None:
        who |= Q(room_id=room_id) | Q(room__isnull=True, group__room_id=room_id)
    qs = LessonSchedule.objects.filter(who, is_active=True, weekday=weekday).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=valid_from)
    )
    if valid_to is not None:
        qs = qs.filter(valid_from__lte=valid_to)
    if exclude_schedule_id is not None:
        qs = qs.exclude(pk=exclude_schedule_id)
    anchor = date(2000, 1, 3)  # any day: compare times of day only
    mine = datetime.combine(anchor, start_time)
    found = []
    for other in qs.select_related("group"):
        theirs = datetime.combine(anchor, other.start_time)
        if overlaps(
            mine,
            mine + timedelta(minutes=duration_minutes),
            theirs,
            theirs + timedelta(minutes=other.duration_minutes),
        ):
            found.append(other)
    return found


def schedule_payload(schedules) -> list[dict]:
    return [
        {
            "id": s.pk,
            "group": {"id": s.group_id, "name": s.group.name},
            "weekday": s.weekday,
            "start_time": s.start_time.isoformat(),
            "duration_minutes": s.duration_minutes,
        }
        for s in schedules
    ]
