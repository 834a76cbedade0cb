"""Homework assigned → the group's students; reviewed and missed → the student and parents;
deadline reminders → the students who have not submitted."""

from __future__ import annotations

from modules.notifications import audiences
from modules.notifications.dispatch import notify
from modules.notifications.kinds import Kind
from modules.notifications.receivers.common import fan, isolated, name, when, with_guardians

DEADLINE_KINDS = {
    "due_24h": Kind.HOMEWORK_DUE_24H,
    "due_2h": Kind.HOMEWORK_DUE_2H,
    "missed": Kind.HOMEWORK_MISSED,
}


def _context(homework) -> dict:
    group = getattr(homework, "group", None)
    return {
        "title": homework.title,
        "group": getattr(group, "name", ""),
        "due": when(getattr(homework, "due_at", None)),
    }


@isolated
def on_homework_assigned(sender, homework, actor=None, **kwargs):
    students = audiences.users_by_id(audiences.group_student_ids(homework.group_id))
    data = {"homework_id": homework.pk, "group_id": homework.group_id}
    notify(kind=Kind.HOMEWORK_ASSIGNED, outgoing=fan(students.values(), _context(homework), data))


def _number(value) -> str:
    """Decimal("85.00") -> "85", Decimal("7.50") -> "7.5"; None -> "-"."""
    if value is None:
        return "-"
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@isolated
def on_homework_reviewed(sender, submission, previous_score=None, actor=None, **kwargs):
    homework = submission.homework
    recipients = with_guardians([submission.student_id]).get(submission.student_id, [])
    if not recipients:
        return
    context = {
        **_context(homework),
        "student": name(recipients[0]),
        "score": _number(submission.score),
        "max_score": getattr(submission, "max_score", None) or getattr(homework, "max_score", ""),
        "feedback": getattr(submission, "feedback", "") or "",
    }
    data = {"homework_id": homework.pk, "submission_id": submission.pk, "student_id": submission.student_id}
    notify(kind=Kind.HOMEWORK_REVIEWED, outgoing=fan(recipients, context, data))


@isolated
def on_homework_deadline(sender, homework, student_ids, kind, **kwargs):
    notification_kind = DEADLINE_KINDS.get(kind)
    if notification_kind is None or not student_ids:
        return
    people = with_guardians(student_ids, guardians=kind == "missed")
    outgoing = []
    for student_id, recipients in people.items():
        context = {**_context(homework), "student": name(recipients[0])}
        data = {"homework_id": homework.pk, "student_id": student_id, "reminder": kind}
        outgoing += fan(recipients, context, data)
    notify(kind=notification_kind, outgoing=outgoing)
