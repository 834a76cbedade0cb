"""Uzum as a `Gateway`: the checkout link and the interface operations over UzumTransaction."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings

from modules.payments.gateways.base import Gateway, GatewayRefused, Refusal, StatementRow
from modules.payments.models import Payment
from modules.payments.uzum import protocol as P
from modules.payments.uzum import service
from modules.payments.uzum.models import UzumTransaction
from modules.payments.uzum.protocol import UzumError

CODE_REFUSALS = {code: refusal for refusal, code in service.REFUSALS.items()}


class UzumGateway(Gateway):
    name = "uzum"
    method = Payment.Method.UZUM

    def is_configured(self) -> bool:
        return P.is_configured()

    def checkout_url(self, *, payment: Payment, language: str, return_url: str) -> str:
        query = {
            "serviceId": settings.UZUM_SERVICE_ID,
            P.ACCOUNT_FIELD: str(payment.pk),
            "amount": str(payment.amount_due),
            "redirectUrl": return_url,
        }
        return f"{settings.UZUM_CHECKOUT_URL}?{urlencode(query)}"

    def _run(self, fn, body: dict) -> UzumTransaction:
        try:
            fn(body)
        except UzumError as exc:
            raise GatewayRefused(CODE_REFUSALS.get(exc.code, Refusal.ALREADY_DONE), exc.code) from None
        return UzumTransaction.objects.get(trans_id=body["transId"])

    def create(self, *, external_id: str, account, amount: int, time_ms: int) -> UzumTransaction:
        body = {"transId": external_id, "params": {P.ACCOUNT_FIELD: str(account)}, "amount": amount}
        return self._run(service.create, body)

    def perform(self, *, external_id: str, amount: int | None = None) -> UzumTransaction:
        return self._run(service.confirm, {"transId": external_id})

    def cancel(self, *, external_id: str, reason: int | None = None) -> UzumTransaction:
        return self._run(service.reverse, {"transId": external_id})

    def statement(self, *, from_ms: int, to_ms: int) -> list[StatementRow]:
        rows = UzumTransaction.objects.filter(trans_time__gte=from_ms, trans_time__lte=to_ms)
        return [
            StatementRow(
                gateway=self.name,
                external_id=tx.trans_id,
                payment_id=tx.payment_id,
                amount=tx.amount,
                state=tx.status,
                created_ms=tx.trans_time,
                performed_ms=tx.confirm_time,
                cancelled_ms=tx.reverse_time,
            )
            for tx in rows.order_by("trans_time", "id")
        ]
