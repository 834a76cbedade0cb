"""The Payme Merchant API methods. Each runs in one database transaction; invoice rows are locked
before transaction rows (always in that order, so two calls never deadlock), which makes concurrent
Performs of one transaction pay the invoice exactly once."""

from __future__ import annotations

from datetime import UTC, datetime

from django.db import IntegrityError, transaction

from core.queries import unique_or_none
from modules.payments import services
from modules.payments.fiscal import payme_detail
from modules.payments.gateways.base import GatewayRefused, find_invoice
from modules.payments.models import Payment, PaymeTransaction
from modules.payments.payme import errors as E
from modules.payments.payme.errors import PaymeError
from modules.payments.payme.expiry import cancel_as_timed_out, is_expired, payme_in_progress
from modules.payments.payme.protocol import (
    TIMEOUT_MS,
    account_param,
    amount_param,
    id_param,
    now_ms,
    reason_param,
    time_param,
)

ACCOUNT_FIELD = "payment_id"
State = PaymeTransaction.State
LIVE = (State.CREATED, State.PERFORMED)


# --- answers (built only from stored values, so repeats are identical) -----------------------------


def _create_answer(tx: PaymeTransaction) -> dict:
    return {"create_time": tx.create_time, "transaction": str(tx.pk), "state": tx.state}


def _perform_answer(tx: PaymeTransaction) -> dict:
    return {"transaction": str(tx.pk), "perform_time": tx.perform_time, "state": tx.state}


def _cancel_answer(tx: PaymeTransaction) -> dict:
    return {"transaction": str(tx.pk), "cancel_time": tx.cancel_time, "state": tx.state}


def _check_answer(tx: PaymeTransaction) -> dict:
    return {
        "create_time": tx.create_time,
        "perform_time": tx.perform_time,
        "cancel_time": tx.cancel_time,
        "transaction": str(tx.pk),
        "state": tx.state,
        "reason": tx.reason,
    }


# --- lookups -----------------------------------------------------------------------------------------


def _invoice_for(account: dict, *, lock: bool) -> Payment:
    try:
        return find_invoice(account.get(ACCOUNT_FIELD), lock=lock)
    except GatewayRefused:  # its one refusal here: no such invoice
        raise PaymeError(E.INVOICE_NOT_FOUND, ACCOUNT_FIELD) from None


def _check_payable(payment: Payment, amount: int) -> None:
    if not payment.is_payable:
        raise PaymeError(E.INVOICE_NOT_PAYABLE, ACCOUNT_FIELD)
    if amount != payment.amount_due:
        raise PaymeError(E.WRONG_AMOUNT, "amount")


def _locked_transaction(payme_id: str) -> tuple[PaymeTransaction, Payment]:
    """The transaction and its invoice, both row-locked, the invoice first (as Create does)."""
    named = PaymeTransaction.objects.filter(payme_id=payme_id)
    payment = Payment.objects.locked_through(named)
    if payment is None:
        raise PaymeError(E.TRANSACTION_NOT_FOUND, "id")
    return named.select_for_update().get(), payment


def _cancel(tx: PaymeTransaction, *, state: int, reason: int, now: int) -> None:
    tx.state, tx.reason, tx.cancel_time = state, reason, now
    tx.save(update_fields=["state", "reason", "cancel_time", "updated_at"])


# --- methods -----------------------------------------------------------------------------------------


def check_perform_transaction(params: dict) -> dict:
    amount, account = amount_param(params), account_param(params)
    with transaction.atomic():
        payment = _invoice_for(account, lock=True)
        _check_payable(payment, amount)
        in_progress = payme_in_progress(payment)  # a timed-out one is cancelled here and committed
    if in_progress:
        raise PaymeError(E.INVOICE_IN_PROGRESS, ACCOUNT_FIELD)
    detail = payme_detail(payment)
    return {"allow": True, "detail": detail} if detail else {"allow": True}


def _unwrap(outcome: dict | PaymeError) -> dict:
    """Errors that must not roll back what was written (a timeout cancel) are returned from inside
    the transaction and raised only after it has committed."""
    if isinstance(outcome, PaymeError):
        raise outcome
    return outcome


def create_transaction(params: dict) -> dict:
    payme_id, pay_time = id_param(params), time_param(params)
    amount, account = amount_param(params), account_param(params)
    try:
        with transaction.atomic():
            outcome = _create(payme_id, pay_time, amount, account)
    except IntegrityError:
        # a concurrent Create with the same id won the insert: answer as a repeat would
        with transaction.atomic():
            outcome = _create(payme_id, pay_time, amount, account)
    return _unwrap(outcome)


