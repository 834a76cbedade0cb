"""Reads other modules rely on: who may see a group, who is on a group's roster on a given day."""

from __future__ import annotations

from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet

from modules.accounts.models import Guardianship, User
from modules.courses.models import FreezePeriod, Group, Membership


def _student_ids_for(user: User) -> Q | None:
    """The students whose things `user` may see as a student or parent, as a Q on student ids."""
    if user.role == User.Role.STUDENT:
        return Q(pk=user.pk)
    if user.role == User.Role.PARENT:
        return Q(pk__in=Guardianship.objects.filter(parent=user).values("student_id"))
    return None


def visible_student_ids(user: User):
    """A subquery of student ids a student (self) or parent (children) may see."""
    if user.role == User.Role.STUDENT:
        return User.objects.filter(pk=user.pk).values("pk")
    return Guardianship.objects.filter(parent=user).values("student_id")


def groups_visible_to(user: User) -> QuerySet[Group]:
    """Admins: all; teachers: groups they teach; students: groups they belong (or belonged) to;
    parents: their children's groups."""
    qs = Group.objects.all()
    if user.role == User.Role.ADMIN:
        return qs
    if user.role == User.Role.TEACHER:
        return qs.filter(teacher=user)
    if user.role in (User.Role.STUDENT, User.Role.PARENT):
        members = Membership.objects.filter(group=OuterRef("pk"), student_id__in=visible_student_ids(user))
        return qs.filter(Exists(members))
    return qs.none()


def can_see_group(user: User, group_id: int) -> bool:
    if not getattr(user, "is_active", False):
        return False
    return groups_visible_to(user).filter(pk=group_id).exists()


def is_group_teacher(user: User, group: Group) -> bool:
    return user.role == User.Role.TEACHER and group.teacher_id == user.pk


def is_group_member(student_id: int, group_id: int, *, on: date | None = None) -> bool:
    """The student has an open (not left) membership in the group (on a date, when given)."""
    qs = Membership.objects.filter(group_id=group_id, student_id=student_id).exclude(
        status=Membership.Status.LEFT
    )
    if on is not None:
        qs = qs.filter(joined_on__lte=on).filter(Q(left_on__isnull=True) | Q(left_on__gt=on))
    return qs.exists()


def memberships_on(group_id: int, on: date) -> QuerySet[Membership]:
    """Memberships of students on the group's roster on `on`: joined, not left, not frozen that day."""
    frozen = FreezePeriod.objects.filter(membership=OuterRef("pk"), start_date__lte=on, end_date__gte=on)
    return (
        Membership.objects.filter(group_id=group_id, joined_on__lte=on)
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=on))
        .exclude(status=Membership.Status.LEFT, left_on__isnull=True)
        .exclude(Exists(frozen))
    )


def roster_student_ids(group_id: int, on: date) -> list[int]:
    return list(memberships_on(group_id, on).values_list("student_id", flat=True))


def active_member_ids(group_id: int) -> list[int]:
    """Students currently in the group (active or frozen, not left)."""
    return list(
        Membership.objects.filter(group_id=group_id)
        .exclude(status=Membership.Status.LEFT)
        .values_list("student_id", flat=True)
    )


def parent_ids_of(student_ids) -> list[int]:
    return list(
        Guardianship.objects.filter(student_id__in=student_ids).values_list("parent_id", flat=True).distinct()
    )
