"""Click Prepare and Complete. Each runs in one transaction; the invoice row is locked before the
Click transaction row (the same order Payme uses), so concurrent Completes pay an invoice once.
Answers are built from stored values only, so a repeat answers the same."""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction

from core.queries import unique_or_none
from modules.payments.click import protocol as P
from modules.payments.click.models import ClickTransaction
from modules.payments.click.protocol import ClickError, ClickRequest
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

State = ClickTransaction.State

REFUSALS = {
    Refusal.INVOICE_NOT_FOUND: P.USER_NOT_FOUND,
    Refusal.INVOICE_PAID: P.ALREADY_PAID,
    Refusal.INVOICE_CANCELLED: P.TRANSACTION_CANCELLED,
    Refusal.INVOICE_BUSY: P.ALREADY_PAID,
    Refusal.WRONG_AMOUNT: P.INCORRECT_AMOUNT,
    Refusal.TRANSACTION_NOT_FOUND: P.TRANSACTION_NOT_FOUND,
    Refusal.TRANSACTION_CANCELLED: P.TRANSACTION_CANCELLED,
    Refusal.ALREADY_DONE: P.ALREADY_PAID,
}


def _ids(req: ClickRequest) -> dict:
    return {"click_trans_id": req.click_trans_id, "merchant_trans_id": req.merchant_trans_id}


def handle(req: ClickRequest) -> dict:
    """The answer to one authenticated callback (the signature was checked by the endpoint)."""
    if req.service_id != str(settings.CLICK_SERVICE_ID):
        raise ClickError(P.BAD_REQUEST, "Wrong service_id")
    if req.action == P.PREPARE:
        return prepare(req)
    if req.action == P.COMPLETE:
        return complete(req)
    raise ClickError(P.ACTION_NOT_FOUND)


def prepare(req: ClickRequest) -> dict:
    try:
        with transaction.atomic():
            return _prepare(req)
    except IntegrityError:
        # a concurrent Prepare with the same click_trans_id won the insert: answer as its repeat
        with transaction.atomic():
            return _prepare(req)


def _prepare(req: ClickRequest) -> dict:
    existing = unique_or_none(ClickTransaction.objects.filter(click_trans_id=req.click_trans_id))
    if existing is not None:
        return _repeat_prepare(existing, req)
    try:
        payment = find_invoice(req.merchant_trans_id, lock=True)
        check_payable(payment, req.amount_tiyin)
    except GatewayRefused as exc:
        raise ClickError(REFUSALS[exc.refusal]) from None
    tx = ClickTransaction.objects.create(
        click_trans_id=req.click_trans_id,
        click_paydoc_id=req.click_paydoc_id,
        payment=payment,
        amount=req.amount_tiyin,
        prepare_time=now_ms(),
    )
    return P.answer(P.SUCCESS, **_ids(req), merchant_prepare_id=tx.pk)


def _repeat_prepare(tx: ClickTransaction, req: ClickRequest) -> dict:
    if str(tx.payment_id) != req.merchant_trans_id:
        raise ClickError(P.TRANSACTION_NOT_FOUND)
    if tx.state == State.CONFIRMED:
        raise ClickError(P.ALREADY_PAID)
    if tx.state != State.PREPARED:
        raise ClickError(P.TRANSACTION_CANCELLED)
    if tx.amount != req.amount_tiyin:
        raise ClickError(P.INCORRECT_AMOUNT)
    return P.answer(P.SUCCESS, **_ids(req), merchant_prepare_id=tx.pk)


def complete(req: ClickRequest) -> dict:
    with transaction.atomic():
        return _complete(req)


def _locked(req: ClickRequest) -> tuple[ClickTransaction, Payment]:
    """The transaction Complete names, with its invoice: the invoice row locked first (found through
    the transaction in the same statement), then the transaction."""
    named = ClickTransaction.objects.filter(pk=req.merchant_prepare_id, click_trans_id=req.click_trans_id)
    payment = Payment.objects.locked_through(named)
    if payment is None or str(payment.pk) != req.merchant_trans_id:
        raise ClickError(P.TRANSACTION_NOT_FOUND)
    return named.select_for_update().get(), payment


def _complete(req: ClickRequest) -> dict:
    tx, payment = _locked(req)
    if tx.state in (State.CANCELLED, State.REFUNDED):
        raise ClickError(P.TRANSACTION_CANCELLED)
    if req.error < 0:
        # Click failed or cancelled the debit: cancel our side (refunding if it was paid), answer -9
        _cancel(tx, payment, error_code=req.error)
        return P.answer(P.TRANSACTION_CANCELLED, **_ids(req), merchant_confirm_id=None)
    if tx.state == State.CONFIRMED:
        raise ClickError(P.ALREADY_PAID)
    if req.amount_tiyin != tx.amount:
        raise ClickError(P.INCORRECT_AMOUNT)
    if payment.status == Payment.Status.PAID:
        raise ClickError(P.ALREADY_PAID)
    if not payment.is_payable:
        raise ClickError(P.TRANSACTION_CANCELLED)
    now = now_ms()
    tx.state, tx.complete_time = State.CONFIRMED, now
    tx.save(update_fields=["state", "complete_time", "updated_at"])
    pay_invoice(
        payment=payment,
        method=Payment.Method.CLICK,
        amount=tx.amount,
        reference=str(tx.click_trans_id),
        at_ms=now,
    )
    return P.answer(P.SUCCESS, **_ids(req), merchant_confirm_id=tx.pk)


def _cancel(tx: ClickTransaction, payment: Payment, *, error_code: int | None) -> None:
    """Prepared → cancelled; confirmed → refunded through the refund service (the caller holds the
    invoice lock)."""
    was_confirmed = tx.state == State.CONFIRMED
    tx.state = State.REFUNDED if was_confirmed else State.CANCELLED
    tx.cancel_time, tx.error_code = now_ms(), error_code
    tx.save(update_fields=["state", "cancel_time", "error_code", "updated_at"])
    if was_confirmed:
        refund_invoice(payment=payment, method=Payment.Method.CLICK, reference=str(tx.click_trans_id))
