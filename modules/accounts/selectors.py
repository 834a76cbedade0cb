from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils.translation import gettext as _

from core.exceptions import NotFound
from core.ordering import order_by
from modules.accounts.branch_scope import visible_users, with_branch_ids
from modules.accounts.models import User
from modules.accounts.phones import InvalidPhone, normalize_phone


def user_by_login(login: str) -> User | None:
    """A user by email or phone (any common form), or None."""
    login = (login or "").strip()
    if not login:
        return None
    if "@" in login:
        return User.objects.filter(email__iexact=login).first()
    try:
        phone = normalize_phone(login)
    except InvalidPhone:
        return None
    return User.objects.filter(phone=phone).first()


def _children_prefetch() -> Prefetch:
    return Prefetch("children", queryset=User.objects.order_by("first_name", "id"))


def user_with_children(user_id: int) -> User:
    return User.objects.prefetch_related(_children_prefetch()).get(pk=user_id)


def user_visible_or_404(viewer: User, user_id: int) -> User:
    """A user the viewer may see (a branch admin: the people of their branches), or 404."""
    user = visible_users(viewer, User.objects.filter(pk=user_id)).first()
    if user is None:
        raise NotFound(_("User not found."))
    return user


def user_detail(viewer: User, user_id: int) -> User:
    """One user for UserDetailOut: children prefetched and branch_ids set (two queries at most)."""
    qs = visible_users(viewer, User.objects.filter(pk=user_id)).prefetch_related(_children_prefetch())
    user = qs.first()
    if user is None:
        raise NotFound(_("User not found."))
    return with_branch_ids([user])[0]


def me(user: User) -> User:
    """The signed-in user for MeOut, reusing the row authentication already loaded: no query for
    anyone but a parent, whose linked students take one."""
    if user.role == User.Role.PARENT:
        prefetch_related_objects([user], _children_prefetch())
    return user


def user_list(
    viewer: User,
    *,
    role: str | None = None,
    is_active: bool | None = None,
    search: str | None = None,
    ordering: str | None = None,
) -> QuerySet[User]:
    qs = visible_users(viewer, User.objects.all())
    if role:
        qs = qs.filter(role=role)
    if is_active is not None:
        qs = qs.filter(is_active=is_active)
    if search:
        term = search.strip()
        digits = "".join(ch for ch in term if ch.isdigit())
        cond = Q(first_name__icontains=term) | Q(last_name__icontains=term) | Q(email__icontains=term)
        if len(digits) >= 3:
            cond |= Q(phone__contains=digits)
        qs = qs.filter(cond)
    if ordering:
        return order_by(qs, ordering)
    return qs.order_by("last_name", "first_name", "id")


def children_ids(parent: User) -> list[int]:
    return list(parent.guardianships.values_list("student_id", flat=True))


def is_guardian_of(parent: User, student_id: int) -> bool:
    return parent.role == User.Role.PARENT and parent.guardianships.filter(student_id=student_id).exists()
