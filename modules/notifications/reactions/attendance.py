"""Absence and lateness → the student and their parents; N absences in a row → admins, once per
streak. Runs in the worker from the records as they are now (a student marked absent and corrected
to present before the task ran gets no alert)."""

from __future__ import annotations

from django.db.models import F, Window
from django.db.models.functions import RowNumber

from modules.center.selectors import get_system_settings
from modules.notifications import audiences
from modules.notifications.dispatch import notify
from modules.notifications.kinds import Kind
from modules.notifications.reactions.common import fan, name, when, with_guardians

ALERTS = {"absent": Kind.ATTENDANCE_ABSENT, "late": Kind.ATTENDANCE_LATE}


def absence_runs(*, student_ids, group_id: int, until, limit: int) -> dict[int, list[int]]:
    """{student id: the lessons (latest first) of their current run of absences in the group, up to
    the lesson at `until`}, looking at most `limit` records back, in one query (a window over each
    student's records)."""
    from modules.attendance.models import AttendanceRecord

    ranked = (
        AttendanceRecord.objects.filter(
            student_id__in=list(student_ids), lesson__group_id=group_id, lesson__starts_at__lte=until
        )
        .exclude(lesson__status="cancelled")
        .annotate(
            rank=Window(RowNumber(), partition_by=[F("student_id")], order_by=F("lesson__starts_at").desc())
        )
        .filter(rank__lte=limit)
        .order_by("student_id", "rank")
        .values_list("student_id", "status", "lesson_id")
    )
    runs: dict[int, list[int]] = {sid: [] for sid in student_ids}
    broken: set[int] = set()
    for student_id, status, lesson_id in ranked:
        if student_id in broken:
            continue
        if status == "absent":
            runs[student_id].append(lesson_id)
        else:
            broken.add(student_id)
    return runs


def absence_streaks(*, student_ids, group_id: int, until, limit: int) -> dict[int, int]:
    """{student id: how many absences in a row, counting at most `limit`}."""
    runs = absence_runs(student_ids=student_ids, group_id=group_id, until=until, limit=limit)
    return {sid: len(lessons) for sid, lessons in runs.items()}


def attendance_marked(*, lesson_id: int, student_ids: list[int]) -> int:
    from modules.attendance.models import AttendanceRecord
    from modules.lessons.models import Lesson

    lesson = Lesson.objects.select_related("group").filter(pk=lesson_id).first()
    if lesson is None:
        return 0
    statuses = dict(
        AttendanceRecord.objects.filter(
            lesson_id=lesson_id, student_id__in=list(student_ids), status__in=list(ALERTS)
        ).values_list("student_id", "status")
    )
    if not statuses:
        return 0
    group = lesson.group
    people = with_guardians(set(statuses))
    by_kind: dict[str, list] = {kind: [] for kind in ALERTS.values()}
    for student_id, status in statuses.items():
        recipients = people.get(student_id)
        if not recipients:
            continue
        context = {"student": name(recipients[0]), "group": group.name, "when": when(lesson.starts_at)}
        data = {"lesson_id": lesson.pk, "group_id": group.pk, "student_id": student_id, "status": status}
        source = f"lesson:{lesson.pk}:student:{student_id}"
        by_kind[ALERTS[status]] += fan(recipients, context, data, source)
    sent = sum(len(notify(kind=kind, outgoing=outgoing)) for kind, outgoing in by_kind.items())
    absent = [sid for sid, status in statuses.items() if status == "absent"]
    return sent + _escalate(absent, lesson, group, people)


def _escalate(absent_ids, lesson, group, people) -> int:
    """Admins hear when a run of absences reaches the threshold, once per run: the run is named by
    its first lesson, so a later absence (N+1) or a re-mark of the same lessons finds the key taken.
    One record more than the threshold is read, so a longer run is never mistaken for one that has
    just reached it."""
    threshold = get_system_settings().consecutive_absence_threshold
    if not absent_ids or threshold < 1:
        return 0
    runs = absence_runs(
        student_ids=absent_ids, group_id=group.pk, until=lesson.starts_at, limit=threshold + 1
    )
    reached = {sid: run for sid, run in runs.items() if len(run) == threshold and sid in people}
    if not reached:
        return 0
    admins = audiences.admins(branch_id=group.branch_id)
    outgoing = []
    for sid, run in reached.items():
        context = {"student": name(people[sid][0]), "group": group.name, "count": threshold}
        data = {"group_id": group.pk, "student_id": sid, "lesson_id": lesson.pk, "count": threshold}
        outgoing += fan(admins, context, data, source=f"absences:{group.pk}:{sid}:from:{run[-1]}")
    return len(notify(kind=Kind.ABSENCE_STREAK, outgoing=outgoing))
