"""Branch scoping: the one owner of "which branches may this staff member see".

An admin who works in some branches (Branch.staff) is a branch admin: every list, detail, write, report
and export is limited to those branches, and another branch's object is a 404 like any object the
caller may not see. An admin without branches is the director and sees every branch. Teachers are
already scoped by their groups; their branches say which branch admins see them. Students and
parents are scoped by their own rows, so branches never narrow them here."""

from __future__ import annotations

from django.db.models import QuerySet

from core.exceptions import NotFound
from modules.accounts.models import User

_CACHE_ATTR = "_markaz_branch_ids"


def branch_ids_of(user: User) -> frozenset[int] | None:
    """The branch ids that limit `user`, or None when nothing limits them (the director, non-admins).

    Cached on the user object: one query per request, however many selectors ask."""
    if getattr(user, "role", None) != User.Role.ADMIN:
        return None
    cached = getattr(user, _CACHE_ATTR, False)
    if cached is not False:
        return cached
    ids = frozenset(user.staff_branches.values_list("id", flat=True))
    scoped = ids or None
    setattr(user, _CACHE_ATTR, scoped)
    return scoped


def forget_branches(user: User) -> None:
    """Drop the cached scope after the user's branches changed."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def is_branch_admin(user: User) -> bool:
    return branch_ids_of(user) is not None


def is_director(user: User) -> bool:
    return getattr(user, "role", None) == User.Role.ADMIN and branch_ids_of(user) is None


def scope_to_branches(qs: QuerySet, user: User, field: str = "branch") -> QuerySet:
    """`qs` limited to the caller's branches through `field` (a path to a Branch, e.g. "group__branch")."""
    ids = branch_ids_of(user)
    if ids is None:
        return qs
    return qs.filter(**{f"{field}__in": ids})


def in_scope(user: User, branch_id: int | None) -> bool:
    """Whether an object of `branch_id` is visible to the caller as far as branches go."""
    ids = branch_ids_of(user)
    return ids is None or branch_id in ids


def report_branches(user: User, branch: int | None) -> frozenset[int] | None:
    """The branches a report or export covers: `?branch=` narrows; by default the caller's own.

    A branch admin asking for another branch gets a 404, the same answer as for its objects."""
    ids = branch_ids_of(user)
    if branch is None:
        return ids
    if ids is not None and branch not in ids:
        raise NotFound("Branch not found.")
    return frozenset({branch})


# --- added for money, the front office, payroll and the admin site ------------------------------

BRANCH_FORBIDDEN = "branch_forbidden"


def ensure_branch_allowed(user: User, branch_id: int | None, field: str) -> None:
    """A request body naming a group, room or branch of another branch: 422 `branch_forbidden`.

    An object in the URL is a 404 instead; a body is the caller's input, so this is bad input."""
    from core.exceptions import ValidationFailed

    if branch_id is not None and not in_scope(user, branch_id):
        raise ValidationFailed.field(field, "This belongs to another branch.", code=BRANCH_FORBIDDEN)


def default_branch_id(user: User) -> int | None:
    """The branch a branch admin's new record goes to when the body names none: their only one."""
    ids = branch_ids_of(user)
    return next(iter(ids)) if ids is not None and len(ids) == 1 else None


def students_of_branches(ids) -> QuerySet:
    """Student ids with a membership (current or past) in a group of these branches, as a subquery."""
    from modules.courses.models import Membership

    return Membership.objects.filter(group__branch_id__in=ids).values("student_id")


def teachers_of_branches(ids) -> QuerySet:
    """Teacher ids of these branches (on Branch.staff, or teaching a group there), as a subquery."""
    from django.db import models

    from modules.courses.models import Branch, Group

    staff = Branch.staff.through.objects.filter(branch_id__in=ids).values("user_id")
    taught = Group.objects.filter(branch_id__in=ids).values("teacher_id")
    return (
        User.objects.filter(role=User.Role.TEACHER)
        .filter(models.Q(pk__in=staff) | models.Q(pk__in=taught))
        .values("pk")
    )


def users_of_branches(ids) -> QuerySet:
    """Ids of the people of these branches, as a subquery: students by a membership there, teachers
    (teachers_of_branches), parents by a child among those students, admins on those branches' staff."""
    from django.db import models

    from modules.accounts.models import Guardianship
    from modules.courses.models import Branch

    students = students_of_branches(ids)
    parents = Guardianship.objects.filter(student_id__in=students).values("parent_id")
    admins = Branch.staff.through.objects.filter(branch_id__in=ids, user__role=User.Role.ADMIN)
    return User.objects.filter(
        models.Q(pk__in=students, role=User.Role.STUDENT)
        | models.Q(pk__in=teachers_of_branches(ids))
        | models.Q(pk__in=parents, role=User.Role.PARENT)
        | models.Q(pk__in=admins.values("user_id"))
    ).values("pk")
