"""Months of lessons built with the ORM: completed lessons, attendance, paid invoices."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from modules.attendance.models import AttendanceRecord
from modules.lessons.models import Lesson

PERIOD = date(2026, 11, 1)


def at(day: int, hour: int = 10, month: date = PERIOD) -> datetime:
    return datetime.combine(month.replace(day=day), time(hour), tzinfo=timezone.get_current_timezone())


def lesson(
    group, *, day: int, teacher=None, status=Lesson.Status.COMPLETED, present=(), absent=(), month=PERIOD
):
    starts = at(day, month=month)
    item = Lesson.objects.create(
        group=group,
        teacher=teacher or group.teacher,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=90),
        original_starts_at=starts,
        status=status,
    )
    marks = [(s, "present") for s in present] + [(s, "absent") for s in absent]
    AttendanceRecord.objects.bulk_create(
        [AttendanceRecord(lesson=item, student=s, status=st, marked_at=starts) for s, st in marks]
    )
    return item
