"""A lesson rescheduled or cancelled → its students (the group's, or a make-up's seated ones) and
their parents."""

from __future__ import annotations

from datetime import datetime

from modules.notifications import audiences
from modules.notifications.dispatch import notify
from modules.notifications.kinds import Kind
from modules.notifications.reactions.common import fan, when, with_guardians

KINDS = {"rescheduled": Kind.LESSON_RESCHEDULED, "cancelled": Kind.LESSON_CANCELLED}


def lesson_changed(
    *, lesson_id: int, change: str, previous_starts_at: str | None = None, reason: str = ""
) -> int:
    from modules.lessons.models import Lesson
    from modules.lessons.selectors import lesson_audience_ids

    kind = KINDS.get(change)
    lesson = Lesson.objects.select_related("group").filter(pk=lesson_id).first()
    if kind is None or lesson is None:
        return 0
    previous = datetime.fromisoformat(previous_starts_at) if previous_starts_at else None
    group = lesson.group
    seated = lesson_audience_ids(lesson)  # a make-up lesson: only its students, not the whole group
    people = with_guardians(audiences.group_student_ids(group.pk) if seated is None else seated)
    recipients = {u.pk: u for members in people.values() for u in members}
    shown = previous if change == "cancelled" and previous else lesson.starts_at
    context = {"group": group.name, "when": when(shown), "old_when": when(previous), "reason": reason or ""}
    data = {"lesson_id": lesson.pk, "group_id": group.pk, "change": change}
    # a second reschedule of the same lesson is news again: the key names the time it moved to
    source = f"lesson:{lesson.pk}:{change}:{lesson.starts_at.isoformat() if change == 'rescheduled' else ''}"
    return len(notify(kind=kind, outgoing=fan(recipients.values(), context, data, source)))
