"""Make-ups: a lesson of kind `makeup` (own time, teacher and room, clash-checked like any lesson) for
students who missed a lesson, or seats for them in another group's lesson of the same course. Which
students may make up what (they were absent) is attendance's rule; this module keeps the lessons and
the seats, and says so through `makeup_booked`."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import Conflict, ValidationFailed
from modules.accounts.models import User
from modules.courses.models import Holiday, Room
from modules.lessons.clashes import clash_payload, lesson_clashes
from modules.lessons.events import announce_lesson_change
from modules.lessons.models import Lesson, MakeupSeat
from modules.lessons.signals import MakeupBooked, makeup_booked


def _aware(starts_at: datetime) -> datetime:
    if timezone.is_naive(starts_at):  # no offset given: the center's local time
        return timezone.make_aware(starts_at, timezone.get_default_timezone())
    return starts_at


def _check_time(original: Lesson, starts_at: datetime, now: datetime) -> None:
    if starts_at <= now:
        raise ValidationFailed.field(
            "starts_at", _("a make-up is scheduled in the future"), code="in_the_past"
        )
    day = timezone.localtime(starts_at).date()
    holiday = Holiday.objects.filter(start_date__lte=day, end_date__gte=day).first()
    if holiday is not None:
        raise ValidationFailed.field(
            "starts_at", _("the center is closed ({name})").format(name=holiday.name), code="holiday"
        )
    # (group, original_starts_at) identifies a generated slot: a make-up must not take one
    if Lesson.objects.filter(group_id=original.group_id, original_starts_at=starts_at).exists():
        raise Conflict(_("The group already has a lesson at that time."), code="group_lesson_at_that_time")


def _check_people(original: Lesson, teacher: User, room: Room | None) -> None:
    if teacher.role != User.Role.TEACHER or not teacher.is_active:
        raise ValidationFailed.field("teacher_id", _("not an active teacher"), code="not_a_teacher")
    if room is not None and room.branch_id != original.group.branch_id:
        raise ValidationFailed.field(
            "room_id", _("the room belongs to another branch"), code="room_other_branch"
        )


def _seat(lesson: Lesson, original: Lesson, student_ids: list[int], actor: User | None) -> list[MakeupSeat]:
    # a make-up that was cancelled frees the absence for another one
    MakeupSeat.objects.filter(
        original=original, student_id__in=student_ids, lesson__status=Lesson.Status.CANCELLED
    ).delete()
    seats = [
        MakeupSeat(lesson=lesson, original=original, student_id=sid, created_by=actor) for sid in student_ids
    ]
    try:
        with transaction.atomic():
            MakeupSeat.objects.bulk_create(seats)
    except IntegrityError as exc:
        raise Conflict(
            _("A chosen student already has a make-up for this lesson."), code="already_made_up"
        ) from exc
    return seats


def _announce(lesson: Lesson, original: Lesson, student_ids: list[int], actor: User | None) -> None:
    event = MakeupBooked(lesson.pk, original.pk, tuple(student_ids), getattr(actor, "pk", None))
    makeup_booked.send(
        sender=Lesson,
        event=event,
        lesson=lesson,
        original=original,
        student_ids=list(student_ids),
        actor=actor,
    )


@transaction.atomic
def makeup_lesson_create(
    *,
    original: Lesson,
    student_ids: list[int],
    starts_at: datetime,
    actor: User | None,
    teacher: User | None = None,
    room: Room | None = None,
) -> Lesson:
    """A new lesson of kind `makeup` in the original's group, as long as the original, for these
    students. 409 listing the clashing lessons when the teacher or the room is busy."""
    now = timezone.now()
    starts_at = _aware(starts_at)
    teacher = teacher or original.teacher
    room = room if room is not None else original.room
    _check_people(original, teacher, room)
    _check_time(original, starts_at, now)
    ends_at = starts_at + (original.ends_at - original.starts_at)
    clashes = lesson_clashes(
        teacher_id=teacher.pk, room_id=room.pk if room else None, starts_at=starts_at, ends_at=ends_at
    )
    if clashes:
        raise Conflict(
            _("The teacher or the room is busy at that time."),
            code="lesson_clash",
            extra={"clashes": clash_payload(clashes)},
        )
    lesson = Lesson.objects.create(
        group_id=original.group_id,
        kind=Lesson.Kind.MAKEUP,
        teacher=teacher,
        room=room,
        starts_at=starts_at,
        ends_at=ends_at,
        original_starts_at=starts_at,
        topic=original.topic,
    )
    _seat(lesson, original, student_ids, actor)
    announce_lesson_change(lesson=lesson, change="created", actor=actor)
    _announce(lesson, original, student_ids, actor)
    return lesson


@transaction.atomic
def makeup_seats_add(
    *, lesson: Lesson, original: Lesson, student_ids: list[int], actor: User | None
) -> list[MakeupSeat]:
    """Seats for these students in another scheduled, future lesson of the same course."""
    lesson = Lesson.objects.select_for_update(of=("self",)).select_related("group").get(pk=lesson.pk)
    if lesson.pk == original.pk:
        raise ValidationFailed.field("lesson_id", _("that is the missed lesson itself"), code="same_lesson")
    if lesson.group.course_id != original.group.course_id:
        raise ValidationFailed.field("lesson_id", _("a lesson of another course"), code="other_course")
    if lesson.status != Lesson.Status.SCHEDULED or lesson.starts_at <= timezone.now():
        raise Conflict(_("Only a scheduled future lesson can take make-ups."), code="lesson_not_open")
    seats = _seat(lesson, original, student_ids, actor)
    _announce(lesson, original, student_ids, actor)
    return seats
