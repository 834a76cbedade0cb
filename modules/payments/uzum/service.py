"""Uzum check, create, confirm, reverse and status. Each write runs in one transaction with the
invoice row locked before the transaction row, so concurrent confirms pay an invoice once. A repeat
of create, confirm or reverse replays the stored answer (the same answer `status` gives), so
Uzum's retries are harmless; times are stored once."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from core.queries import unique_or_none
from modules.payments.gateways.base import (
    GatewayRefused,
    Refusal,
    check_payable,
    find_invoice,
    now_ms,
    pay_invoice,
    refund_invoice,
)
from modules.payments.models import Payment
from modules.payments.uzum import protocol as P
from modules.payments.uzum.models import UzumTransaction
from modules.payments.uzum.protocol import UzumError

Status = UzumTransaction.Status
CONFIRM_TIMEOUT_MS = 30 * 60 * 1000  # a created transaction not confirmed by then has failed

REFUSALS = {
    Refusal.INVOICE_NOT_FOUND: P.ACCOUNT_NOT_FOUND,
    Refusal.INVOICE_PAID: P.ALREADY_PAID,
    Refusal.INVOICE_CANCELLED: P.PAYMENT_CANCELLED,
    Refusal.INVOICE_BUSY: P.UNAVAILABLE,
    Refusal.WRONG_AMOUNT: P.WRONG_AMOUNT,
    Refusal.TRANSACTION_NOT_FOUND: P.TRANSACTION_NOT_FOUND,
    Refusal.TRANSACTION_CANCELLED: P.TRANSACTION_CANCELLED,
    Refusal.ALREADY_DONE: P.CANNOT_REVERSE,
}


def _refused(exc: GatewayRefused) -> UzumError:
    return UzumError(REFUSALS[exc.refusal])


def _data(payment: Payment) -> dict:
    return {P.ACCOUNT_FIELD: {"value": str(payment.pk)}}


def _answer(tx: UzumTransaction) -> dict:
    """The transaction as stored: create, confirm, reverse and status all answer with this."""
    return {
        "serviceId": P._configured_service_id(),
        "transId": tx.trans_id,
        "status": tx.status,
        "transTime": tx.trans_time,
        "confirmTime": tx.confirm_time,
        "reverseTime": tx.reverse_time,
        "data": {P.ACCOUNT_FIELD: {"value": str(tx.payment_id)}},
        "amount": tx.amount,
    }


def _expired(tx: UzumTransaction, now: int) -> bool:
    return tx.status == Status.CREATED and now - tx.trans_time > CONFIRM_TIMEOUT_MS


def _fail(tx: UzumTransaction) -> None:
    tx.status = Status.FAILED
    tx.save(update_fields=["status", "updated_at"])


def check(data: dict) -> dict:
    account = P.params(data)[P.ACCOUNT_FIELD]
    try:
        payment = find_invoice(account, lock=False)
        check_payable(payment, payment.amount_due)
    except GatewayRefused as exc:
        raise _refused(exc) from None
    return {
        "serviceId": P._configured_service_id(),
        "timestamp": now_ms(),
        "status": "OK",
        "data": {**_data(payment), "amount": {"value": payment.amount_due}},
    }


def create(data: dict) -> dict:
    trans_id, params, amount = P.trans_id(data), P.params(data), P.amount(data)
    try:
        with transaction.atomic():
            return _create(trans_id, params, amount)
    except IntegrityError:
        # the same transId inserted concurrently: answer as its repeat
        with transaction.atomic():
            return _create(trans_id, params, amount)


def _create(trans_id: str, params: dict, amount: int) -> dict:
    existing = unique_or_none(UzumTransaction.objects.filter(trans_id=trans_id))
    if existing is not None:
        if str(existing.payment_id) != str(params[P.ACCOUNT_FIELD]).strip() or existing.amount != amount:
            raise UzumError(P.TRANSACTION_EXISTS)
        return _answer(existing)
    try:
        payment = find_invoice(params[P.ACCOUNT_FIELD], lock=True)
        check_payable(payment, amount)
    except GatewayRefused as exc:
        raise _refused(exc) from None
    now = now_ms()
    for live in UzumTransaction.objects.select_for_update().filter(payment=payment, status=Status.CREATED):
        if not _expired(live, now):
            raise UzumError(P.UNAVAILABLE)  # another Uzum payment of this invoice is under way
        _fail(live)
    tx = UzumTransaction.objects.create(
        trans_id=trans_id, payment=payment, amount=amount, trans_time=now, params=params
    )
    return _answer(tx)


def _locked(trans_id: str) -> tuple[UzumTransaction, Payment]:
    """The invoice row locked first (found through the transaction in the same statement), then the
    transaction."""
    named = UzumTransaction.objects.filter(trans_id=trans_id)
    payment = Payment.objects.locked_through(named)
    if payment is None:
        raise UzumError(P.TRANSACTION_NOT_FOUND)
    return named.select_for_update().get(), payment


def confirm(data: dict) -> dict:
    trans_id = P.trans_id(data)
    with transaction.atomic():
        outcome = _confirm(trans_id)
    if isinstance(outcome, UzumError):  # raised after the commit that recorded the failure
        raise outcome
    return outcome


def _confirm(trans_id: str) -> dict | UzumError:
    tx, payment = _locked(trans_id)
    if tx.status == Status.CONFIRMED:
        return _answer(tx)
    if tx.status in (Status.REVERSED, Status.FAILED):
        return UzumError(P.TRANSACTION_CANCELLED)
    now = now_ms()
    if _expired(tx, now):
        _fail(tx)
        return UzumError(P.TRANSACTION_CANCELLED)
    if payment.status == Payment.Status.PAID:
        return UzumError(P.ALREADY_PAID)
    if not payment.is_payable:
        return UzumError(P.PAYMENT_CANCELLED)
    tx.status, tx.confirm_time = Status.CONFIRMED, now
    tx.save(update_fields=["status", "confirm_time", "updated_at"])
    pay_invoice(
        payment=payment, method=Payment.Method.UZUM, amount=tx.amount, reference=tx.trans_id, at_ms=now
    )
    return _answer(tx)


def reverse(data: dict) -> dict:
    trans_id = P.trans_id(data)
    with transaction.atomic():
        tx, payment = _locked(trans_id)
        if tx.status == Status.REVERSED:
            return _answer(tx)
        if tx.status == Status.FAILED:
            raise UzumError(P.CANNOT_REVERSE)
        was_confirmed = tx.status == Status.CONFIRMED
        tx.status, tx.reverse_time = Status.REVERSED, now_ms()
        tx.save(update_fields=["status", "reverse_time", "updated_at"])
        if was_confirmed:
            refund_invoice(payment=payment, method=Payment.Method.UZUM, reference=tx.trans_id)
        return _answer(tx)


def status(data: dict) -> dict:
    tx = unique_or_none(UzumTransaction.objects.filter(trans_id=P.trans_id(data)))
    if tx is None:
        raise UzumError(P.TRANSACTION_NOT_FOUND)
    return _answer(tx)


ACTIONS = {"check": check, "create": create, "confirm": confirm, "reverse": reverse, "status": status}
