"""What the lessons module tells the outside: the `lesson_changed` signal (in-process, inside the
transaction) and the `lesson.updated` event on `group:<id>` (to WebSocket clients, after commit)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from modules.accounts.models import User
from modules.lessons.models import Lesson
from modules.lessons.schemas import LessonFieldsOut
from modules.lessons.selectors import lesson_audience_ids, lesson_with_relations, with_relations
from modules.lessons.signals import LessonChanged, lesson_changed
from realtime import event_type, publish_on_commit

LessonChange = Literal["created", "updated", "rescheduled", "cancelled", "completed"]


class LessonUpdatedData(LessonFieldsOut):
    """The `lesson.updated` payload: the lesson as GET /lessons/{id} shows it, and what happened."""

    change: LessonChange = Field(description="created: a make-up lesson was booked")

    @classmethod
    def of(cls, lesson: Lesson, change: str) -> LessonUpdatedData:
        """Read from a lesson with its relations loaded (no query), in one validation."""
        return cls.model_validate(_Changed(lesson, change))


class _Changed:
    """A lesson seen with one more attribute, `change`."""

    def __init__(self, lesson: Lesson, change: str):
        self._lesson, self.change = lesson, change

    def __getattr__(self, name: str):
        return getattr(self._lesson, name)


LESSON_UPDATED = event_type(
    "lesson.updated",
    LessonUpdatedData,
    channels=("group", "group_staff", "user"),
    summary="a lesson was created, changed, rescheduled, cancelled or completed (make-up lessons: "
    "to the group's staff and each seated student instead of the group)",
)


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
    _publish_updated(loaded, LessonUpdatedData.of(loaded, change))


def announce_lessons_held(*, lessons: list[Lesson], actor: User | None) -> None:
    """Several lessons completed at once (attendance's first mark): the signal for each, and their
    `lesson.updated` events from one query for all of them."""
    for lesson in lessons:
        announce_signal_only(lesson=lesson, change="completed", actor=actor)
    for lesson in with_relations(Lesson.objects.filter(pk__in=[lesson.pk for lesson in lessons])):
        _publish_updated(lesson, LessonUpdatedData.of(lesson, "completed"))


def _publish_updated(lesson: Lesson, data: LessonUpdatedData) -> None:
    """`lesson.updated` only where REST shows the lesson: a regular lesson on its group's channel; a
    make-up lesson (which classmates never see) to the group's staff and each seated student."""
    audience = lesson_audience_ids(lesson)
    if audience is None:
        publish_on_commit(channel=f"group:{lesson.group_id}", type=LESSON_UPDATED.name, data=data)
        return
    for channel in [f"group_staff:{lesson.group_id}", *(f"user:{sid}" for sid in audience)]:
        publish_on_commit(channel=channel, type=LESSON_UPDATED.name, data=data)


def announce_signal_only(*, lesson: Lesson, change: str, actor: User | None) -> None:
    event = LessonChanged(
        lesson_id=lesson.pk, group_id=lesson.group_id, change=change, actor_id=getattr(actor, "pk", None)
    )
    lesson_changed.send(sender=Lesson, event=event, lesson=lesson, change=change, actor=actor)
