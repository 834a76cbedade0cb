"""A lesson rescheduled or cancelled → the group's students and their parents."""

from __future__ import annotations

from modules.notifications import audiences
from modules.notifications.dispatch import notify
from modules.notifications.kinds import Kind
from modules.notifications.receivers.common import fan, isolated, when, with_guardians

KINDS = {"rescheduled": Kind.LESSON_RESCHEDULED, "cancelled": Kind.LESSON_CANCELLED}


@isolated
def on_lesson_changed(sender, lesson, change, actor=None, previous_starts_at=None, reason="", **kwargs):
    kind = KINDS.get(change)
    if kind is None:
        return
    group = lesson.group
    people = with_guardians(audiences.group_student_ids(group.pk))
    recipients = {u.pk: u for members in people.values() for u in members}
    shown = previous_starts_at if change == "cancelled" and previous_starts_at else lesson.starts_at
    context = {
        "group": group.name,
        "when": when(shown),
        "old_when": when(previous_starts_at),
        "reason": reason or "",
    }
    data = {"lesson_id": lesson.pk, "group_id": group.pk, "change": change}
    notify(kind=kind, outgoing=fan(recipients.values(), context, data))
