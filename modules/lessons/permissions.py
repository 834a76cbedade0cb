"""Who may act on a lesson they can see."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.permissions import IsAdmin, Predicate


def _teaches(user, lesson) -> bool:
    if getattr(user, "role", None) != "teacher" or lesson is None:
        return False
    return lesson.teacher_id == user.pk or lesson.group.teacher_id == user.pk


IsLessonTeacher = Predicate(_teaches, _("Only the lesson's teacher or an admin may do this."))

CAN_EDIT_LESSON = IsAdmin | IsLessonTeacher  # topic, notes, complete, reschedule
CAN_CANCEL_LESSON = IsAdmin
CAN_GENERATE = IsAdmin
