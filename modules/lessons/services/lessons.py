"""Changing one lesson: topic and notes, reschedule (with clash checks and history), cancel and
complete. Each change sends `lesson_changed` and publishes `lesson.updated` on the group's channel."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exceptions import Conflict, ValidationFailed
from modules.accounts.models import User
from modules.courses.models import Holiday, Room
from modules.lessons.clashes import clash_payload, lesson_clashes
from modules.lessons.events import announce_lesson_change, announce_lessons_held
from modules.lessons.models import Lesson, LessonReschedule


def _locked(lesson: Lesson) -> Lesson:
    return Lesson.objects.select_for_update(of=("self",)).select_related("group").get(pk=lesson.pk)


# why a lesson that is no longer scheduled cannot be changed, by its status
NOT_SCHEDULED_CODES = {
    Lesson.Status.COMPLETED: "lesson_completed",
    Lesson.Status.CANCELLED: "lesson_cancelled",
}
# One whole sentence per action, so a translation never has to splice an English verb in.
_REFUSALS = {
    "rescheduled": gettext_lazy("A {status} lesson cannot be rescheduled."),
    "cancelled": gettext_lazy("A {status} lesson cannot be cancelled."),
    "completed": gettext_lazy("A {status} lesson cannot be completed."),
}


def _require_scheduled(lesson: Lesson, action: str) -> None:
    if lesson.status != Lesson.Status.SCHEDULED:
        raise Conflict(
            str(_REFUSALS[action]).format(status=lesson.get_status_display().lower()),
            code=NOT_SCHEDULED_CODES[lesson.status],
        )


@transaction.atomic
def lesson_update(
    *, lesson: Lesson, actor: User | None, topic: str | None = None, notes: str | None = None
) -> Lesson:
    lesson = _locked(lesson)
    fields = []
    if topic is not None:
        lesson.topic = topic
        fields.append("topic")
    if notes is not None:
        lesson.notes = notes
        fields.append("notes")
    if fields:
        lesson.save(update_fields=[*fields, "updated_at"])
        announce_lesson_change(lesson=lesson, change="updated", actor=actor)
    return lesson


def _check_new_time(lesson: Lesson, starts_at: datetime) -> datetime:
    if timezone.is_naive(starts_at):  # no offset given: the center's local time
        starts_at = timezone.make_aware(starts_at, timezone.get_default_timezone())
    day = timezone.localtime(starts_at).date()
    group = lesson.group
    if day < group.start_date or (group.end_date is not None and day > group.end_date):
        raise ValidationFailed.field("starts_at", _("outside the group's dates"), code="outside_group_dates")
    holiday = Holiday.objects.filter(start_date__lte=day, end_date__gte=day).first()
    if holiday is not None:
        raise ValidationFailed.field(
            "starts_at", _("the center is closed ({name})").format(name=holiday.name), code="holiday"
        )
    if starts_at == lesson.starts_at:
        raise ValidationFailed.field("starts_at", _("the lesson already starts then"), code="same_time")
    return starts_at


@transaction.atomic
def lesson_reschedule(
    *, lesson: Lesson, starts_at: datetime, reason: str, actor: User | None, room: Room | None = None
) -> Lesson:
    """Moves a scheduled lesson (same duration, optionally another room of the branch). Refuses a
    clash with any lesson of the teacher or in the room (409 listing them); keeps a history row."""
    lesson = _locked(lesson)
    _require_scheduled(lesson, "rescheduled")
    starts_at = _check_new_time(lesson, starts_at)
    if room is not None and room.branch_id != lesson.group.branch_id:
        raise ValidationFailed.field(
            "room_id", _("the room belongs to another branch"), code="room_other_branch"
        )
    new_room_id = room.pk if room is not None else lesson.room_id
    ends_at = starts_at + (lesson.ends_at - lesson.starts_at)
    clashes = lesson_clashes(
        teacher_id=lesson.teacher_id,
        room_id=new_room_id,
        starts_at=starts_at,
        ends_at=ends_at,
        exclude_id=lesson.pk,
    )
    if clashes:
        raise Conflict(
            _("The teacher or the room is busy at that time."),
            code="lesson_clash",
            extra={"clashes": clash_payload(clashes)},
        )
    previous, previous_room = lesson.starts_at, lesson.room_id
    LessonReschedule.objects.create(
        lesson=lesson,
        from_starts_at=previous,
        to_starts_at=starts_at,
        from_room_id=previous_room,
        to_room_id=new_room_id,
        reason=reason,
        actor=actor,
    )
    lesson.starts_at, lesson.ends_at, lesson.room_id = starts_at, ends_at, new_room_id
    lesson.save(update_fields=["starts_at", "ends_at", "room", "updated_at"])
    announce_lesson_change(
        lesson=lesson, change="rescheduled", actor=actor, previous_starts_at=previous, reason=reason
    )
    return lesson


@transaction.atomic
def lesson_cancel(*, lesson: Lesson, reason: str, actor: User | None) -> Lesson:
    lesson = _locked(lesson)
    _require_scheduled(lesson, "cancelled")
    lesson.status = Lesson.Status.CANCELLED
    lesson.cancel_reason = reason
    lesson.save(update_fields=["status", "cancel_reason", "updated_at"])
    announce_lesson_change(lesson=lesson, change="cancelled", actor=actor, reason=reason)
    return lesson


@transaction.atomic
def lesson_complete(*, lesson: Lesson, actor: User | None) -> Lesson:
    """Marks a lesson held. Not before it has started: a future lesson cannot have happened."""
    lesson = _locked(lesson)
    _require_scheduled(lesson, "completed")
    if lesson.starts_at > timezone.now() + timedelta(minutes=15):
        raise Conflict(_("The lesson has not started yet."), code="lesson_not_started")
    lesson.status = Lesson.Status.COMPLETED
    lesson.save(update_fields=["status", "updated_at"])
    announce_lesson_change(lesson=lesson, change="completed", actor=actor)
    return lesson


def lessons_complete_started(*, lessons: list[Lesson], actor: User | None, now: datetime) -> list[Lesson]:
    """Completes, in one UPDATE, the scheduled lessons among `lessons` that have started (attendance
    calls this on a lesson's first mark). The caller holds the lessons' row locks in its transaction,
    so their in-memory status is the current one. Returns the lessons it completed."""
    due = [
        lesson for lesson in lessons if lesson.status == Lesson.Status.SCHEDULED and lesson.starts_at <= now
    ]
    if not due:
        return []
    Lesson.objects.filter(pk__in=[lesson.pk for lesson in due]).update(
        status=Lesson.Status.COMPLETED, updated_at=now
    )
    for lesson in due:
        lesson.status = Lesson.Status.COMPLETED
    announce_lessons_held(lessons=due, actor=actor)
    return due
