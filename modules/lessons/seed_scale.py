"""The scale demo's lessons (`seed_demo --students N`): each scale group's whole term, generated like
any group's, and the lessons already over marked completed. Idempotent."""

from __future__ import annotations

from django.utils import timezone

from modules.courses.seed_scale import scale_groups
from modules.lessons.models import Lesson
from modules.lessons.services.generation import lessons_generate


def seed_scale(stdout, *, students: int) -> None:
    groups = scale_groups()
    if not groups:
        return
    result = lessons_generate(
        groups=groups, date_from=min(g.start_date for g in groups), date_to=max(g.end_date for g in groups)
    )
    stdout.write(f"  generated {result.created} scale-demo lessons")
    Lesson.objects.filter(
        group__in=groups, ends_at__lt=timezone.now(), status=Lesson.Status.SCHEDULED
    ).update(status=Lesson.Status.COMPLETED)


def past_lessons_by_group(groups) -> dict[int, list[Lesson]]:
    """{group id: its lessons that are over, oldest first}: what a term of activity is made on."""
    by_group: dict[int, list[Lesson]] = {g.pk: [] for g in groups}
    for lesson in (
        Lesson.objects.filter(group__in=groups, ends_at__lt=timezone.now())
        .order_by("starts_at")
        .only("id", "group_id", "starts_at", "ends_at")
    ):
        by_group[lesson.group_id].append(lesson)
    return by_group
