"""Branch scoping: the one owner of "which branches may this staff member see".

An admin who works in some branches (Branch.staff) is a branch admin: every list, detail, write, report
and export is limited to those branches, and another branch's object is a 404 like any object the
caller may not see. An admin without branches is the director and sees every branch. Teachers are
already scoped by their groups; their branches say which branch admins see them. Students and
parents are scoped by their own rows, so branches never narrow them here."""

from __future__ import annotations

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from core.exceptions import NotFound, PermissionDenied, ValidationFailed
from modules.accounts import branch_scope
from modules.accounts.models import Guardianship, User
from modules.courses.models import Branch, Group, Membership
from realtime.control import recheck_on_commit

_CACHE_ATTR = "_markaz_branch_ids"
STAFF_ROLES = (User.Role.ADMIN, User.Role.TEACHER)  # who works in a branch (Branch.staff)


def branch_ids_of(user: User) -> frozenset[int] | None:
    """The branch ids that limit `user`, or None when nothing limits them (the director, non-admins).

    Cached on the user object: one query per request, however many selectors ask."""
    if getattr(user, "role", None) != User.Role.ADMIN:
        return None
    cached = getattr(user, _CACHE_ATTR, False)
    if cached is not False:
        return cached
    ids = frozenset(_branches_staffed_by(user.pk))
    scoped = ids or None
    setattr(user, _CACHE_ATTR, scoped)
    return scoped


def _branches_staffed_by(user_id: int) -> list[int]:
    # asked by every admin request: straight from the staff table (Branch.staff), with no join to Branch (its
    # row is not needed) and none of the ORM's query building (0.5 ms of Python per request here)
    through = Branch.staff.through._meta
    user_column = through.get_field("user").column
    branch_column = through.get_field("branch").column
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {branch_column} FROM {through.db_table} WHERE {user_column} = %s", [user_id])
        return [row[0] for row in cursor.fetchall()]


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
        raise NotFound(_("Branch not found."))
    return frozenset({branch})


# --- references in a request body -------------------------------------------------------------------

BRANCH_FORBIDDEN = "branch_forbidden"


def refuse_other_branch(user: User, branch_id: int | None, field: str) -> None:
    """A body naming another branch's branch, room, group or person is refused with one 422 code,
    `branch_forbidden`, whatever the module (the object itself, in a URL, is a 404)."""
    if branch_id is not None and not in_scope(user, branch_id):
        raise ValidationFailed.field(field, _("This belongs to another branch."), code=BRANCH_FORBIDDEN)


def branch_of(obj) -> int | None:
    """The branch an object a body refers to belongs to: a Branch itself, or its `branch_id`
    (rooms, groups)."""
    return obj.pk if isinstance(obj, Branch) else getattr(obj, "branch_id", None)


def director_only(user: User, what: str) -> None:
    """403 unless `user` is the director (an admin without branches). `what` is the refused action,
    already translated (`_("open a branch")`): the sentence is rendered in the request's language."""
    if not is_director(user):
        raise PermissionDenied(
            _("Only the director (an admin without branches) may {what}.").format(what=what),
            code="director_only",
        )


# --- people of a branch ------------------------------------------------------------------------------
# Students by a membership (past ones included: their history is the branch's) in a group of the
# branch; teachers by Branch.staff or by teaching a group there; parents by a child of the branch;
# admins: themselves and the admins of their branches. A student, parent or teacher tied to no branch
# at all (a student who signed up and was never enrolled, a teacher not yet assigned) is in every
# branch admin's pool, so that any branch can enroll or assign them. The director is never in it.


def student_ids_in(ids) -> QuerySet:
    return Membership.objects.filter(group__branch_id__in=ids).values("student_id")


def _users_visible(viewer: User, qs: QuerySet[User]) -> QuerySet[User]:
    ids = branch_ids_of(viewer)
    if ids is None:
        return qs
    any_membership = Membership.objects.filter(student=OuterRef("pk"))
    enrolled_child = Guardianship.objects.filter(parent=OuterRef("pk"), student__memberships__isnull=False)
    branch_child = Guardianship.objects.filter(student_id__in=student_ids_in(ids)).values("parent_id")
    staff_here = Branch.staff.through.objects.filter(branch_id__in=ids).values("user_id")
    teaching_here = Group.objects.filter(branch_id__in=ids).values("teacher_id")
    tied_teacher = Q(staff_branches__isnull=False) | Q(taught_groups__isnull=False)
    unassigned_teachers = User.objects.filter(role=User.Role.TEACHER).exclude(tied_teacher).values("pk")
    return qs.filter(
        Q(role=User.Role.STUDENT, pk__in=student_ids_in(ids))
        | Q(role=User.Role.STUDENT) & ~Exists(any_membership)
        | Q(role=User.Role.PARENT, pk__in=branch_child)
        | Q(role=User.Role.PARENT) & ~Exists(enrolled_child)
        | Q(role=User.Role.TEACHER, pk__in=staff_here)
        | Q(role=User.Role.TEACHER, pk__in=teaching_here)
        | Q(role=User.Role.TEACHER, pk__in=unassigned_teachers)
        | Q(role=User.Role.ADMIN, pk__in=staff_here)
        | Q(pk=viewer.pk)
    )


def people_visible_to(viewer: User, qs: QuerySet[User] | None = None) -> QuerySet[User]:
    """The users (of `qs`, default all) a branch admin may see by the rule above; everyone for others."""
    return _users_visible(viewer, User.objects.all() if qs is None else qs)


