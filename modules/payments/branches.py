"""Which branch an invoice (and the money moved on it) belongs to: its group's branch; an invoice
without a group belongs to every branch the student has (or had) a membership in. The rule of who
is limited to which branches is modules/courses/branches.py's; this file only says where money sits."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from modules.accounts.models import User
from modules.courses.branches import branch_ids_of, student_ids_in


def in_branches(ids, *, group: str = "group", student: str = "student_id") -> Q:
    """Rows whose invoice lies in `ids`: `group` is the path to the invoice's group, `student` to the
    student (for a balance record without an invoice the group path is null, so the student decides)."""
    return Q(**{f"{group}__branch_id__in": ids}) | Q(
        **{f"{group}__isnull": True, f"{student}__in": student_ids_in(ids)}
    )


def narrow(qs: QuerySet, ids, **paths: str) -> QuerySet:
    """`qs` limited to the branches `ids` (None: not limited)."""
    return qs if ids is None else qs.filter(in_branches(ids, **paths))


def scope_money(qs: QuerySet, user: User, **paths: str) -> QuerySet:
    """`qs` limited to the caller's branches (nothing changes for the director)."""
    return narrow(qs, branch_ids_of(user), **paths)
