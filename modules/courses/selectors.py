"""Reads other modules rely on: who may see a group, who is on a group's roster on a given day."""

from __future__ import annotations

from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from modules.accounts.models import Guardianship, User
from modules.courses.branches import branch_ids_of, scope_to_branches, student_ids_in
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


def students_visible_to(user: User, *, current_only: bool) -> QuerySet[User]:
    """Students `user` may see: themself, a parent's children, every student for admins, and for a
    teacher the students of the groups they teach: only those still in them (`current_only`: coins,
    today's people) or also those who have left (history such as attendance). Nobody else."""
    students = User.objects.filter(role=User.Role.STUDENT)
    if user.role == User.Role.ADMIN:
        ids = branch_ids_of(user)  # a branch admin: students with a membership in their branches
        return students if ids is None else students.filter(pk__in=student_ids_in(ids))
    if user.role in (User.Role.STUDENT, User.Role.PARENT):
        return students.filter(pk__in=visible_student_ids(user))
    if user.role == User.Role.TEACHER:
        taught = Membership.objects.filter(group__teacher=user)
        if current_only:
            taught = taught.exclude(status=Membership.Status.LEFT)
        return students.filter(pk__in=taught.values("student_id"))
    return students.none()


def groups_visible_to(user: User) -> QuerySet[Group]:
    """Admins: all (a branch admin: their branches'); teachers: groups they teach; students: groups
    they belong (or belonged) to; parents: their children's groups."""
    qs = Group.objects.all()
    if user.role == User.Role.ADMIN:
        return scope_to_branches(qs, user)
    if user.role == User.Role.TEACHER:
        return qs.filter(teacher=user)
    if user.role in (User.Role.STUDENT, User.Role.PARENT):
        members = Membership.objects.filter(group=OuterRef("pk"), student_id__in=visible_student_ids(user))
        return qs.filter(Exists(members))
    return qs.none()


def is_group_teacher(user: User, group: Group) -> bool:
    return user.role == User.Role.TEACHER and group.teacher_id == user.pk


def is_group_member(student_id: int, group_id: int) -> bool:
    """The student has an open (not left) membership in the group, frozen or not."""
    return (
        Membership.objects.filter(group_id=group_id, student_id=student_id)
        .exclude(status=Membership.Status.LEFT)
        .exists()
    )


# --- who is on the roster on a day: one rule, in SQL and in Python -----------------------------------
# Joined by then, not left by then (left_on is the first day away), not frozen that day. The two
# functions below are the same rule for the two places it is needed; a test holds them together.


def memberships_on(group_id: int, on: date) -> QuerySet[Membership]:
    """Memberships of students on the group's roster on `on`, as a query."""
    frozen = FreezePeriod.objects.filter(membership=OuterRef("pk"), start_date__lte=on, end_date__gte=on)
    return (
        Membership.objects.filter(group_id=group_id, joined_on__lte=on)
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=on))
        .exclude(status=Membership.Status.LEFT, left_on__isnull=True)
        .exclude(Exists(frozen))
    )


def on_roster(m: Membership, day: date) -> bool:
    """The same rule on a membership with prefetched `freezes`, so reports and imports check many
    lessons' rosters without a query each."""
    if m.joined_on > day or (m.left_on is not None and m.left_on <= day):
        return False
    if m.status == Membership.Status.LEFT and m.left_on is None:
        return False
    return not any(f.start_date <= day <= f.end_date for f in m.freezes.all())


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


# --- reads behind the courses API --------------------------------------------------------------------


def _open_count_subquery():
    from django.db.models import Count, IntegerField, Subquery
    from django.db.models.functions import Coalesce

    counts = (
        Membership.objects.filter(group=OuterRef("pk"))
        .exclude(status=Membership.Status.LEFT)
        .order_by()
        .values("group")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


def group_list(
    user: User,
    *,
    branch: int | None = None,
    status: str | None = None,
    course: int | None = None,
    teacher: int | None = None,
    search: str | None = None,
) -> QuerySet[Group]:
    """Groups `user` may see, with branch, course, teacher, room and student_count (one query a page)."""
    qs = groups_visible_to(user).select_related("branch", "course", "teacher", "room")
    if branch is not None:
        qs = qs.filter(branch_id=branch)
    if status:
        qs = qs.filter(status=status)
    if course is not None:
        qs = qs.filter(course_id=course)
    if teacher is not None:
        qs = qs.filter(teacher_id=teacher)
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(course__name__icontains=search))
    return qs.annotate(student_count=_open_count_subquery()).order_by("name", "id")


