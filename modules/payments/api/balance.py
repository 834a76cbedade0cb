from django.utils.translation import gettext as _
from ninja import Router, Status

from core.exceptions import NotFound
from core.idempotency import idempotent
from core.permissions import IsAdmin, check
from core.schemas import errors
from modules.payments import balance, selectors
from modules.payments.money_schemas import BalanceDepositIn, BalanceOut, BalanceWithdrawIn, PaymentRecordOut

CAN_TAKE_MONEY = IsAdmin

router = Router(tags=["balances"])


def _student(request, student_id: int):
    student = selectors.balance_student_visible(request.auth, student_id)
    if student is None:
        raise NotFound(_("Student not found."))
    return student


@router.get(
    "/students/{student_id}/balance",
    response={200: BalanceOut, **errors(401, 404, 429)},
    summary="A student's balance and its ledger (the balance is the sum of the entries)",
)
def get_student_balance(request, student_id: int):
    return selectors.balance_detail(_student(request, student_id))


@router.post(
    "/students/{student_id}/balance/deposits",
    response={201: PaymentRecordOut, **errors(401, 403, 404, 409, 422, 429)},
    summary="Take a prepayment at the desk; it is applied to open invoices, oldest due first",
)
@idempotent
def deposit_to_balance(request, student_id: int, payload: BalanceDepositIn):
    student = _student(request, student_id)
    check(CAN_TAKE_MONEY, request.auth)
    record = balance.balance_deposit(student=student, actor=request.auth, **payload.dict())
    return Status(201, selectors.record_get(record.pk))


@router.post(
    "/students/{student_id}/balance/withdrawals",
    response={201: PaymentRecordOut, **errors(401, 403, 404, 409, 422, 429)},
    summary="Pay money on the balance back to the family",
)
@idempotent
def withdraw_from_balance(request, student_id: int, payload: BalanceWithdrawIn):
    student = _student(request, student_id)
    check(CAN_TAKE_MONEY, request.auth)
    record = balance.balance_withdraw(student=student, actor=request.auth, **payload.dict())
    return Status(201, selectors.record_get(record.pk))
