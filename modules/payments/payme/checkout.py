"""The Payme checkout URL a payer opens: <PAYME_CHECKOUT_URL>/<base64 of m=..;ac.payment_id=..;a=..;l=..;c=..>."""

from __future__ import annotations

import base64

from django.conf import settings
from django.utils.translation import gettext as _

LANGUAGES = ("uz", "ru", "en")


def is_configured() -> bool:
    return bool(settings.PAYME_MERCHANT_ID)


def checkout_url(*, payment_id: int, amount: int, language: str, return_url: str | None) -> str:
    parts = [f"m={settings.PAYME_MERCHANT_ID}", f"ac.payment_id={payment_id}", f"a={amount}"]
    if language in LANGUAGES:
        parts.append(f"l={language}")
    if return_url:
        parts.append(f"c={return_url}")
    encoded = base64.b64encode(";".join(parts).encode()).decode("ascii")
    return f"{settings.PAYME_CHECKOUT_URL.rstrip('/')}/{encoded}"


def payme_link_for(*, payment, user, language: str | None, return_url: str | None) -> dict:
    """The checkout link for an invoice the caller may see. 409 when it cannot be paid through Payme."""
    from core.exceptions import Conflict, ValidationFailed

    if not is_configured():
        raise Conflict(
            _("Payme is not configured on this server (PAYME_MERCHANT_ID)."), code="payme_not_configured"
        )
    if not payment.is_payable:
        raise Conflict(
            _("The invoice is {status}; it cannot be paid.").format(
                status=payment.get_status_display().lower()
            ),
            code="payment_not_payable",
        )
    base = settings.FRONTEND_URL.rstrip("/")
    if return_url:
        if not (return_url == base or return_url.startswith(base + "/")) or ";" in return_url:
            raise ValidationFailed.field(
                "return_url", _("The return URL must be on {base}.").format(base=base)
            )
    else:
        return_url = f"{base}/payments/{payment.pk}"
    lang = language or getattr(user, "language", "uz")
    url = checkout_url(payment_id=payment.pk, amount=payment.amount_due, language=lang, return_url=return_url)
    return {"url": url, "amount": payment.amount_due, "currency": payment.currency, "payment_id": payment.pk}
