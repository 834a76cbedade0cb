from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from core.exceptions import NotFound, ValidationFailed
from core.idempotency import idempotent
from core.pagination import paginate
from core.permissions import IsAdmin, IsTeacher, check
from core.schemas import errors
from modules.courses.branches import (
    default_branch_id,
    is_branch_admin,
    refuse_other_branch,
    refuse_other_branch_user,
)
from modules.payroll import selectors, services
from modules.payroll.schemas import (
    AdjustmentIn,
    AdjustmentOut,
    RateCreateIn,
    RateFilter,
    RateOut,
    RunCreateIn,
    RunDetailOut,
    RunFilter,
    RunOut,
    RunPayIn,
    StatementFilter,
    StatementOut,
)

CAN_MANAGE_PAYROLL = IsAdmin
CAN_READ_STATEMENTS = IsAdmin | IsTeacher

router = Router(tags=["payroll"])


def _run(request, run_id: int):
    run = selectors.run_detail(request.auth, run_id)
    if run is None:
        raise NotFound(_("Payroll run not found."))
    return run


def _teacher(request, teacher_id: int):
    teacher = selectors.teacher_get(teacher_id)
    if teacher is None:
        raise ValidationFailed.field("teacher_id", _("No such teacher."))
    refuse_other_branch_user(request.auth, teacher, "teacher_id")
    return teacher


def _run_branch(request, branch_id: int | None):
    """The branch of a new run: the one named, or a branch admin's only branch. A branch admin never
    runs the whole center's payroll (that run is the director's)."""
    from modules.courses.models import Branch

    branch_id = branch_id if branch_id is not None else default_branch_id(request.auth)
    if branch_id is None:
        if is_branch_admin(request.auth):
            raise ValidationFailed.field("branch_id", _("Name one of your branches."), code="branch_required")
        return None
    branch = Branch.objects.filter(pk=branch_id).first()
    if branch is None:
        raise ValidationFailed.field("branch_id", _("No such branch."))
    refuse_other_branch(request.auth, branch.pk, "branch_id")
    return branch


@router.get(
    "/payroll/rates", response={200: list[RateOut], **errors(401, 403, 422, 429)}, summary="List pay rates"
)
@paginate
def list_pay_rates(request, filters: Query[RateFilter]):
    check(CAN_MANAGE_PAYROLL, request.auth)
    return selectors.rate_list(request.auth, teacher=filters.teacher)


@router.post(
    "/payroll/rates", response={201: RateOut, **errors(401, 403, 422, 429)}, summary="Add a pay rate"
)
def create_pay_rate(request, payload: RateCreateIn):
    check(CAN_MANAGE_PAYROLL, request.auth)
    from modules.courses.models import Course, Group

    data = payload.dict(exclude={"teacher_id", "course_id", "group_id"})
    if payload.course_id is not None:
        data["course"] = Course.objects.filter(pk=payload.course_id).first()
        if data["course"] is None:
            raise ValidationFailed.field("course_id", _("No such course."))
    if payload.group_id is not None:
        data["group"] = Group.objects.filter(pk=payload.group_id).first()
        if data["group"] is None:
            raise ValidationFailed.field("group_id", _("No such group."))
        refuse_other_branch(request.auth, data["group"].branch_id, "group_id")
    rate = services.rate_create(teacher=_teacher(request, payload.teacher_id), **data)
    return Status(201, selectors.rate_list(request.auth).get(pk=rate.pk))


@router.get(
    "/payroll/runs",
    response={200: list[RunOut], **errors(401, 403, 404, 422, 429)},
    summary="List payroll runs (a branch admin: their branches'; ?branch= one branch)",
)
@paginate
def list_payroll_runs(request, filters: Query[RunFilter]):
    check(CAN_MANAGE_PAYROLL, request.auth)
    return selectors.run_list(request.auth, branch=filters.branch)


@router.post(
    "/payroll/runs",
    response={200: RunDetailOut, 201: RunDetailOut, **errors(401, 403, 422, 429)},
    summary="Compute the month's run (201 new; 200: the existing run, recomputed while a draft)",
)
def create_payroll_run(request, payload: RunCreateIn):
    check(CAN_MANAGE_PAYROLL, request.auth)
    run, created = services.run_create(
        period=payload.month(), branch=_run_branch(request, payload.branch_id), actor=request.auth
    )
    return Status(201 if created else 200, _run(request, run.pk))


@router.get(
    "/payroll/runs/{run_id}",
    response={200: RunDetailOut, **errors(401, 403, 404, 429)},
    summary="A run with every statement and counted lesson",
)
def get_payroll_run(request, run_id: int):
    check(CAN_MANAGE_PAYROLL, request.auth)
    return _run(request, run_id)


@router.post(
    "/payroll/runs/{run_id}/recompute",
    response={200: RunDetailOut, **errors(401, 403, 404, 409, 429)},
    summary="Recompute a draft run from what happened",
)
def recompute_payroll_run(request, run_id: int):
    check(CAN_MANAGE_PAYROLL, request.auth)
    services.run_recompute(run=_run(request, run_id))
    return _run(request, run_id)


@router.post(
    "/payroll/runs/{run_id}/approve",
    response={200: RunDetailOut, **errors(401, 403, 404, 409, 429)},
    summary="Approve a draft run; from then on it never changes",
)
def approve_payroll_run(request, run_id: int):
    check(CAN_MANAGE_PAYROLL, request.auth)
    services.run_approve(run=_run(request, run_id), actor=request.auth)
    return _run(request, run_id)


@router.post(
    "/payroll/runs/{run_id}/adjustments",
    response={201: AdjustmentOut, **errors(401, 403, 404, 409, 422, 429)},
    summary="Add a bonus or penalty with its reason to a draft run",
)
@idempotent
def add_payroll_adjustment(request, run_id: int, payload: AdjustmentIn):
    check(CAN_MANAGE_PAYROLL, request.auth)
    run = _run(request, run_id)
    adjustment = services.adjustment_add(
        run=run,
        teacher=_teacher(request, payload.teacher_id),
        kind=payload.kind,
        amount=payload.amount,
        reason=payload.reason,
        actor=request.auth,
    )
    return Status(201, adjustment)


@router.post(
    "/payroll/runs/{run_id}/pay",
    response={200: RunDetailOut, **errors(401, 403, 404, 409, 422, 429)},
    summary="Record that an approved run was paid (date and method)",
)
def pay_payroll_run(request, run_id: int, payload: RunPayIn):
    check(CAN_MANAGE_PAYROLL, request.auth)
    services.run_pay(run=_run(request, run_id), paid_on=payload.paid_on, method=payload.method)
    return _run(request, run_id)


@router.get(
    "/payroll/statements",
    response={200: list[StatementOut], **errors(401, 403, 422, 429)},
    summary="Statements: a teacher's own (approved and paid runs); admins all",
)
@paginate
def list_payroll_statements(request, filters: Query[StatementFilter]):
    check(CAN_READ_STATEMENTS, request.auth)
    return selectors.statement_list(request.auth, run=filters.run, teacher=filters.teacher)


@router.get(
    "/payroll/statements/{statement_id}",
    response={200: StatementOut, **errors(401, 403, 404, 429)},
    summary="One statement with every counted lesson",
)
def get_payroll_statement(request, statement_id: int):
    check(CAN_READ_STATEMENTS, request.auth)
    statement = selectors.statements_visible_to(request.auth).filter(pk=statement_id).first()
    if statement is None:
        raise NotFound(_("Statement not found."))
    return statement
