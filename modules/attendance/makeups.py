"""Make-ups from attendance's side: who may make up a lesson (students marked absent or excused at it,
not made up yet), and the link back once they attend the make-up (`made_up_by` on the original
absence, set by present/late at the make-up, cleared when that mark changes)."""

from __future__ import annotations

import operator
from datetime import datetime
from functools import reduce

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import Conflict, ValidationFailed
from modules.accounts.models import User
from modules.attendance.models import AttendanceRecord
from modules.attendance.trials import ensure_open_for_guests, locked_lesson
from modules.courses.models import Room
from modules.lessons.models import Lesson, MakeupSeat
from modules.lessons.services import makeups as lesson_makeups

MISSED = ("absent", "excused")
ATTENDED = ("present", "late")


def _ensure_missed(original: Lesson, student_ids: list[int]) -> None:
    records = {
        r.student_id: r
        for r in AttendanceRecord.objects.filter(lesson=original, student_id__in=student_ids).only(
            "student_id", "status", "made_up_by_id"
        )
    }
    not_absent = [sid for sid in student_ids if sid not in records or records[sid].status not in MISSED]
    if not_absent:
        raise ValidationFailed(
            [
                {
                    "loc": ["body", "student_ids"],
                    "msg": _("Student {sid} was not absent from this lesson.").format(sid=sid),
                    "type": "not_absent",
                }
                for sid in not_absent
            ],
            code="students_not_absent",
            extra={"student_ids": not_absent},
        )
    done = sorted(sid for sid, r in records.items() if r.made_up_by_id is not None)
    if done:
        raise Conflict(
            _("These absences are already made up."), code="already_made_up", extra={"student_ids": done}
        )


@transaction.atomic
def makeup_book(
    *,
    original: Lesson,
    student_ids: list[int],
    actor: User,
    starts_at: datetime | None = None,
    teacher: User | None = None,
    room: Room | None = None,
    target: Lesson | None = None,
) -> Lesson:
    """A make-up for absent students of `original`: a new make-up lesson at `starts_at`, or seats in
    `target` (another group's scheduled lesson of the same course, capacity respected). Returns the
    lesson they will attend."""
    original = locked_lesson(original.pk)
    _ensure_missed(original, student_ids)
    if target is not None:
        target = locked_lesson(target.pk)
        ensure_open_for_guests(target, len(student_ids), now=timezone.now())
        lesson_makeups.makeup_seats_add(
            lesson=target, original=original, student_ids=student_ids, actor=actor
        )
        return target
    place = room if room is not None else original.room
    if place is not None and place.capacity < len(student_ids):
        raise Conflict(
            _("The room is too small for them."), code="lesson_full", extra={"capacity": place.capacity}
        )
    return lesson_makeups.makeup_lesson_create(
        original=original,
        student_ids=student_ids,
        starts_at=starts_at,
        actor=actor,
        teacher=teacher,
        room=room,
    )


def _any_of(pairs: list[tuple[int, int]]) -> Q:
    return reduce(operator.or_, (Q(lesson_id=lesson_id, student_id=sid) for lesson_id, sid in pairs))


def link_made_up(lesson: Lesson, seats: list[MakeupSeat], changed_records: list[AttendanceRecord]) -> None:
    """After marking `lesson`: seat students who attended it have their original absence made up by
    it; those now marked otherwise lose that link. At most two UPDATEs."""
    original_of = {seat.student_id: seat.original_id for seat in seats}
    attended, missed = [], []
    for record in changed_records:
        original_id = original_of.get(record.student_id)
        if original_id is not None:
            (attended if record.status in ATTENDED else missed).append((original_id, record.student_id))
    if attended:
        AttendanceRecord.objects.filter(_any_of(attended), status__in=MISSED).update(made_up_by=lesson)
    if missed:
        AttendanceRecord.objects.filter(_any_of(missed), made_up_by=lesson).update(made_up_by=None)
