"""Demo attendance: the demo group's past lessons are marked (mostly present, some late, absent and
excused), except the most recent one, left for the demo teacher to mark. Idempotent: lessons that
already have attendance are not touched."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from modules.accounts.seed import demo_user
from modules.attendance.models import AttendanceChange, AttendanceRecord
from modules.attendance.services import MarkEntry, mark_lessons_locked
from modules.courses.seed import demo_group
from modules.lessons.models import Lesson
from modules.lessons.selectors import lesson_roster_student_ids

PATTERN = ["present"] * 6 + ["late", "present", "absent", "present", "excused", "present", "absent"]


def seed(stdout, *, students: int = 0) -> None:
    group = demo_group()
    past = list(
        Lesson.objects.filter(group=group, starts_at__lt=timezone.now())
        .exclude(status=Lesson.Status.CANCELLED)
        .order_by("starts_at")
    )[:-1]
    marked = set(AttendanceRecord.objects.filter(lesson__in=past).values_list("lesson_id", flat=True))
    entries = {}
    for i, lesson in enumerate(past):
        if lesson.pk in marked:
            continue
        entries[lesson.pk] = [
            MarkEntry(student_id, PATTERN[(i * 5 + j) % len(PATTERN)])
            for j, student_id in enumerate(sorted(lesson_roster_student_ids(lesson)))
        ]
    entries = {pk: e for pk, e in entries.items() if e}
    if not entries:
        return
    with transaction.atomic():
        mark_lessons_locked(
            lesson_entries=entries, actor=demo_user("admin"), source=AttendanceChange.Source.ADMIN
        )
    stdout.write(f"  marked attendance of {len(entries)} demo lessons")
