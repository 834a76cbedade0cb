"""Every write of teacher pay: rates, runs (drafts recomputed from what happened; approved runs
frozen), adjustments and payment."""

from __future__ import annotations

import contextlib
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import Conflict, ValidationFailed
from modules.accounts.models import User
from modules.payroll import compute
from modules.payroll.models import PayRate, PayrollAdjustment, PayrollRun, PayrollStatement

Status = PayrollRun.Status


def rate_create(*, teacher: User, kind: str, amount: int, active_from: date, **fields) -> PayRate:
    if teacher.role != User.Role.TEACHER:
        raise ValidationFailed.field("teacher_id", _("Rates are for teachers."))
    if kind == PayRate.Kind.REVENUE_PERCENT and amount > 10_000:
        raise ValidationFailed.field("amount", _("A percentage is at most 10000 basis points (100 %)."))
    if fields.get("group") is not None and fields.get("course") is not None:
        raise ValidationFailed.field("group_id", _("A rate is for a group or a course, not both."))
    active_to = fields.get("active_to")
    if active_to is not None and active_to < active_from:
        raise ValidationFailed.field("active_to", _("active_to must not be before active_from."))
    return PayRate.objects.create(
        teacher=teacher, kind=kind, amount=amount, active_from=active_from, **fields
    )


def _lock(run_id: int) -> PayrollRun:
    return PayrollRun.objects.select_for_update().get(pk=run_id)


def _adjustments(run: PayrollRun) -> dict[int, int]:
    totals: dict[int, int] = {}
    for adj in PayrollAdjustment.objects.filter(run=run):
        totals[adj.teacher_id] = totals.get(adj.teacher_id, 0) + adj.signed_amount
    return totals


def _recompute(run: PayrollRun) -> PayrollRun:
    run.total = compute.write(run, compute.compute(run), _adjustments(run))
    run.computed_at = timezone.now()
    run.save(update_fields=["total", "computed_at", "updated_at"])
    return run


def run_create(*, period: date, branch=None, actor: User | None) -> tuple[PayrollRun, bool]:
    """The run of a month (and branch): a new draft, computed; an existing draft is recomputed; an
    approved or paid run is returned unchanged. The bool says whether it was created."""
    period = period.replace(day=1)
    # it may exist already, or a concurrent request may have just made it: then recompute that one
    with contextlib.suppress(IntegrityError), transaction.atomic():
        run = PayrollRun.objects.create(period=period, branch=branch, created_by=actor)
        return _recompute(run), True
    with transaction.atomic():
        run = PayrollRun.objects.select_for_update().get(period=period, branch=branch)
        if run.status == Status.DRAFT:
            _recompute(run)
        return run, False


@transaction.atomic
def run_recompute(*, run: PayrollRun) -> PayrollRun:
    run = _lock(run.pk)
    if run.status != Status.DRAFT:
        raise Conflict(_("An approved run is frozen; it is never recomputed."), code="payroll_run_frozen")
    return _recompute(run)


@transaction.atomic
def run_approve(*, run: PayrollRun, actor: User) -> PayrollRun:
    run = _lock(run.pk)
    if run.status != Status.DRAFT:
        raise Conflict(
            _("The run is already {status}.").format(status=run.get_status_display().lower()),
            code="payroll_run_frozen",
        )
    run.status, run.approved_by, run.approved_at = Status.APPROVED, actor, timezone.now()
    run.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    return run


@transaction.atomic
def run_pay(*, run: PayrollRun, paid_on: date, method: str) -> PayrollRun:
    run = _lock(run.pk)
    if run.status != Status.APPROVED:
        raise Conflict(_("Only an approved run can be paid."), code="payroll_run_not_approved")
    run.status, run.paid_on, run.paid_method = Status.PAID, paid_on, method
    run.save(update_fields=["status", "paid_on", "paid_method", "updated_at"])
    return run


@transaction.atomic
def adjustment_add(
    *, run: PayrollRun, teacher: User, kind: str, amount: int, reason: str, actor: User
) -> PayrollAdjustment:
    """A bonus or penalty on a draft run; the teacher's statement total follows at once."""
    run = _lock(run.pk)
    if run.status != Status.DRAFT:
        raise Conflict(_("An approved run is frozen; adjust before approving."), code="payroll_run_frozen")
    if teacher.role != User.Role.TEACHER:
        raise ValidationFailed.field("teacher_id", _("Adjustments are for teachers."))
    adjustment = PayrollAdjustment.objects.create(
        run=run, teacher=teacher, kind=kind, amount=amount, reason=reason, created_by=actor
    )
    statement, _created = PayrollStatement.objects.get_or_create(run=run, teacher=teacher)
    statement.adjustments_amount = _adjustments(run).get(teacher.pk, 0)
    statement.total = statement.base_amount + statement.adjustments_amount
    statement.save(update_fields=["adjustments_amount", "total"])
    run.total = PayrollStatement.objects.filter(run=run).aggregate(t=Sum("total"))["t"] or 0
    run.save(update_fields=["total", "updated_at"])
    return adjustment
