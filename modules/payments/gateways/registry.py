"""The gateways this server knows, by name, and the checkout link every one of them offers."""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.exceptions import Conflict
from modules.payments.click.gateway import ClickGateway
from modules.payments.gateways.base import Gateway, frontend_return_url
from modules.payments.gateways.payme_adapter import PaymeGateway
from modules.payments.uzum.gateway import UzumGateway

GATEWAYS: dict[str, Gateway] = {g.name: g for g in (PaymeGateway(), ClickGateway(), UzumGateway())}
NOT_CONFIGURED_CODES = {name: f"{name}_not_configured" for name in GATEWAYS}
LANGUAGES = ("uz", "ru", "en")


def gateway(name: str) -> Gateway:
    return GATEWAYS[name]


def enabled() -> dict[str, bool]:
    return {name: g.is_configured() for name, g in GATEWAYS.items()}


def checkout_link(*, name: str, payment, user, language: str | None, return_url: str | None) -> dict:
    """{url, amount, currency, payment_id} for an invoice the caller may see: 409 when the gateway is
    disabled or the invoice cannot be paid; the amount is what is still due."""
    gw = gateway(name)
    if not gw.is_configured():
        raise Conflict(
            _("{provider} is not configured on this server.").format(provider=name.capitalize()),
            code=NOT_CONFIGURED_CODES[name],
        )
    if not payment.is_payable:
        raise Conflict(
            _("The invoice is {status}; it cannot be paid.").format(
                status=payment.get_status_display().lower()
            ),
            code="payment_not_payable",
        )
    target = frontend_return_url(payment, return_url)
    lang = language if language in LANGUAGES else getattr(user, "language", "uz")
    url = gw.checkout_url(payment=payment, language=lang, return_url=target)
    return {"url": url, "amount": payment.amount_due, "currency": payment.currency, "payment_id": payment.pk}
