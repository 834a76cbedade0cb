"""Branches as the users endpoints see them. Branches belong to the courses module, which sits above
accounts, so accounts cannot import it: courses registers the rule here in its AppConfig.ready()
(the way modules register settings sections with the center app), and the users endpoints ask. With
nothing registered nothing is limited and nobody has branches."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

from modules.accounts.models import User


@dataclass(frozen=True)
class UserBranchScope:
    # the users `viewer` may see, as a narrower queryset
    visible: Callable[[User, QuerySet[User]], QuerySet[User]]
    # {user id: branch ids} of staff members, in one query
    branch_ids_of: Callable[[Iterable[User]], dict[int, list[int]]]
    # before any write: 403/422 when `actor` may not give `role` these branch_ids (None: not given)
    check_assignment: Callable[..., None]
    # after the user row is written: stores the branches (and derives them for a new teacher)
    assign: Callable[..., None]
    # 403 when `actor` may not change `user` at all
    may_change: Callable[[User, User], None]


_scope: UserBranchScope | None = None


def register(scope: UserBranchScope) -> None:
    global _scope
    _scope = scope


def visible_users(viewer: User, qs: QuerySet[User]) -> QuerySet[User]:
    return qs if _scope is None else _scope.visible(viewer, qs)


def with_branch_ids(users: list[User]) -> list[User]:
    """Sets `branch_ids` on each user for the output schema (one query for the lot)."""
    found = {} if _scope is None else _scope.branch_ids_of(users)
    for user in users:
        user.branch_ids = found.get(user.pk, [])
    return users


def check_assignment(actor: User, *, role: str, branch_ids: list[int] | None, creating: bool) -> None:
    if _scope is not None:
        _scope.check_assignment(actor, role=role, branch_ids=branch_ids, creating=creating)


def assign(actor: User, user: User, branch_ids: list[int] | None, *, creating: bool) -> None:
    if _scope is not None:
        _scope.assign(actor, user, branch_ids, creating=creating)


def may_change(actor: User, user: User) -> None:
    if _scope is not None:
        _scope.may_change(actor, user)
