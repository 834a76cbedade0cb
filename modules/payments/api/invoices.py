from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from core.exceptions import NotFound, ValidationFailed
from core.idempotency import idempotent
from core.pagination import paginate
from core.permissions import IsAdmin, IsParent, IsStudent, check
from core.schemas import errors
from modules.payments import selectors, services
from modules.payments.payme.checkout import payme_link_for
from modules.payments.schemas import (
    PaymeLinkIn,
    PaymeLinkOut,
    PaymentConfirmIn,
    PaymentCreateIn,
    PaymentDetailOut,
    PaymentFilter,
    PaymentOut,
    PaymentReasonIn,
    PaymentRefundIn,
    PaymentUpdateIn,
)

CAN_MANAGE_PAYMENTS = IsAdmin
CAN_REQUEST_PAYME_LINK = IsAdmin | IsStudent | IsParent

router = Router(tags=["payments"])


def _visible(request, payment_id: int):
    payment = selectors.payment_visible(request.auth, payment_id)
    if payment is None:
        raise NotFound(_("Invoice not found."))
    return payment


def _detail(request, payment_id: int):
    payment = selectors.payment_detail(request.auth, payment_id)
    if payment is None:
        raise NotFound(_("Invoice not found."))
    return payment


@router.get(
    "/payments",
    response={200: list[PaymentOut], **errors(401, 422, 429)},
    summary="List invoices (admins: all; students: own; parents: their children's)",
)
@paginate
def list_payments(request, filters: Query[PaymentFilter]):
    return selectors.payment_list(request.auth, **filters.dict())


@router.post(
    "/payments",
    response={201: PaymentDetailOut, **errors(401, 403, 422, 429)},
    summary="Create an invoice",
)
@idempotent
def create_payment(request, payload: PaymentCreateIn):
    check(CAN_MANAGE_PAYMENTS, request.auth)
    student = selectors.student_for_invoice(request.auth, payload.student_id)
    if student is None:
        raise ValidationFailed.field("student_id", _("No such student."))
    group = None
    if payload.group_id is not None:
        group = selectors.group_for_invoice(request.auth, payload.group_id)
        if group is None:
            raise ValidationFailed.field("group_id", _("No such group."))
    payment = services.payment_create(
        student=student,
        group=group,
        amount=payload.amount,
        due_date=payload.due_date,
        description=payload.description,
        period=payload.period,
        actor=request.auth,
    )
    return Status(201, _detail(request, payment.pk))


@router.get(
    "/payments/{payment_id}",
    response={200: PaymentDetailOut, **errors(401, 404, 429)},
    summary="Get an invoice with its status history",
)
def get_payment(request, payment_id: int):
    return _detail(request, payment_id)


@router.patch(
    "/payments/{payment_id}",
    response={200: PaymentDetailOut, **errors(401, 403, 404, 409, 422, 429)},
    summary="Change the amount, due date or description of an unpaid invoice",
)
def update_payment(request, payment_id: int, payload: PaymentUpdateIn):
    payment = _visible(request, payment_id)
    check(CAN_MANAGE_PAYMENTS, request.auth)
    services.payment_update(payment=payment, actor=request.auth, **payload.dict(exclude_unset=True))
    return _detail(request, payment_id)


@router.post(
    "/payments/{payment_id}/confirm",
    response={200: PaymentDetailOut, **errors(401, 403, 404, 409, 422, 429)},
    summary="Confirm a cash, card or bank-transfer payment",
)
@idempotent
def confirm_payment(request, payment_id: int, payload: PaymentConfirmIn):
    payment = _visible(request, payment_id)
    check(CAN_MANAGE_PAYMENTS, request.auth)
    services.payment_confirm(payment=payment, actor=request.auth, **payload.dict())
    return _detail(request, payment_id)


@router.post(
    "/payments/{payment_id}/cancel",
    response={200: PaymentDetailOut, **errors(401, 403, 404, 409, 422, 429)},
    summary="Cancel an unpaid invoice",
)
def cancel_payment(request, payment_id: int, payload: PaymentReasonIn):
    payment = _visible(request, payment_id)
    check(CAN_MANAGE_PAYMENTS, request.auth)
    services.payment_cancel(payment=payment, actor=request.auth, reason=payload.reason)
    return _detail(request, payment_id)


@router.post(
    "/payments/{payment_id}/refund",
    response={200: PaymentDetailOut, **errors(401, 403, 404, 409, 422, 429)},
    summary="Record a manual refund of a paid invoice",
)
@idempotent
def refund_payment(request, payment_id: int, payload: PaymentRefundIn):
    payment = _visible(request, payment_id)
    check(CAN_MANAGE_PAYMENTS, request.auth)
    services.payment_refund(payment=payment, actor=request.auth, reason=payload.reason)
    return _detail(request, payment_id)


@router.post(
    "/payments/{payment_id}/payme-link",
    response={200: PaymeLinkOut, **errors(401, 403, 404, 409, 422, 429)},
    summary="A Payme checkout link for the student or a parent to pay the invoice",
)
def create_payme_link(request, payment_id: int, payload: PaymeLinkIn):
    payment = _visible(request, payment_id)
    check(CAN_REQUEST_PAYME_LINK, request.auth)
    return payme_link_for(
        payment=payment, user=request.auth, language=payload.language, return_url=payload.return_url
    )
