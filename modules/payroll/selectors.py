"""Reads of teacher pay. Teachers see only their own statements, and only of approved or paid runs
(a draft is the office's working copy); the director sees everything, a branch admin the runs of their
branches (a run for the whole center is the director's) and the rates of their branches' teachers."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from modules.accounts.models import User
from modules.courses.branches import branch_ids_of, people_visible_to, report_branches, scope_to_branches
from modules.payroll.models import PayRate, PayrollAdjustment, PayrollLine, PayrollRun, PayrollStatement


def rate_list(user: User, *, teacher: int | None = None) -> QuerySet[PayRate]:
    qs = PayRate.objects.select_related("teacher").order_by("teacher_id", "id")
    ids = branch_ids_of(user)
    if ids is not None:
        qs = qs.filter(teacher_id__in=_teachers(user).values("pk")).filter(
            Q(group__isnull=True) | Q(group__branch_id__in=ids)
        )
    return qs.filter(teacher_id=teacher) if teacher else qs


def runs_visible_to(user: User) -> QuerySet[PayrollRun]:
    return scope_to_branches(PayrollRun.objects.all(), user)


def run_list(user: User, *, branch: int | None = None) -> QuerySet[PayrollRun]:
    qs = runs_visible_to(user)
    ids = report_branches(user, branch)
    if branch is not None:
        qs = qs.filter(branch_id__in=ids)
    return qs.order_by("-period", "-id")


def _statements() -> Prefetch:
    lines = Prefetch("lines", queryset=PayrollLine.objects.order_by("lesson_starts_at", "id"))
    return Prefetch(
        "statements",
        queryset=PayrollStatement.objects.select_related("teacher")
        .prefetch_related(lines)
        .order_by("teacher_id"),
    )


def run_detail(user: User, run_id: int) -> PayrollRun | None:
    adjustments = Prefetch("adjustments", queryset=PayrollAdjustment.objects.order_by("created_at", "id"))
    return runs_visible_to(user).prefetch_related(_statements(), adjustments).filter(pk=run_id).first()


def statements_visible_to(user: User) -> QuerySet[PayrollStatement]:
    lines = Prefetch("lines", queryset=PayrollLine.objects.order_by("lesson_starts_at", "id"))
    qs = PayrollStatement.objects.select_related("teacher", "run").prefetch_related(lines)
    if user.role == User.Role.ADMIN:
        return scope_to_branches(qs, user, "run__branch")
    if user.role == User.Role.TEACHER:
        return qs.filter(teacher=user).exclude(run__status=PayrollRun.Status.DRAFT)
    return qs.none()


def statement_list(user: User, *, run: int | None = None, teacher: int | None = None):
    qs = statements_visible_to(user)
    if run:
        qs = qs.filter(run_id=run)
    if teacher:
        qs = qs.filter(teacher_id=teacher)
    return qs.order_by("-run__period", "teacher_id", "id")


def teacher_get(teacher_id: int) -> User | None:
    return User.objects.filter(pk=teacher_id, role=User.Role.TEACHER).first()


def _teachers(user: User) -> QuerySet[User]:
    """Teachers the caller may see, by the users rule of modules/courses/branches.py."""
    return people_visible_to(user, User.objects.filter(role=User.Role.TEACHER))
