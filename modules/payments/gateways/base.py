"""What every gateway shares: finding the invoice an account names, refusing what cannot be paid
(each gateway maps a `Refusal` to its own code), and paying or refunding through the invoice
services. Provider protocols (signatures, envelopes, codes) stay in each gateway's package."""

from __future__ import annotations

import enum
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from core.queries import unique_or_none
from modules.payments import services
from modules.payments.models import Payment


class Refusal(enum.Enum):
    INVOICE_NOT_FOUND = "invoice_not_found"
    INVOICE_PAID = "invoice_paid"
    INVOICE_CANCELLED = "invoice_cancelled"
    INVOICE_BUSY = "invoice_busy"  # another gateway transaction is live on it
    WRONG_AMOUNT = "wrong_amount"
    TRANSACTION_NOT_FOUND = "transaction_not_found"
    TRANSACTION_CANCELLED = "transaction_cancelled"
    ALREADY_DONE = "already_done"


class GatewayRefused(Exception):
    def __init__(self, refusal: Refusal, detail: str = ""):
        self.refusal = refusal
        self.detail = detail
        super().__init__(f"{refusal.value}: {detail}")


@dataclass(frozen=True)
class StatementRow:
    """One transaction as a statement lists it, whatever the gateway."""

    gateway: str
    external_id: str
    payment_id: int
    amount: int
    state: str
    created_ms: int
    performed_ms: int | None
    cancelled_ms: int | None


def now_ms() -> int:
    return int(time.time() * 1000)


def from_ms(value: int) -> datetime:
    return datetime.fromtimestamp(value / 1000, tz=UTC)


def find_invoice(raw: Any, *, lock: bool) -> Payment:
    """The invoice an account value names (its id as digits), optionally row-locked."""
    if isinstance(raw, bool) or not isinstance(raw, (str, int)):
        raise GatewayRefused(Refusal.INVOICE_NOT_FOUND, "account")
    text = str(raw).strip()
    if not text.isdigit() or len(text) > 18:
        raise GatewayRefused(Refusal.INVOICE_NOT_FOUND, "account")
    qs = Payment.objects.locked() if lock else Payment.objects
    payment = unique_or_none(qs.filter(pk=int(text)))
    if payment is None:
        raise GatewayRefused(Refusal.INVOICE_NOT_FOUND, "account")
    return payment


def check_payable(payment: Payment, amount: int) -> None:
    """An online payment pays exactly what is still due on a payable invoice."""
    if payment.status == Payment.Status.PAID:
        raise GatewayRefused(Refusal.INVOICE_PAID)
    if not payment.is_payable:
        raise GatewayRefused(Refusal.INVOICE_CANCELLED, payment.status)
    if amount != payment.amount_due:
        raise GatewayRefused(Refusal.WRONG_AMOUNT, f"due {payment.amount_due}")


def pay_invoice(*, payment: Payment, method: str, amount: int, reference: str, at_ms: int) -> Payment:
    """The gateway has the money: record it on the locked invoice."""
    return services.payment_received_by_gateway(
        payment=payment, method=method, amount=amount, reference=reference, paid_at=from_ms(at_ms)
    )


def refund_invoice(*, payment: Payment, method: str, reference: str) -> None:
    """A reversal after payment goes through the refund service, like a desk refund."""
    if payment.status == Payment.Status.PAID:
        services.payment_refund(
            payment=payment, actor=None, reason=f"{method} transaction {reference} reversed", source=method
        )


def frontend_return_url(payment: Payment, return_url: str | None) -> str:
    from core.exceptions import ValidationFailed

    base = settings.FRONTEND_URL.rstrip("/")
    if not return_url:
        return f"{base}/payments/{payment.pk}"
    if not (return_url == base or return_url.startswith(base + "/")):
        raise ValidationFailed.field("return_url", _("The return URL must be on {base}.").format(base=base))
    return return_url


class Gateway(ABC):
    """One online gateway. The endpoint of each provider parses its protocol and calls these."""

    name: str
    method: str

    @abstractmethod
    def is_configured(self) -> bool: ...

    @abstractmethod
    def checkout_url(self, *, payment: Payment, language: str, return_url: str) -> str: ...

    def find_invoice(self, account: Any, *, lock: bool = False) -> Payment:
        return find_invoice(account, lock=lock)

    def check_amount(self, payment: Payment, amount: int) -> None:
        check_payable(payment, amount)

    @abstractmethod
    def create(self, *, external_id: str, account: Any, amount: int, time_ms: int) -> Any:
        """Open a transaction for an invoice (idempotent on `external_id`)."""

    @abstractmethod
    def perform(self, *, external_id: str, amount: int | None = None) -> Any:
        """The provider took the money: pay the invoice (idempotent)."""

    @abstractmethod
    def cancel(self, *, external_id: str, reason: int | None = None) -> Any:
        """Cancel before payment, or reverse after it through the refund service (idempotent)."""

    @abstractmethod
    def statement(self, *, from_ms: int, to_ms: int) -> list[StatementRow]: ...
