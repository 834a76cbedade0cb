"""Creating and editing groups."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from core.exceptions import Conflict, ValidationFailed
from core.tasks import enqueue
from modules.accounts.models import User
from modules.courses.models import Branch, Course, Group, Room
from modules.courses.selectors import open_member_count


def _check_teacher(teacher: User) -> None:
    if teacher.role != User.Role.TEACHER or not teacher.is_active:
        raise ValidationFailed.field("teacher_id", _("not an active teacher"), code="not_a_teacher")


def _check_room(room: Room | None, branch_id: int) -> None:
    if room is not None and room.branch_id != branch_id:
        raise ValidationFailed.field(
            "room_id", _("the room belongs to another branch"), code="room_other_branch"
        )


def _check_dates(start: date, end: date | None) -> None:
    if end is not None and end < start:
        raise ValidationFailed.field("end_date", _("end_date must not be before start_date"))


def group_create(
    *,
    name: str,
    branch: Branch,
    course: Course,
    teacher: User,
    room: Room | None = None,
    start_date: date,
    end_date: date | None = None,
    capacity: int = 12,
    monthly_price: int | None = None,
    status: str = Group.Status.FORMING,
) -> Group:
    _check_teacher(teacher)
    _check_room(room, branch.pk)
    _check_dates(start_date, end_date)
    group = Group(
        name=name,
        branch=branch,
        course=course,
        teacher=teacher,
        room=room,
        start_date=start_date,
        end_date=end_date,
        capacity=capacity,
        monthly_price=course.monthly_price if monthly_price is None else monthly_price,
        status=status,
    )
    group.save()
    return group


@transaction.atomic
def group_update(
    *,
    group: Group,
    teacher: User | None = None,
    room: Room | None = None,
    clear_room: bool = False,
    **changes: Any,
) -> Group:
    """Changes a group. Lessons already generated keep their teacher and room; newly generated ones
    use the new values."""
    group = Group.objects.select_for_update().get(pk=group.pk)
    activated = changes.get("status") == Group.Status.ACTIVE and group.status != Group.Status.ACTIVE
    if teacher is not None:
        _check_teacher(teacher)
        group.teacher = teacher
    if room is not None:
        _check_room(room, group.branch_id)
        group.room = room
    elif clear_room:
        group.room = None
    for field, value in changes.items():
        setattr(group, field, value)
    _check_dates(group.start_date, group.end_date)
    if "capacity" in changes and open_member_count(group.pk) > group.capacity:
        raise Conflict(
            _("The group already has more students than this capacity."), code="capacity_below_roster"
        )
    group.save()
    if activated:  # its lessons up to the horizon, after commit, by the worker
        enqueue("modules.lessons.tasks.generate_group_lessons", group.pk)
    return group
