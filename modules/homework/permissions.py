"""Object rules of the homework module, for check(). Attribute comparisons only: no queries (the
selectors load group, homework and their teacher ids)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.permissions import IsAdmin, IsStudent, IsTeacher, Predicate
from modules.courses.models import Group
from modules.homework.models import Homework, Submission


def _group_of(obj) -> Group:
    if isinstance(obj, Submission):
        return obj.homework.group
    if isinstance(obj, Homework):
        return obj.group
    return obj


def _teaches(user, obj) -> bool:
    return obj is not None and _group_of(obj).teacher_id == user.pk


IsGroupTeacher = IsTeacher & Predicate(_teaches, _("Only the group's teacher can do this."))
CAN_MANAGE_HOMEWORK = IsAdmin | IsGroupTeacher
CAN_REVIEW = IsAdmin | IsGroupTeacher
CAN_RETRY = IsAdmin | IsGroupTeacher
CAN_SUBMIT = IsStudent
CAN_SEE_REVIEW_QUEUE = IsAdmin | IsTeacher
