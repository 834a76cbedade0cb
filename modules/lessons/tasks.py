"""Lesson generation in the worker. Both tasks are idempotent: generation only creates slots that
do not exist yet (unique per group and original start)."""

from __future__ import annotations

import logging
from datetime import date

from modules.courses.models import Group
from modules.lessons.services.generation import horizon_range, lessons_generate

logger = logging.getLogger("markaz.lessons")

CHUNK = 200  # groups per generation pass: bounded memory however large the center


def generate_group_lessons(group_id: int, date_from: str | None = None, date_to: str | None = None) -> int:
    """Generates one group's lessons for [date_from, date_to] (ISO dates), by default today to the
    generation horizon. Returns how many were created."""
    group = Group.objects.filter(pk=group_id).exclude(status=Group.Status.FINISHED).first()
    if group is None:
        return 0
    start, end = horizon_range()
    start = date.fromisoformat(date_from) if date_from else start
    end = date.fromisoformat(date_to) if date_to else end
    return lessons_generate(groups=[group], date_from=start, date_to=end).created


def generate_active_groups() -> int:
    """Nightly: keeps every active group generated N weeks ahead (SystemSettings)."""
    start, end = horizon_range()
    ids = list(Group.objects.filter(status=Group.Status.ACTIVE).order_by("pk").values_list("pk", flat=True))
    created = 0
    for i in range(0, len(ids), CHUNK):
        created += lessons_generate(
            groups=[Group(pk=pk) for pk in ids[i : i + CHUNK]], date_from=start, date_to=end
        ).created
    logger.info("generated %s lessons for %s active groups up to %s", created, len(ids), end)
    return created
