"""Branches, courses, rooms and holidays."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from core.exceptions import Conflict, ValidationFailed
from modules.courses.models import Branch, Course, Holiday, Room


def _save(obj, *, conflict: Conflict):
    """Saves, or raises `conflict` when a unique constraint refuses the row."""
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        raise conflict from exc
    return obj


def _apply(obj, changes: dict[str, Any]):
    for field, value in changes.items():
        setattr(obj, field, value)
    return obj


# the code of each kind of row that cannot be deleted while something refers to it
IN_USE_CODES = {"branch": "branch_in_use", "course": "course_in_use", "room": "room_in_use"}


def _delete(obj, *, what: str) -> None:
    try:
        with transaction.atomic():
            obj.delete()
    except (ProtectedError, IntegrityError) as exc:
        raise Conflict(
            _("This {what} is in use; deactivate it instead.").format(what=obj._meta.verbose_name),
            code=IN_USE_CODES[what],
        ) from exc


# --- branches ----------------------------------------------------------------------------------------


def branch_create(*, name: str, address: str = "", phone: str = "", is_active: bool = True) -> Branch:
    branch = Branch(name=name, address=address, phone=phone, is_active=is_active)
    return _save(branch, conflict=Conflict(_("A branch with this name exists."), code="branch_exists"))


def branch_update(*, branch: Branch, **changes: Any) -> Branch:
    return _save(
        _apply(branch, changes), conflict=Conflict(_("A branch with this name exists."), code="branch_exists")
    )


def branch_delete(*, branch: Branch) -> None:
    _delete(branch, what="branch")


# --- courses -----------------------------------------------------------------------------------------


def course_create(
    *,
    name: str,
    description: str = "",
    level: str = "",
    monthly_price: int = 0,
    lesson_duration_minutes: int = 90,
    language: str = Course.Language.EN,
    is_active: bool = True,
) -> Course:
    course = Course(
        name=name,
        description=description,
        level=level,
        monthly_price=monthly_price,
        lesson_duration_minutes=lesson_duration_minutes,
        language=language,
        is_active=is_active,
    )
    course.save()
    return course


def course_update(*, course: Course, **changes: Any) -> Course:
    _apply(course, changes).save()
    return course


def course_delete(*, course: Course) -> None:
    _delete(course, what="course")


# --- rooms -------------------------------------------------------------------------------------------


def room_create(*, branch: Branch, name: str, capacity: int = 12, is_active: bool = True) -> Room:
    room = Room(branch=branch, name=name, capacity=capacity, is_active=is_active)
    return _save(
        room, conflict=Conflict(_("This branch already has a room with this name."), code="room_exists")
    )


def room_update(*, room: Room, **changes: Any) -> Room:
    return _save(
        _apply(room, changes),
        conflict=Conflict(_("This branch already has a room with this name."), code="room_exists"),
    )


def room_delete(*, room: Room) -> None:
    _delete(room, what="room")


# --- holidays ----------------------------------------------------------------------------------------


def _check_holiday_range(start: date, end: date) -> None:
    if end < start:
        raise ValidationFailed.field("end_date", _("end_date must not be before start_date"))
    if (end - start).days > 366:
        raise ValidationFailed.field("end_date", _("a holiday lasts at most a year"))


def holiday_create(
    *, name: str, start_date: date, end_date: date | None = None, is_public: bool = False
) -> Holiday:
    end = end_date or start_date
    _check_holiday_range(start_date, end)
    holiday = Holiday(name=name, start_date=start_date, end_date=end, is_public=is_public)
    return _save(holiday, conflict=Conflict(_("This holiday already exists."), code="holiday_exists"))


def holiday_update(*, holiday: Holiday, **changes: Any) -> Holiday:
    _apply(holiday, changes)
    _check_holiday_range(holiday.start_date, holiday.end_date)
    return _save(holiday, conflict=Conflict(_("This holiday already exists."), code="holiday_exists"))


def holiday_delete(*, holiday: Holiday) -> None:
    holiday.delete()


def holidays_load(*, rows: list[tuple[str, date, date]]) -> tuple[int, int]:
    """Adds public holidays (name, start, end); existing ones (same name and start) are left alone.
    Returns (created, existing)."""
    created = 0
    with transaction.atomic():
        for name, start, end in rows:
            _holiday, made = Holiday.objects.get_or_create(
                name=name, start_date=start, defaults={"end_date": end, "is_public": True}
            )
            created += int(made)
    return created, len(rows) - created
