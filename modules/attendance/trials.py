"""Trial guests: prospective students booked into a lesson and marked with its students. Booking
respects the room: the roster, make-up seats and trial guests together fit its capacity. Marking
sends `trial_marked`, so the front office can move its leads on."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import Conflict, ValidationFailed
from modules.accounts.models import User
from modules.attendance import permissions
from modules.attendance.models import TrialVisit
from modules.attendance.signals import TrialMarked, trial_marked
from modules.lessons.models import Lesson
from modules.lessons.selectors import lesson_roster, makeup_seats_of

LESSON_FULL = "lesson_full"
LESSON_PAST = "lesson_past"


def lesson_capacity(lesson: Lesson) -> int:
    """Places in the lesson's room (the group's room when the lesson names none; the group's own
    capacity when neither has a room)."""
    room = lesson.room if lesson.room_id else lesson.group.room
    return room.capacity if room is not None else lesson.group.capacity


def lesson_headcount(lesson: Lesson) -> int:
    """Everyone expected: the roster (none for a make-up lesson), make-up seats and trial guests."""
    members = 0 if lesson.kind == Lesson.Kind.MAKEUP else lesson_roster(lesson).count()
    seats = makeup_seats_of([lesson.pk]).exclude(student_id__in=lesson_roster(lesson).values("student_id"))
    return members + seats.count() + TrialVisit.objects.filter(lesson=lesson).count()


def locked_lesson(lesson_id: int) -> Lesson:
    return (
        Lesson.objects.select_for_update(of=("self",))
        .select_related("group", "group__room", "room")
        .get(pk=lesson_id)
    )


def ensure_open_for_guests(lesson: Lesson, places: int, *, now: datetime) -> None:
    """409 unless the lesson is scheduled, still ahead, and has `places` free places."""
    if lesson.status == Lesson.Status.CANCELLED:
        raise Conflict(_("The lesson was cancelled."), code=permissions.LESSON_CANCELLED)
    if lesson.status != Lesson.Status.SCHEDULED or lesson.starts_at <= now:
        raise Conflict(_("The lesson has already started or taken place."), code=LESSON_PAST)
    free = lesson_capacity(lesson) - lesson_headcount(lesson)
    if free < places:
        raise Conflict(
            _("The lesson is full."),
            code=LESSON_FULL,
            extra={"capacity": lesson_capacity(lesson), "free": max(free, 0)},
        )


@transaction.atomic
def trial_guest_add(
    *, lesson_id: int, lead_id: int, first_name: str, last_name: str, phone: str, actor: User | None
) -> TrialVisit:
    """Books a lead into a lesson (the same booking again returns it unchanged)."""
    lesson = locked_lesson(lesson_id)
    existing = TrialVisit.objects.filter(lesson=lesson, lead_id=lead_id).first()
    if existing is not None:
        return existing
    ensure_open_for_guests(lesson, 1, now=timezone.now())
    return TrialVisit.objects.create(
        lesson=lesson,
        lead_id=lead_id,
        first_name=first_name,
        last_name=last_name,
        phone=phone,
        booked_by=actor,
    )


def trial_guests_cancel(*, lead_id: int, now: datetime | None = None) -> int:
    """Removes the lead's unmarked bookings of lessons still ahead (rebooked, or given up)."""
    now = now or timezone.now()
    deleted, _ = TrialVisit.objects.filter(
        lead_id=lead_id, status__isnull=True, lesson__starts_at__gt=now
    ).delete()
    return deleted


def trials_mark_locked(*, lesson: Lesson, actor: User, trials: Iterable[dict], now: datetime) -> list[dict]:
    """Marks trial guests of a lesson locked by the caller's transaction (attendance_mark_bulk has
    checked who may mark it). Returns (and signals) the status changes."""
    trials = list(trials)
    permissions.ensure_started(lesson, {t["status"] for t in trials}, now=now)
    visits = {
        v.lead_id: v
        for v in TrialVisit.objects.select_for_update().filter(
            lesson=lesson, lead_id__in=[t["lead_id"] for t in trials]
        )
    }
    missing = [(i, t["lead_id"]) for i, t in enumerate(trials) if t["lead_id"] not in visits]
    if missing:
        raise ValidationFailed(
            [
                {
                    "loc": ["body", "trials", i, "lead_id"],
                    "msg": _("Lead {lead} is not booked here.").format(lead=lead),
                    "type": "not_booked",
                }
                for i, lead in missing
            ],
            code="trials_not_booked",
        )
    changes, changed = [], []
    for item in trials:
        visit = visits[item["lead_id"]]
        if visit.status == item["status"]:
            continue
        changes.append(
            {"lead_id": visit.lead_id, "visit_id": visit.pk, "before": visit.status, "after": item["status"]}
        )
        visit.status, visit.marked_by_id, visit.marked_at, visit.updated_at = (
            item["status"],
            actor.pk,
            now,
            now,
        )
        changed.append(visit)
    if changed:
        TrialVisit.objects.bulk_update(changed, ["status", "marked_by", "marked_at", "updated_at"])
        event = TrialMarked(lesson.pk, tuple(c["visit_id"] for c in changes), getattr(actor, "pk", None))
        trial_marked.send(sender=TrialVisit, event=event, lesson=lesson, changes=changes, actor=actor)
    return changes


def lesson_trial_visits(lesson: Lesson) -> list[TrialVisit]:
    return list(TrialVisit.objects.filter(lesson=lesson).order_by("last_name", "first_name", "id"))
