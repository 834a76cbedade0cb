"""Deadline notices (the check_homework_deadlines schedule, every 15 minutes): 24 h and 2 h before
the deadline to students who have not submitted, and a missed-deadline notice after it. Each
(homework, student, kind) goes out at most once: DeadlineReminder's unique key, written under a lock
on the homework row so two overlapping runs never both send."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from modules.homework.models import DeadlineReminder, Homework
from modules.homework.selectors import students_without_submission
from modules.homework.signals import HomeworkDeadline, homework_deadline

WINDOWS = (
    # kind, sent while the time left is within (low, high]
    (DeadlineReminder.Kind.DUE_2H, timedelta(0), timedelta(hours=2)),
    (DeadlineReminder.Kind.DUE_24H, timedelta(hours=2), timedelta(hours=24)),
)
# Deadlines older than this get no missed notice (e.g. after the schedule was down for long).
MISSED_LOOKBACK = timedelta(days=2)


def _kind_for(due_at: datetime, now: datetime) -> str:
    left = due_at - now
    if left <= timedelta(0):
        return DeadlineReminder.Kind.MISSED
    return next(kind for kind, low, high in WINDOWS if low < left <= high)


@transaction.atomic
def _notify(homework_id: int, kind: str) -> int:
    homework = Homework.objects.select_for_update().select_related("group").get(pk=homework_id)
    already = set(
        DeadlineReminder.objects.filter(homework=homework, kind=kind).values_list("student_id", flat=True)
    )
    student_ids = sorted(set(students_without_submission(homework)) - already)
    if not student_ids:
        return 0
    DeadlineReminder.objects.bulk_create(
        [DeadlineReminder(homework=homework, student_id=sid, kind=kind) for sid in student_ids]
    )
    homework_deadline.send(
        sender=Homework,
        event=HomeworkDeadline(homework_id=homework.pk, student_ids=tuple(student_ids), kind=kind),
        homework=homework,
        student_ids=student_ids,
        kind=kind,
    )
    return len(student_ids)


def homework_check_deadlines(*, now: datetime | None = None) -> dict[str, int]:
    """Send the notices that are due now; returns how many students got each kind."""
    now = now or timezone.now()
    sent = {kind: 0 for kind in DeadlineReminder.Kind.values}
    candidates = Homework.objects.filter(
        due_at__gt=now - MISSED_LOOKBACK, due_at__lte=now + timedelta(hours=24)
    ).values_list("pk", "due_at")
    for homework_id, due_at in candidates:
        kind = _kind_for(due_at, now)
        sent[kind] += _notify(homework_id, kind)
    return sent
