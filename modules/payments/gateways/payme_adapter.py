"""Payme as a `Gateway`: a thin adapter over the Merchant API methods in `payments.payme`, so the
interface covers all three gateways without changing Payme's protocol code."""

from __future__ import annotations

from modules.payments.gateways.base import Gateway, GatewayRefused, Refusal, StatementRow
from modules.payments.models import Payment, PaymeTransaction
from modules.payments.payme import checkout, service
from modules.payments.payme import errors as E
from modules.payments.payme.errors import PaymeError

ACCOUNT = service.ACCOUNT_FIELD
CODE_REFUSALS = {
    E.INVOICE_NOT_FOUND: Refusal.INVOICE_NOT_FOUND,
    E.INVOICE_NOT_PAYABLE: Refusal.INVOICE_PAID,
    E.INVOICE_IN_PROGRESS: Refusal.INVOICE_BUSY,
    E.WRONG_AMOUNT: Refusal.WRONG_AMOUNT,
    E.TRANSACTION_NOT_FOUND: Refusal.TRANSACTION_NOT_FOUND,
    E.CANNOT_PERFORM: Refusal.TRANSACTION_CANCELLED,
}
STATE_NAMES = {1: "created", 2: "performed", -1: "cancelled", -2: "refunded"}


def _call(method, params: dict) -> dict:
    try:
        return method(params)
    except PaymeError as exc:
        raise GatewayRefused(CODE_REFUSALS.get(exc.code, Refusal.ALREADY_DONE), str(exc.data)) from None


class PaymeGateway(Gateway):
    name = "payme"
    method = Payment.Method.PAYME

    def is_configured(self) -> bool:
        return checkout.is_configured()

    def checkout_url(self, *, payment: Payment, language: str, return_url: str) -> str:
        return checkout.checkout_url(
            payment_id=payment.pk, amount=payment.amount_due, language=language, return_url=return_url
        )

    def create(self, *, external_id: str, account, amount: int, time_ms: int) -> PaymeTransaction:
        params = {"id": external_id, "time": time_ms, "amount": amount, "account": {ACCOUNT: str(account)}}
        _call(service.create_transaction, params)
        return PaymeTransaction.objects.get(payme_id=external_id)

    def perform(self, *, external_id: str, amount: int | None = None) -> PaymeTransaction:
        _call(service.perform_transaction, {"id": external_id})
        return PaymeTransaction.objects.get(payme_id=external_id)

    def cancel(self, *, external_id: str, reason: int | None = None) -> PaymeTransaction:
        _call(service.cancel_transaction, {"id": external_id, "reason": reason or 5})
        return PaymeTransaction.objects.get(payme_id=external_id)

    def statement(self, *, from_ms: int, to_ms: int) -> list[StatementRow]:
        rows = _call(service.get_statement, {"from": from_ms, "to": to_ms})["transactions"]
        return [
            StatementRow(
                gateway=self.name,
                external_id=row["id"],
                payment_id=int(row["account"][ACCOUNT]),
                amount=row["amount"],
                state=STATE_NAMES.get(row["state"], str(row["state"])),
                created_ms=row["create_time"],
                performed_ms=row["perform_time"] or None,
                cancelled_ms=row["cancel_time"] or None,
            )
            for row in rows
        ]
