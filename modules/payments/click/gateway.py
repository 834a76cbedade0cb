"""Click as a `Gateway`: the checkout link and the interface operations over ClickTransaction."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction

from core.queries import unique_or_none
from modules.payments.click import protocol as P
from modules.payments.click import service
from modules.payments.click.models import ClickTransaction
from modules.payments.click.protocol import ClickError, ClickRequest
from modules.payments.gateways.base import Gateway, GatewayRefused, Refusal, StatementRow
from modules.payments.models import Payment

CODE_REFUSALS = {code: refusal for refusal, code in reversed(list(service.REFUSALS.items()))}


class ClickGateway(Gateway):
    name = "click"
    method = Payment.Method.CLICK

    def is_configured(self) -> bool:
        return P.is_configured() and bool(settings.CLICK_MERCHANT_ID)

    def checkout_url(self, *, payment: Payment, language: str, return_url: str) -> str:
        query = {
            "service_id": settings.CLICK_SERVICE_ID,
            "merchant_id": settings.CLICK_MERCHANT_ID,
            "amount": P.som_from_tiyin(payment.amount_due),
            "transaction_param": str(payment.pk),
            "return_url": return_url,
        }
        if settings.CLICK_MERCHANT_USER_ID:
            query["merchant_user_id"] = settings.CLICK_MERCHANT_USER_ID
        return f"{settings.CLICK_CHECKOUT_URL}?{urlencode(query)}"

    def _request(self, external_id: str, account, amount: int, *, action: int, prepare_id=None, error=0):
        return ClickRequest(
            raw={},
            click_trans_id=int(external_id),
            service_id=str(settings.CLICK_SERVICE_ID),
            click_paydoc_id=int(external_id),
            merchant_trans_id=str(account),
            merchant_prepare_id=prepare_id,
            amount_tiyin=amount,
            action=action,
            error=error,
        )

    def _run(self, fn, req: ClickRequest) -> ClickTransaction:
        try:
            fn(req)
        except ClickError as exc:
            raise GatewayRefused(CODE_REFUSALS.get(exc.code, Refusal.ALREADY_DONE), exc.note) from None
        return ClickTransaction.objects.get(click_trans_id=req.click_trans_id)

    def create(self, *, external_id: str, account, amount: int, time_ms: int) -> ClickTransaction:
        return self._run(service.prepare, self._request(external_id, account, amount, action=P.PREPARE))

    def perform(self, *, external_id: str, amount: int | None = None) -> ClickTransaction:
        tx = self._existing(external_id)
        req = self._request(
            external_id, tx.payment_id, amount or tx.amount, action=P.COMPLETE, prepare_id=tx.pk
        )
        return self._run(service.complete, req)

    def cancel(self, *, external_id: str, reason: int | None = None) -> ClickTransaction:
        tx = self._existing(external_id)
        with transaction.atomic():
            payment = Payment.objects.locked().get(pk=tx.payment_id)
            tx = ClickTransaction.objects.select_for_update().get(pk=tx.pk)
            if tx.state in (ClickTransaction.State.PREPARED, ClickTransaction.State.CONFIRMED):
                service._cancel(tx, payment, error_code=reason)
        return tx

    def _existing(self, external_id: str) -> ClickTransaction:
        tx = unique_or_none(ClickTransaction.objects.filter(click_trans_id=int(external_id)))
        if tx is None:
            raise GatewayRefused(Refusal.TRANSACTION_NOT_FOUND)
        return tx

    def statement(self, *, from_ms: int, to_ms: int) -> list[StatementRow]:
        rows = ClickTransaction.objects.filter(prepare_time__gte=from_ms, prepare_time__lte=to_ms)
        return [
            StatementRow(
                gateway=self.name,
                external_id=str(tx.click_trans_id),
                payment_id=tx.payment_id,
                amount=tx.amount,
                state=str(ClickTransaction.State(tx.state).label),
                created_ms=tx.prepare_time,
                performed_ms=tx.complete_time or None,
                cancelled_ms=tx.cancel_time or None,
            )
            for tx in rows.order_by("prepare_time", "id")
        ]