def group_for(user: User, group_id: int) -> Group:
    """One group `user` may see, or 404 (someone else's group does not exist for them)."""
    from core.exceptions import NotFound

    group = group_list(user).filter(pk=group_id).first()
    if group is None:
        raise NotFound(_("Group not found."))
    return group


def open_member_count(group_id: int) -> int:
    return Membership.objects.filter(group_id=group_id).exclude(status=Membership.Status.LEFT).count()


def group_memberships(group_id: int, *, status: str | None = None) -> QuerySet[Membership]:
    """A group's memberships (history included), with student and freezes: two queries a page."""
    qs = Membership.objects.filter(group_id=group_id).select_related("student").prefetch_related("freezes")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("student__last_name", "student__first_name", "id")


def membership_of(group_id: int, student_id: int) -> Membership:
    """The student's open (not left) membership in the group, or 404."""
    from core.exceptions import NotFound

    membership = (
        group_memberships(group_id)
        .exclude(status=Membership.Status.LEFT)
        .filter(student_id=student_id)
        .first()
    )
    if membership is None:
        raise NotFound(_("This student is not in the group."))
    return membership


def can_subscribe_group(user: User, key: str) -> bool:
    """The `group:<id>` channel rule: admins, the group's teacher, its members (not left) and their
    parents."""
    if not key.isdigit() or not getattr(user, "is_active", False):
        return False
    group_id = int(key)
    if user.role == User.Role.ADMIN:
        return groups_visible_to(user).filter(pk=group_id).exists()
    if user.role == User.Role.TEACHER:
        return Group.objects.filter(pk=group_id, teacher=user).exists()
    if user.role in (User.Role.STUDENT, User.Role.PARENT):
        return (
            Membership.objects.filter(group_id=group_id, student_id__in=visible_student_ids(user))
            .exclude(status=Membership.Status.LEFT)
            .exists()
        )
    return False


def can_subscribe_group_staff(user: User, key: str) -> bool:
    """The `group_staff:<id>` channel rule: admins and the group's teacher only."""
    if not key.isdigit() or not getattr(user, "is_active", False):
        return False
    if user.role == User.Role.ADMIN:
        return groups_visible_to(user).filter(pk=int(key)).exists()
    if user.role == User.Role.TEACHER:
        return Group.objects.filter(pk=int(key), teacher=user).exists()
    return False


def group_channels_of(row) -> list[str]:
    """The channels whose audience a changed Membership or Group row may shrink."""
    if isinstance(row, Membership):
        return [f"group:{row.group_id}"]
    return [f"group:{row.pk}", f"group_staff:{row.pk}"]


def holidays_between(date_from: date, date_to: date) -> dict[date, str]:
    """Every closed day in [date_from, date_to] mapped to its holiday's name (one query)."""
    from datetime import timedelta

    from modules.courses.models import Holiday

    days: dict[date, str] = {}
    for holiday in Holiday.objects.filter(start_date__lte=date_to, end_date__gte=date_from):
        day = max(holiday.start_date, date_from)
        while day <= min(holiday.end_date, date_to):
            days.setdefault(day, holiday.name)
            day += timedelta(days=1)
    return days


def course_list(user: User, *, search: str | None = None, is_active: bool | None = None):
    from modules.courses.models import Course

    qs = Course.objects.all()
    if user.role != User.Role.ADMIN:
        qs = qs.filter(is_active=True)  # only admins see retired courses
    elif is_active is not None:
        qs = qs.filter(is_active=is_active)
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(level__icontains=search))
    return qs.order_by("name", "id")


