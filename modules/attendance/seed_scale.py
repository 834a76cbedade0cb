"""The scale demo's attendance: a record for every student of every lesson that is over (mostly
present). Loaded in bulk; idempotent (a second run finds records and stops)."""

from __future__ import annotations

import random

from core.bulk import copy_rows
from modules.attendance.models import AttendanceRecord
from modules.courses.seed_scale import SCALE_PREFIX, scale_groups, scale_members
from modules.lessons.seed_scale import past_lessons_by_group

STATUSES = ["present"] * 16 + ["late"] * 2 + ["absent", "excused"]
COLUMNS = ["lesson", "student", "status", "note", "marked_by", "marked_at", "created_at", "updated_at"]


def seed_scale(stdout, *, students: int) -> None:
    groups = scale_groups()
    if not groups or AttendanceRecord.objects.filter(lesson__group__name__startswith=SCALE_PREFIX).exists():
        return
    rng = random.Random(7)
    members = scale_members(groups)
    lessons = past_lessons_by_group(groups)

    def rows():
        for group in groups:
            for lesson in lessons[group.pk]:
                for sid in members.get(group.pk, []):
                    at = lesson.ends_at
                    yield (lesson.pk, sid, rng.choice(STATUSES), "", group.teacher_id, at, at, at)

    stdout.write(f"  {copy_rows(AttendanceRecord, COLUMNS, rows())} attendance records")
