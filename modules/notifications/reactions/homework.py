"""Homework assigned → the group's students; reviewed and missed → the student and parents;
deadline reminders → the students who have not submitted."""

from __future__ import annotations

from modules.notifications import audiences
from modules.notifications.dispatch import notify
from modules.notifications.kinds import Kind
from modules.notifications.reactions.common import fan, name, when, with_guardians

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


def _homework(homework_id: int):
    from modules.homework.models import Homework

    return Homework.objects.select_related("group").filter(pk=homework_id).first()


def homework_assigned(*, homework_id: int) -> int:
    homework = _homework(homework_id)
    if homework is None:
        return 0
    students = audiences.users_by_id(audiences.group_student_ids(homework.group_id))
    data = {"homework_id": homework.pk, "group_id": homework.group_id}
    outgoing = fan(students.values(), _context(homework), data, source=f"homework:{homework.pk}")
    return len(notify(kind=Kind.HOMEWORK_ASSIGNED, outgoing=outgoing))


def _number(value) -> str:
    """Decimal("85.00") -> "85", Decimal("7.50") -> "7.5"; None -> "-"."""
    if value is None:
        return "-"
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def homework_reviewed(*, submission_id: int) -> int:
    from modules.homework.models import Submission

    submission = Submission.objects.select_related("homework__group").filter(pk=submission_id).first()
    if submission is None or submission.reviewed_at is None:
        return 0
    homework = submission.homework
    recipients = with_guardians([submission.student_id]).get(submission.student_id, [])
    if not recipients:
        return 0
    context = {
        **_context(homework),
        "student": name(recipients[0]),
        "score": _number(submission.score),
        "max_score": getattr(submission, "max_score", None) or homework.max_score,
        "feedback": submission.feedback or "",
    }
    data = {"homework_id": homework.pk, "submission_id": submission.pk, "student_id": submission.student_id}
    # a re-review is news again: the key names the review
    source = f"submission:{submission.pk}:reviewed:{submission.reviewed_at.isoformat()}"
    return len(notify(kind=Kind.HOMEWORK_REVIEWED, outgoing=fan(recipients, context, data, source)))


def homework_deadline(*, homework_id: int, student_ids: list[int], kind: str) -> int:
    notification_kind = DEADLINE_KINDS.get(kind)
    homework = _homework(homework_id)
    if notification_kind is None or homework is None or not student_ids:
        return 0
    people = with_guardians(student_ids, guardians=kind == "missed")
    outgoing = []
    for student_id, recipients in people.items():
        context = {**_context(homework), "student": name(recipients[0])}
        data = {"homework_id": homework.pk, "student_id": student_id, "reminder": kind}
        outgoing += fan(recipients, context, data, source=f"homework:{homework.pk}:student:{student_id}")
    return len(notify(kind=notification_kind, outgoing=outgoing))
