"""Permission components combinable with |, & and ~, and check() that raises 403.

Visibility is the selectors' job (someone else's object is a 404); a permission decides whether a
user who can see an object may act on it."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from django.utils.translation import gettext_lazy as _

from core.exceptions import PermissionDenied


class Permission(ABC):
    message = _("You do not have permission to perform this action.")

    @abstractmethod
    def has(self, user, obj: Any = None) -> bool:
        """Whether `user` may act (on `obj`, when the permission looks at one)."""

    def __or__(self, other: Permission) -> Permission:
        return _Or(self, other)

    def __and__(self, other: Permission) -> Permission:
        return _And(self, other)

    def __invert__(self) -> Permission:
        return _Not(self)


class _Or(Permission):
    def __init__(self, a: Permission, b: Permission):
        self.a, self.b = a, b

    def has(self, user, obj=None) -> bool:
        return self.a.has(user, obj) or self.b.has(user, obj)


class _And(Permission):
    def __init__(self, a: Permission, b: Permission):
        self.a, self.b = a, b

    def has(self, user, obj=None) -> bool:
        return self.a.has(user, obj) and self.b.has(user, obj)


class _Not(Permission):
    def __init__(self, a: Permission):
        self.a = a

    def has(self, user, obj=None) -> bool:
        return not self.a.has(user, obj)


class HasRole(Permission):
    def __init__(self, *roles: str):
        self.roles = roles

    def has(self, user, obj=None) -> bool:
        return bool(user and user.is_authenticated and user.is_active and user.role in self.roles)


class IsAuthenticated(Permission):
    def has(self, user, obj=None) -> bool:
        return bool(user and user.is_authenticated and user.is_active)


class Predicate(Permission):
    """Wraps a plain function (user, obj) -> bool, so modules can name object rules briefly."""

    def __init__(self, fn, message: str | None = None):
        self.fn = fn
        if message:
            self.message = message

    def has(self, user, obj=None) -> bool:
        return bool(self.fn(user, obj))


IsAdmin = HasRole("admin")
IsTeacher = HasRole("teacher")
IsStudent = HasRole("student")
IsParent = HasRole("parent")
IsStaff = HasRole("admin", "teacher")


def check(permission: Permission, user, obj: Any = None) -> None:
    if not permission.has(user, obj):
        raise PermissionDenied(permission.message)
