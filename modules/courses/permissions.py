"""Who may act on courses objects (visibility itself is the selectors' job)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.permissions import IsAdmin, IsAuthenticated, Predicate


def _teaches(user, group) -> bool:
    return getattr(user, "role", None) == "teacher" and group is not None and group.teacher_id == user.pk


IsGroupTeacher = Predicate(_teaches, _("Only the group's teacher or an admin may do this."))

CAN_MANAGE_CATALOG = IsAdmin  # branches, courses, rooms, holidays
CAN_READ_CATALOG = IsAuthenticated()
CAN_READ_ROOMS = IsAdmin | Predicate(lambda user, obj: getattr(user, "role", None) == "teacher")
CAN_MANAGE_GROUPS = IsAdmin  # create and edit groups, roster and schedules
CAN_VIEW_ROSTER = IsAdmin | IsGroupTeacher
