"""What the lessons module tells the outside: the `lesson_changed` signal (in-process, inside the
transaction) and the `lesson.updated` event on `group:<id>` (to WebSocket clients, after commit)."""

from __future__ import annotations

from datetime import datetime

from modules.accounts.models import User
from modules.lessons.models import Lesson
from modules.lessons.schemas import VIEWER_FIELDS, LessonOut
from modules.lessons.selectors import lesson_audience_ids, lesson_with_relations, with_relations
from modules.lessons.signals import LessonChanged, lesson_changed
from realtime import publish_on_commit


def lesson_payload(lesson: Lesson) -> dict:
    """LessonOut as plain JSON-able data (the lesson must have its relations loaded)."""
    # an event goes to a whole group: the fields about one viewer have no place in it
    return LessonOut.from_orm(lesson).model_dump(mode="json", exclude=VIEWER_FIELDS)


def announce_lesson_change(
    *,
    lesson: Lesson,
    change: str,
    actor: User | None,
    previous_starts_at: datetime | None = None,
    reason: str = "",
) -> None:
    event = LessonChanged(
        lesson_id=lesson.pk,
        group_id=lesson.group_id,
        change=change,
        actor_id=getattr(actor, "pk", None),
        previous_starts_at=previous_starts_at.isoformat() if previous_starts_at else None,
        reason=reason or "",
    )
    lesson_changed.send(
        sender=Lesson,
        event=event,
        lesson=lesson,
        change=change,
        actor=actor,
        previous_starts_at=previous_starts_at,
        reason=reason,
    )
    loaded = lesson_with_relations(lesson.pk)
    _publish_updated(loaded, {**lesson_payload(loaded), "change": change})


def announce_lessons_held(*, lessons: list[Lesson], actor: User | None) -> None:
    """Several lessons completed at once (attendance's first mark): the signal for each, and their
    `lesson.updated` events from one query for all of them."""
    for lesson in lessons:
        announce_signal_only(lesson=lesson, change="completed", actor=actor)
    for lesson in with_relations(Lesson.objects.filter(pk__in=[lesson.pk for lesson in lessons])):
        _publish_updated(lesson, {**lesson_payload(lesson), "change": "completed"})


def _publish_updated(lesson: Lesson, data: dict) -> None:
    """`lesson.updated` only where REST shows the lesson: a regular lesson on its group's channel; a
    make-up lesson (which classmates never see) to the group's staff and each seated student."""
    audience = lesson_audience_ids(lesson)
    if audience is None:
        publish_on_commit(channel=f"group:{lesson.group_id}", type="lesson.updated", data=data)
        return
    for channel in [f"group_staff:{lesson.group_id}", *(f"user:{sid}" for sid in audience)]:
        publish_on_commit(channel=channel, type="lesson.updated", data=data)


def announce_signal_only(*, lesson: Lesson, change: str, actor: User | None) -> None:
    event = LessonChanged(
        lesson_id=lesson.pk, group_id=lesson.group_id, change=change, actor_id=getattr(actor, "pk", None)
    )
    lesson_changed.send(sender=Lesson, event=event, lesson=lesson, change=change, actor=actor)
