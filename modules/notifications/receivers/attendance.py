"""Absence and lateness → the student and their parents; N absences in a row → admins too."""

from __future__ import annotations

from django.db.models import F, Window
from django.db.models.functions import RowNumber

from modules.center.selectors import get_system_settings
from modules.notifications import audiences
from modules.notifications.dispatch import notify
from modules.notifications.kinds import Kind
from modules.notifications.receivers.common import fan, isolated, name, when, with_guardians

ALERTS = {"absent": Kind.ATTENDANCE_ABSENT, "late": Kind.ATTENDANCE_LATE}


def absence_streaks(*, student_ids, group_id: int, until, limit: int) -> dict[int, int]:
    """{student id: how many of their latest records in the group, up to the lesson at `until`, are
    absences in a row} — counting at most `limit`, in one query (a window over each student's records)."""
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
        .values_list("student_id", "status")
    )
    streaks: dict[int, int] = {sid: 0 for sid in student_ids}
    broken: set[int] = set()
    for student_id, status in ranked:
        if student_id in broken:
            continue
        if status == "absent":
            streaks[student_id] += 1
        else:
            broken.add(student_id)
    return streaks


@isolated
def on_attendance_marked(sender, lesson, changes, actor=None, **kwargs):
    alerts = [c for c in changes if c.get("after") in ALERTS and c.get("before") != c.get("after")]
    if not alerts:
        return
    group = lesson.group
    people = with_guardians({c["student_id"] for c in alerts})
    by_kind: dict[str, list] = {kind: [] for kind in ALERTS.values()}
    for change in alerts:
        recipients = people.get(change["student_id"])
        if not recipients:
            continue
        context = {"student": name(recipients[0]), "group": group.name, "when": when(lesson.starts_at)}
        data = {
            "lesson_id": lesson.pk,
            "group_id": group.pk,
            "student_id": change["student_id"],
            "status": change["after"],
        }
        by_kind[ALERTS[change["after"]]] += fan(recipients, context, data)
    for kind, outgoing in by_kind.items():
        notify(kind=kind, outgoing=outgoing)
    _escalate([c["student_id"] for c in alerts if c["after"] == "absent"], lesson, group, people)


def _escalate(absent_ids, lesson, group, people) -> None:
    threshold = get_system_settings().consecutive_absence_threshold
    if not absent_ids or threshold < 1:
        return
    streaks = absence_streaks(
        student_ids=absent_ids, group_id=group.pk, until=lesson.starts_at, limit=threshold
    )
    # Exactly the threshold: admins hear once per streak, not again at every further absence.
    reached = [sid for sid, streak in streaks.items() if streak == threshold and sid in people]
    if not reached:
        return
    admins = audiences.admins()
    outgoing = []
    for sid in reached:
        context = {"student": name(people[sid][0]), "group": group.name, "count": threshold}
        data = {"group_id": group.pk, "student_id": sid, "lesson_id": lesson.pk, "count": threshold}
        outgoing += fan(admins, context, data)
    notify(kind=Kind.ABSENCE_STREAK, outgoing=outgoing)
