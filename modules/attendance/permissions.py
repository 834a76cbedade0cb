"""Who may mark a lesson's attendance, and until when. Pure functions of loaded objects (no queries),
shared by the API's permission checks and the services."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils.translation import gettext as _

from core.exceptions import Conflict, PermissionDenied
from modules.accounts.models import User
from modules.lessons.models import Lesson

WINDOW_CLOSED = "attendance_edit_window_closed"
LESSON_CANCELLED = "lesson_cancelled"
LESSON_NOT_STARTED = "lesson_not_started"


def is_lesson_staff(user: User, lesson: Lesson) -> bool:
    """Admins, the group's teacher, and the teacher who gives this lesson (a substitute)."""
    if user.role == User.Role.ADMIN:
        return True
    return user.role == User.Role.TEACHER and user.pk in (lesson.group.teacher_id, lesson.teacher_id)


def edit_deadline(lesson: Lesson, window_days: int) -> datetime:
    return lesson.ends_at + timedelta(days=window_days)


def ensure_can_mark(user: User, lesson: Lesson, *, now: datetime, window_days: int) -> None:
    if not is_lesson_staff(user, lesson):
        raise PermissionDenied(_("Only the group's teacher or an admin may mark attendance."))
    if lesson.status == Lesson.Status.CANCELLED:
        raise Conflict(_("The lesson was cancelled; its attendance cannot be marked."), code=LESSON_CANCELLED)
    if user.role != User.Role.ADMIN and now > edit_deadline(lesson, window_days):
        closed_at = edit_deadline(lesson, window_days)
        raise PermissionDenied(
            _(
                "Attendance can be changed by teachers for {window_days} days after the lesson; ask an admin to change it now."
            ).format(window_days=window_days),
            code=WINDOW_CLOSED,
            extra={"edit_window_days": window_days, "closed_at": closed_at.isoformat()},
        )


def ensure_started(lesson: Lesson, statuses: set[str], *, now: datetime) -> None:
    """Before a lesson starts only an excuse can be recorded: nobody is present or absent yet."""
    if lesson.starts_at > now and statuses - {"excused"}:
        raise Conflict(
            _("The lesson has not started yet; only 'excused' can be recorded in advance."),
            code=LESSON_NOT_STARTED,
        )
