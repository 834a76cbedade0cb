"""Who hears about what: a student with their guardians, a group's members with their parents, the
admins, a broadcast's audience. Reads only (other modules' models and selectors)."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import F, Q, QuerySet

from modules.accounts.models import Guardianship, User

RECIPIENT_FIELDS = ("id", "role", "language", "phone", "email", "first_name", "last_name", "is_active")


def _users() -> QuerySet[User]:
    """Recipients, each with `telegram_chat_id` joined in (None when not linked): dispatch then needs
    no query of its own to find chats."""
    return (
        User.objects.filter(is_active=True)
        .only(*RECIPIENT_FIELDS)
        .annotate(telegram_chat_id=F("telegram_link__chat_id"))
    )


def guardians_by_student(student_ids) -> dict[int, list[User]]:
    parents = (
        _users()
        .filter(guardianships__student_id__in=list(student_ids))
        .annotate(ward_id=F("guardianships__student_id"))
    )
    result: dict[int, list[User]] = defaultdict(list)
    for parent in parents:
        result[parent.ward_id].append(parent)
    return result


def users_by_id(ids) -> dict[int, User]:
    return {u.pk: u for u in _users().filter(pk__in=list(ids))}


def admins(*, branch_id: int | None = None) -> list[User]:
    """The admins who hear about something of `branch_id`: the director(s) and that branch's admins,
    never another branch's (None: every admin)."""
    qs = _users().filter(role=User.Role.ADMIN)
    if branch_id is not None:
        from modules.courses.models import Branch

        staff = Branch.staff.through.objects
        qs = qs.filter(
            ~Q(pk__in=staff.values("user_id")) | Q(pk__in=staff.filter(branch_id=branch_id).values("user_id"))
        )
    return list(qs)


def group_student_ids(group_id: int) -> list[int]:
    from modules.courses.selectors import active_member_ids

    return active_member_ids(group_id)


def broadcast_audience(
    *,
    sender_id: int | None,
    group_id: int | None,
    roles: list[str] | None,
    branch_ids: frozenset[int] | None = None,
) -> QuerySet[User]:
    """Everyone, or one group's students, their parents and its teacher; narrowed to `roles`, and
    for a branch admin's announcement to the people of their branches (`branch_ids`). The sender is
    left out: they wrote it."""
    qs = _users()
    if branch_ids is not None:
        from modules.courses.branches import branch_people_ids

        qs = qs.filter(pk__in=branch_people_ids(branch_ids))
    if group_id is not None:
        from modules.courses.models import Group, Membership

        members = Membership.objects.filter(group_id=group_id).exclude(status=Membership.Status.LEFT)
        teacher = Group.objects.filter(pk=group_id).values("teacher_id")
        qs = qs.filter(
            Q(pk__in=members.values("student_id"))
            | Q(
                pk__in=Guardianship.objects.filter(student_id__in=members.values("student_id")).values(
                    "parent_id"
                )
            )
            | Q(pk__in=teacher)
        )
    if roles:
        qs = qs.filter(role__in=roles)
    if sender_id is not None:
        qs = qs.exclude(pk=sender_id)
    return qs.order_by("pk")
