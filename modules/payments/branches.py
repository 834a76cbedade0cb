"""Which branch an invoice (and the money moved on it) belongs to: its group's branch; an invoice
without a group belongs to every branch the student has (or had) a membership in. The rule of who
is limited to which branches is modules/courses/branches.py's; this file only says where money sits."""

from __future__ import annotations

from collections import defaultdict

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


def branches_of_invoices(payments) -> dict[int, list[int]]:
    """Each invoice's branch ids by the rule above: its group's, or its student's (current or past)
    memberships' for an invoice without a group. At most two queries for any number of invoices
    (none for a group already loaded)."""
    from modules.courses.models import Group, Membership
    from modules.payments.models import Payment

    payments = list(payments)
    loaded = {p.group_id: p.group.branch_id for p in payments if p.group_id and Payment.group.is_cached(p)}
    wanted = {p.group_id for p in payments if p.group_id and p.group_id not in loaded}
    if wanted:
        loaded.update(Group.objects.filter(pk__in=wanted).values_list("pk", "branch_id"))
    loose = {p.student_id for p in payments if not p.group_id}
    of_student: dict[int, set[int]] = defaultdict(set)
    if loose:
        rows = Membership.objects.filter(student_id__in=loose).values_list("student_id", "group__branch_id")
        for student_id, branch_id in rows:
            of_student[student_id].add(branch_id)
    return {p.pk: [loaded[p.group_id]] if p.group_id else sorted(of_student[p.student_id]) for p in payments}
