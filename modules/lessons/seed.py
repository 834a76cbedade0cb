"""Demo lessons: the demo group's lessons from four weeks ago to four weeks ahead, so there are past
lessons to mark and future ones to reschedule. Idempotent (generation only creates what is missing)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from modules.courses.seed import demo_group
from modules.lessons.services.generation import lessons_generate


def seed(stdout, *, students: int = 0) -> None:
    from modules.courses.models import Group
    from modules.courses.seed_scale import SCALE_PREFIX

    today = timezone.localdate()
    result = lessons_generate(
        groups=[demo_group()], date_from=today - timedelta(weeks=4), date_to=today + timedelta(weeks=4)
    )
    if result.created:
        stdout.write(f"  generated {result.created} demo lessons")
    if students:  # the scale demo's groups get their whole term (seed_demo --students N)
        scale = list(Group.objects.filter(name__startswith=SCALE_PREFIX))
        if scale:
            start = min(g.start_date for g in scale)
            end = max(g.end_date for g in scale)
            result = lessons_generate(groups=scale, date_from=start, date_to=end)
            stdout.write(f"  generated {result.created} scale-demo lessons")
