"""What the lessons module tells the outside: the `lesson_changed` signal (in-process, inside the
transaction) and the `lesson.updated` event on `group:<id>` (to WebSocket clients, after commit)."""

from __future__ import annotations

from datetime import datetime

from modules.accounts.models import User
from modules.lessons.models import Lesson
from modules.lessons.schemas import LessonOut
from modules.lessons.selectors import lesson_with_relations
from modules.lessons.signals import lesson_changed
from realtime import publish_on_commit


def lesson_payload(lesson: Lesson) -> dict:
    """LessonOut as plain JSON-able data (the lesson must have its relations loaded)."""
    return LessonOut.from_orm(lesson).model_dump(mode="json")


def announce_lesson_change(
    *,
    lesson: Lesson,
    change: str,
    actor: User | None,
    previous_starts_at: datetime | None = None,
    reason: str = "",
) -> None:
    lesson_changed.send(
        sender=Lesson,
        lesson=lesson,
        change=change,
        actor=actor,
        previous_starts_at=previous_starts_at,
        reason=reason,
    )
    data = {**lesson_payload(lesson_with_relations(lesson.pk)), "change": change}
    publish_on_commit(channel=f"group:{lesson.group_id}", type="lesson.updated", data=data)