def room_list(user: User, *, branch: int | None = None, is_active: bool | None = None):
    """Rooms: a branch admin sees their branches' (a teacher, who picks rooms, sees every room)."""
    from modules.courses.models import Room

    qs = scope_to_branches(Room.objects.select_related("branch"), user)
    if branch is not None:
        qs = qs.filter(branch_id=branch)
    if is_active is not None:
        qs = qs.filter(is_active=is_active)
    return qs.order_by("branch__name", "name", "id")


def holiday_list(*, year: int | None = None, date_from: date | None = None, date_to: date | None = None):
    from modules.courses.models import Holiday

    qs = Holiday.objects.all()
    if year is not None:
        qs = qs.filter(start_date__year__lte=year, end_date__year__gte=year)
    if date_from is not None:
        qs = qs.filter(end_date__gte=date_from)
    if date_to is not None:
        qs = qs.filter(start_date__lte=date_to)
    return qs.order_by("start_date", "id")


def get_or_404(model, pk: int, what: str | None = None):
    """A catalog object by id for admin endpoints, or 404."""
    from core.exceptions import NotFound

    obj = model.objects.filter(pk=pk).first()
    if obj is None:
        raise NotFound(_("{what} not found.").format(what=what or model._meta.verbose_name.capitalize()))
    return obj


def ref(model, pk: int | None, field: str):
    """An object a request body refers to by id: a missing one is bad input (422), not a 404."""
    from core.exceptions import ValidationFailed

    if pk is None:
        return None
    obj = model.objects.filter(pk=pk).first()
    if obj is None:
        raise ValidationFailed.field(
            field,
            _("no {verbose_name} with id {pk}").format(verbose_name=model._meta.verbose_name, pk=pk),
            code="unknown_reference",
        )
    return obj


def branch_list(user: User):
    from modules.courses.models import Branch

    qs = Branch.objects.all()
    if user.role == User.Role.ADMIN:
        return scope_to_branches(qs, user, "pk")  # a branch admin: their own
    return qs.filter(is_active=True)


def scoped_or_404(user: User, model, pk: int, what: str | None = None, field: str = "branch"):
    """A branch-owned catalog object (a room, a branch) for an admin endpoint: another branch's is a 404."""
    from core.exceptions import NotFound

    obj = scope_to_branches(model.objects.filter(pk=pk), user, field).first()
    if obj is None:
        raise NotFound(_("{what} not found.").format(what=what or model._meta.verbose_name.capitalize()))
    return obj


def branch_ref(user: User, model, pk: int | None, field: str):
    """`ref` for a branch, room or group in a body: another branch's is a 422 `branch_forbidden`."""
    from modules.courses.branches import branch_of, refuse_other_branch

    obj = ref(model, pk, field)
    if obj is not None:
        refuse_other_branch(user, branch_of(obj), field)
    return obj


def visible_group_ref(user: User, group_id: int, field: str = "group_id") -> Group:
    """A group a body names for `user` to act on: theirs to see, else a 404 as before, except that a
    branch admin naming another branch's group gets the 422 `branch_forbidden` of every such body."""
    from core.exceptions import NotFound
    from modules.courses.branches import is_branch_admin, refuse_other_branch

    group = groups_visible_to(user).filter(pk=group_id).first()
    if group is None and is_branch_admin(user):
        refuse_other_branch(
            user, Group.objects.filter(pk=group_id).values_list("branch_id", flat=True).first(), field
        )
    if group is None:
        raise NotFound(_("Group not found."))
    return group


def person_ref(user: User, pk: int | None, field: str):
    """`ref` for a teacher or student in a body: a branch admin may name only people they can see."""
    from modules.courses.branches import refuse_other_branch_user

    obj = ref(User, pk, field)
    refuse_other_branch_user(user, obj, field)
    return obj


def course_for(user: User, course_id: int):
    """A course the user may see (admins: any; others: active ones), or 404."""
    from core.exceptions import NotFound

    course = course_list(user).filter(pk=course_id).first()
    if course is None:
        raise NotFound(_("Course not found."))
    return course
