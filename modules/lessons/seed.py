"""Demo lessons: the demo group's Mon/Wed/Fri weekly slots and its lessons from four weeks ago to
four weeks ahead, so there are past lessons to mark and future ones to reschedule. Idempotent (generation only creates what is missing)."""

from __future__ import annotations

from datetime import time, timedelta

from django.utils import timezone

from modules.courses.models import LessonSchedule
from modules.courses.seed import demo_group
from modules.lessons.services.generation import lessons_generate
from modules.lessons.weekly import services as schedules

SLOTS = [(0, time(15, 0)), (2, time(15, 0)), (4, time(15, 0))]  # Monday, Wednesday, Friday


def seed(stdout, *, students: int = 0) -> None:
    group = demo_group()
    for weekday, start in SLOTS:
        if not LessonSchedule.objects.filter(group=group, weekday=weekday, start_time=start).exists():
            schedules.schedule_create(group=group, weekday=weekday, start_time=start, duration_minutes=90)
    today = timezone.localdate()
    result = lessons_generate(
        groups=[group], date_from=today - timedelta(weeks=4), date_to=today + timedelta(weeks=4)
    )
    if result.created:
        stdout.write(f"  generated {result.created} demo lessons")
