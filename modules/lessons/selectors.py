"""Reads other modules rely on: which lessons a user may see, and a lesson's roster."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet
from django.utils import timezone

from modules.accounts.models import User
from modules.courses.models import Membership
from modules.courses.selectors import groups_visible_to, memberships_on
from modules.lessons.models import Lesson


def lessons_visible_to(user: User) -> QuerySet[Lesson]:
    """Admins: all; teachers: lessons of their groups or that they teach; students and parents: lessons
    of their (children's) groups."""
    qs = Lesson.objects.all()
    if user.role == User.Role.ADMIN:
        return qs
    if user.role == User.Role.TEACHER:
        from django.db.models import Q

        return qs.filter(Q(group__teacher=user) | Q(teacher=user))
    return qs.filter(group__in=groups_visible_to(user))


def lesson_local_date(lesson: Lesson) -> date:
    """The lesson's date in the center's time zone (rosters and freezes are by local date)."""
    return timezone.localtime(lesson.starts_at).date()


def lesson_roster(lesson: Lesson) -> QuerySet[Membership]:
    """Memberships on this lesson's roster: joined by then, not left, not frozen that day."""
    return memberships_on(lesson.group_id, lesson_local_date(lesson)).select_related("student")


def lesson_roster_student_ids(lesson: Lesson) -> list[int]:
    return list(lesson_roster(lesson).values_list("student_id", flat=True))