def _create(payme_id: str, pay_time: int, amount: int, account: dict) -> dict | PaymeError:
    now = now_ms()
    if PaymeTransaction.objects.filter(payme_id=payme_id).exists():
        return _repeat_create(payme_id, now)
    payment = _invoice_for(account, lock=True)
    _check_payable(payment, amount)
    if now - pay_time > TIMEOUT_MS:
        raise PaymeError(E.CANNOT_PERFORM, "time")
    for live in PaymeTransaction.objects.select_for_update().filter(payment=payment, state__in=LIVE):
        if live.payme_id == payme_id:  # we waited on the invoice lock behind the same Create
            return _repeat_create(payme_id, now)
        if not is_expired(live, now):
            raise PaymeError(E.CANNOT_PERFORM, ACCOUNT_FIELD)
        cancel_as_timed_out(live, now)
    tx = PaymeTransaction.objects.create(
        payme_id=payme_id,
        payme_time=pay_time,
        amount=amount,
        payment=payment,
        state=State.CREATED,
        create_time=now,
    )
    return _create_answer(tx)


def _repeat_create(payme_id: str, now: int) -> dict | PaymeError:
    tx, _payment = _locked_transaction(payme_id)
    if tx.state != State.CREATED:
        raise PaymeError(E.CANNOT_PERFORM, "state")
    if is_expired(tx, now):
        cancel_as_timed_out(tx, now)
        return PaymeError(E.CANNOT_PERFORM, "timeout")
    return _create_answer(tx)


def perform_transaction(params: dict) -> dict:
    payme_id = id_param(params)
    with transaction.atomic():
        outcome = _perform(payme_id)
    return _unwrap(outcome)


def _perform(payme_id: str) -> dict | PaymeError:
    tx, payment = _locked_transaction(payme_id)
    now = now_ms()
    if tx.state == State.PERFORMED:
        return _perform_answer(tx)
    if tx.state != State.CREATED:
        raise PaymeError(E.CANNOT_PERFORM, "state")
    if is_expired(tx, now):
        cancel_as_timed_out(tx, now)
        return PaymeError(E.CANNOT_PERFORM, "timeout")
    if not payment.is_payable:
        raise PaymeError(E.CANNOT_PERFORM, ACCOUNT_FIELD)
    tx.state, tx.perform_time = State.PERFORMED, now
    tx.save(update_fields=["state", "perform_time", "updated_at"])
    services.payment_paid_by_payme(
        payment=payment, payme_id=tx.payme_id, paid_at=datetime.fromtimestamp(now / 1000, tz=UTC)
    )
    return _perform_answer(tx)


def cancel_transaction(params: dict) -> dict:
    payme_id, reason = id_param(params), reason_param(params)
    with transaction.atomic():
        tx, payment = _locked_transaction(payme_id)
        if tx.state in (State.CANCELLED, State.CANCELLED_AFTER_PERFORM):
            return _cancel_answer(tx)
        now = now_ms()
        if tx.state == State.CREATED:
            _cancel(tx, state=State.CANCELLED, reason=reason, now=now)
            return _cancel_answer(tx)
        # performed: a refund. Markaz always refunds (lessons are billed monthly, not "delivered"),
        # so -31007 is never answered.
        _cancel(tx, state=State.CANCELLED_AFTER_PERFORM, reason=reason, now=now)
        if payment.status == Payment.Status.PAID:
            services.payment_refunded_by_payme(payment=payment, payme_id=tx.payme_id, reason_code=reason)
        return _cancel_answer(tx)


def check_transaction(params: dict) -> dict:
    tx = unique_or_none(PaymeTransaction.objects.filter(payme_id=id_param(params)))
    if tx is None:
        raise PaymeError(E.TRANSACTION_NOT_FOUND, "id")
    return _check_answer(tx)


def get_statement(params: dict) -> dict:
    start, end = time_param(params, "from"), time_param(params, "to")
    rows = PaymeTransaction.objects.filter(payme_time__gte=start, payme_time__lte=end).order_by(
        "payme_time", "id"
    )
    return {
        "transactions": [
            {
                "id": tx.payme_id,
                "time": tx.payme_time,
                "amount": tx.amount,
                "account": {ACCOUNT_FIELD: str(tx.payment_id)},
                "create_time": tx.create_time,
                "perform_time": tx.perform_time,
                "cancel_time": tx.cancel_time,
                "transaction": str(tx.pk),
                "state": tx.state,
                "reason": tx.reason,
                "receivers": tx.receivers,
            }
            for tx in rows
        ]
    }


def set_fiscal_data(params: dict) -> dict:
    payme_id = id_param(params)
    kind, data = params.get("type"), params.get("fiscal_data")
    if kind not in ("PERFORM", "CANCEL") or not isinstance(data, dict):
        raise PaymeError(E.INVALID_REQUEST, "type" if kind not in ("PERFORM", "CANCEL") else "fiscal_data")
    with transaction.atomic():
        tx = unique_or_none(PaymeTransaction.objects.select_for_update().filter(payme_id=payme_id))
        if tx is None:
            raise PaymeError(E.TRANSACTION_NOT_FOUND, "id")
        tx.fiscal_data = {**(tx.fiscal_data or {}), kind: data}
        tx.save(update_fields=["fiscal_data", "updated_at"])
    return {"success": True}


METHODS = {
    "CheckPerformTransaction": check_perform_transaction,
    "CreateTransaction": create_transaction,
    "PerformTransaction": perform_transaction,
    "CancelTransaction": cancel_transaction,
    "CheckTransaction": check_transaction,
    "GetStatement": get_statement,
    "SetFiscalData": set_fiscal_data,
}
