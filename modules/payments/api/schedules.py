from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from core.exceptions import NotFound, ValidationFailed
from core.idempotency import idempotent
from core.pagination import paginate
from core.permissions import IsAdmin, check
from core.schemas import errors
from modules.payments import schedule_services, selectors
from modules.payments.schemas import (
    BillingScheduleCreateIn,
    BillingScheduleOut,
    BillingScheduleUpdateIn,
    ScheduleFilter,
)

CAN_MANAGE_SCHEDULES = IsAdmin

router = Router(tags=["payment schedules"])


def _schedule(request, schedule_id: int):
    schedule = selectors.schedule_get(request.auth, schedule_id)
    if schedule is None:
        raise NotFound(_("Billing schedule not found."))
    return schedule


@router.get(
    "/payment-schedules",
    response={200: list[BillingScheduleOut], **errors(401, 403, 422, 429)},
    summary="List billing schedules",
)
@paginate
def list_payment_schedules(request, filters: Query[ScheduleFilter]):
    check(CAN_MANAGE_SCHEDULES, request.auth)
    return selectors.schedule_list(request.auth, **filters.dict())


@router.post(
    "/payment-schedules",
    response={201: BillingScheduleOut, **errors(401, 403, 409, 422, 429)},
    summary="Bill a membership monthly",
)
@idempotent
def create_payment_schedule(request, payload: BillingScheduleCreateIn):
    check(CAN_MANAGE_SCHEDULES, request.auth)
    membership = selectors.membership_for_schedule(request.auth, payload.membership_id)
    if membership is None:
        raise ValidationFailed.field("membership_id", _("No such membership."))
    data = payload.dict(exclude={"membership_id"})
    schedule = schedule_services.schedule_create(membership=membership, **data)
    return Status(201, _schedule(request, schedule.pk))


@router.get(
    "/payment-schedules/{schedule_id}",
    response={200: BillingScheduleOut, **errors(401, 403, 404, 429)},
    summary="Get a billing schedule",
)
def get_payment_schedule(request, schedule_id: int):
    check(CAN_MANAGE_SCHEDULES, request.auth)
    return _schedule(request, schedule_id)


@router.patch(
    "/payment-schedules/{schedule_id}",
    response={200: BillingScheduleOut, **errors(401, 403, 404, 409, 422, 429)},
    summary="Change a billing schedule (amount, due day, dates, active)",
)
def update_payment_schedule(request, schedule_id: int, payload: BillingScheduleUpdateIn):
    check(CAN_MANAGE_SCHEDULES, request.auth)
    schedule = _schedule(request, schedule_id)
    schedule_services.schedule_update(schedule=schedule, **payload.dict(exclude_unset=True))
    return _schedule(request, schedule_id)


@router.delete(
    "/payment-schedules/{schedule_id}",
    response={204: None, **errors(401, 403, 404, 429)},
    summary="Delete a billing schedule (its invoices stay)",
)
def delete_payment_schedule(request, schedule_id: int):
    check(CAN_MANAGE_SCHEDULES, request.auth)
    schedule_services.schedule_delete(schedule=_schedule(request, schedule_id))
    return Status(204, None)