def refuse_other_branch_user(viewer: User, user: User | None, field: str) -> None:
    """A body naming a person the branch admin cannot see (a teacher or student of another branch)."""
    if user is None or branch_ids_of(viewer) is None:
        return
    if not _users_visible(viewer, User.objects.filter(pk=user.pk)).exists():
        raise ValidationFailed.field(
            field, _("This person belongs to another branch."), code=BRANCH_FORBIDDEN
        )


# --- branch_ids of admins and teachers (the users endpoints, through accounts' registry) -------------


def _staff_branch_ids(users) -> dict[int, list[int]]:
    rows = Branch.staff.through.objects.filter(user_id__in=[u.pk for u in users]).order_by("branch_id")
    found: dict[int, list[int]] = {}
    for user_id, branch_id in rows.values_list("user_id", "branch_id"):
        found.setdefault(user_id, []).append(branch_id)
    return found


def _check_assignment(actor: User, *, role: str, branch_ids: list[int] | None, creating: bool) -> None:
    """Before anything is written: only the director sets branch_ids or makes an admin, and only
    staff work in branches."""
    if branch_ids is not None:
        director_only(actor, _("set branch_ids"))
        if role not in STAFF_ROLES:
            raise ValidationFailed.field("branch_ids", _("Only admins and teachers work in branches."))
        missing = set(branch_ids) - set(Branch.objects.filter(pk__in=branch_ids).values_list("pk", flat=True))
        if missing:
            raise ValidationFailed.field(
                "branch_ids", _("no branch with id {id}").format(id=min(missing)), code="unknown_reference"
            )
    if creating and role == User.Role.ADMIN:
        director_only(actor, _("create admins"))


def _assign(actor: User, user: User, branch_ids: list[int] | None, *, creating: bool) -> None:
    """Writes the staff member's branches. A teacher a branch admin creates works in that admin's
    branches (so it is theirs to see), derived, never typed."""
    if branch_ids is None and creating and user.role == User.Role.TEACHER:
        branch_ids = sorted(branch_ids_of(actor) or ())
    if branch_ids is None:
        return
    user.staff_branches.set(Branch.objects.filter(pk__in=branch_ids))
    forget_branches(user)


def _may_change(actor: User, user: User) -> None:
    """A branch admin changes the people of their branches, never another admin (the director does)."""
    if user.role == User.Role.ADMIN and user.pk != actor.pk:
        director_only(actor, _("change another admin"))


def register_user_scope() -> None:
    """Called from CoursesConfig.ready(): accounts asks these through its registry."""
    branch_scope.register(
        branch_scope.UserBranchScope(
            visible=_users_visible,
            branch_ids_of=_staff_branch_ids,
            check_assignment=_check_assignment,
            assign=_assign,
            may_change=_may_change,
        )
    )


# --- the dashboard channels -------------------------------------------------------------------------


def dashboards_of(user: User) -> list[str]:
    """The dashboards a socket joins on connect: the director `dashboard`, a branch admin
    `dashboard:<id>` of each branch (never the whole one), nobody else any."""
    if getattr(user, "role", None) != User.Role.ADMIN:
        return []
    ids = branch_ids_of(user)
    return ["dashboard"] if ids is None else [f"dashboard:{i}" for i in sorted(ids)]


def can_subscribe_dashboard(user: User, key: str) -> bool:
    """`dashboard`: the director; `dashboard:<branch id>`: the director and that branch's admins."""
    if getattr(user, "role", None) != User.Role.ADMIN or not getattr(user, "is_active", False):
        return False
    if not key:
        return is_director(user)
    return key.isdigit() and in_scope(user, int(key))


def branch_people_ids(ids) -> QuerySet:
    """Everyone who is in a branch now, as a subquery of user ids: students with an open membership
    in its groups, their parents, its staff (Branch.staff) and the teachers of its groups. A branch
    admin's announcement without a group goes to them."""
    students = (
        Membership.objects.filter(group__branch_id__in=ids)
        .exclude(status=Membership.Status.LEFT)
        .values("student_id")
    )
    return User.objects.filter(
        Q(pk__in=students)
        | Q(pk__in=Guardianship.objects.filter(student_id__in=students).values("parent_id"))
        | Q(pk__in=Branch.staff.through.objects.filter(branch_id__in=ids).values("user_id"))
        | Q(pk__in=Group.objects.filter(branch_id__in=ids).values("teacher_id"))
    ).values("pk")


def staff_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """Someone's branches changed (Branch.staff, from either side): their open sockets re-check every
    channel, so a branch admin moved or made director stops hearing what is no longer theirs."""
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if reverse:  # user.staff_branches.add/remove/set/clear
        user_ids = [instance.pk]
        forget_branches(instance)
    elif action == "pre_clear":  # branch.staff.clear(): the staff are known only before it
        user_ids = list(instance.staff.values_list("pk", flat=True))
    else:
        user_ids = list(pk_set or ())
    for user_id in user_ids:
        recheck_on_commit(user_id=user_id)


# --- for money, the front office, payroll and the admin site -----------------------------------------


def default_branch_id(user: User) -> int | None:
    """The branch a branch admin's new record goes to when the body names none: their only one."""
    ids = branch_ids_of(user)
    return next(iter(ids)) if ids is not None and len(ids) == 1 else None
