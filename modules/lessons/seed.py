"""Demo lessons: the demo group's lessons from four weeks ago to four weeks ahead, so there are past
lessons to mark and future ones to reschedule. Idempotent (generation only creates what is missing)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from modules.courses.seed import demo_group
from modules.lessons.services.generation import lessons_generate


def seed(stdout, *, students: int = 0) -> None:
    today = timezone.localdate()
    result = lessons_generate(
        groups=[demo_group()], date_from=today - timedelta(weeks=4), date_to=today + timedelta(weeks=4)
    )
    if result.created:
        stdout.write(f"  generated {result.created} demo lessons")
