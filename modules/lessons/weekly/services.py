"""Weekly slots of a group. Creating or changing one refuses clashes (409 listing them): the same
teacher or room busy at an overlapping time on any date in range, whether as an existing lesson or
as another group's weekly slot. Existing lessons are never touched; regeneration adds new ones."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from core.exceptions import Conflict, ValidationFailed
from core.tasks import enqueue
from modules.courses.models import Group, LessonSchedule, Room
from modules.lessons.clashes import clash_payload, schedule_clashes, schedule_payload, schedule_slot_clashes


def _validate(schedule: LessonSchedule, group: Group) -> None:
    if not 0 <= schedule.weekday <= 6:
        raise ValidationFailed.field("weekday", _("weekday is 0 (Monday) to 6 (Sunday)"))
    if schedule.duration_minutes <= 0:
        raise ValidationFailed.field("duration_minutes", _("duration must be positive"))
    if schedule.valid_to is not None and schedule.valid_to < schedule.valid_from:
        raise ValidationFailed.field("valid_to", _("valid_to must not be before valid_from"))
    if schedule.valid_from < group.start_date or (
        group.end_date is not None and (schedule.valid_to is None or schedule.valid_to > group.end_date)
    ):
        raise ValidationFailed.field(
            "valid_from", _("the schedule must lie within the group's dates"), code="outside_group_dates"
        )
    if schedule.room is not None and schedule.room.branch_id != group.branch_id:
        raise ValidationFailed.field(
            "room_id", _("the room belongs to another branch"), code="room_other_branch"
        )


def _refuse_clashes(schedule: LessonSchedule, group: Group) -> None:
    room = schedule.room or group.room
    args = {
        "teacher_id": group.teacher_id,
        "room_id": room.pk if room else None,
        "weekday": schedule.weekday,
        "start_time": schedule.start_time,
        "duration_minutes": schedule.duration_minutes,
        "valid_from": schedule.valid_from,
        "valid_to": schedule.valid_to,
        "exclude_schedule_id": schedule.pk,
    }
    lessons = schedule_clashes(**args)
    slots = schedule_slot_clashes(**args)
    if lessons or slots:
        raise Conflict(
            _("The teacher or the room is busy at that time."),
            code="schedule_clash",
            extra={"clashes": clash_payload(lessons), "clashing_schedules": schedule_payload(slots)},
        )


def _generate_ahead(group: Group) -> None:
    """An active group's new or changed slot gets its lessons up to the horizon after commit (the
    worker runs the same idempotent generation the nightly job does)."""
    if group.status == Group.Status.ACTIVE:
        enqueue("modules.lessons.tasks.generate_group_lessons", group.pk)


@transaction.atomic
def schedule_create(
    *,
    group: Group,
    weekday: int,
    start_time: time,
    duration_minutes: int | None = None,
    room: Room | None = None,
    valid_from: date | None = None,
    valid_to: date | None = None,
) -> LessonSchedule:
    group = Group.objects.select_for_update(of=("self",)).select_related("course", "room").get(pk=group.pk)
    schedule = LessonSchedule(
        group=group,
        weekday=weekday,
        start_time=start_time,
        duration_minutes=duration_minutes or group.course.lesson_duration_minutes,
        room=room,
        valid_from=valid_from or group.start_date,
        valid_to=valid_to or group.end_date,
    )
    _validate(schedule, group)
    _refuse_clashes(schedule, group)
    schedule.save()
    _generate_ahead(group)
    return schedule


@transaction.atomic
def schedule_update(
    *, schedule: LessonSchedule, room: Room | None = None, clear_room: bool = False, **changes: Any
) -> LessonSchedule:
    schedule = (
        LessonSchedule.objects.select_for_update(of=("self",)).select_related("room").get(pk=schedule.pk)
    )
    group = Group.objects.select_for_update(of=("self",)).select_related("room").get(pk=schedule.group_id)
    for field, value in changes.items():
        setattr(schedule, field, value)
    if room is not None:
        schedule.room = room
    elif clear_room:
        schedule.room = None
    _validate(schedule, group)
    if schedule.is_active:
        _refuse_clashes(schedule, group)
    schedule.save()
    _generate_ahead(group)
    return schedule


def schedule_delete(*, schedule: LessonSchedule) -> None:
    """Removes the weekly slot; lessons already generated from it stay (cancel them if needed)."""
    schedule.delete()
