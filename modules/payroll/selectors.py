"""Reads of teacher pay. Teachers see only their own statements, and only of approved or paid runs
(a draft is the office's working copy); admins see everything."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from modules.accounts.models import User
from modules.payroll.models import PayRate, PayrollAdjustment, PayrollLine, PayrollRun, PayrollStatement


def rate_list(*, teacher: int | None = None) -> QuerySet[PayRate]:
    qs = PayRate.objects.select_related("teacher").order_by("teacher_id", "id")
    return qs.filter(teacher_id=teacher) if teacher else qs


def run_list() -> QuerySet[PayrollRun]:
    return PayrollRun.objects.order_by("-period", "-id")


def _statements() -> Prefetch:
    lines = Prefetch("lines", queryset=PayrollLine.objects.order_by("lesson_starts_at", "id"))
    return Prefetch(
        "statements",
        queryset=PayrollStatement.objects.select_related("teacher")
        .prefetch_related(lines)
        .order_by("teacher_id"),
    )


def run_detail(run_id: int) -> PayrollRun | None:
    adjustments = Prefetch("adjustments", queryset=PayrollAdjustment.objects.order_by("created_at", "id"))
    return PayrollRun.objects.prefetch_related(_statements(), adjustments).filter(pk=run_id).first()


def statements_visible_to(user: User) -> QuerySet[PayrollStatement]:
    lines = Prefetch("lines", queryset=PayrollLine.objects.order_by("lesson_starts_at", "id"))
    qs = PayrollStatement.objects.select_related("teacher", "run").prefetch_related(lines)
    if user.role == User.Role.ADMIN:
        return qs
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
