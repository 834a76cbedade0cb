"""Checkout links for the online gateways (Click, Uzum; Payme keeps its own endpoint)."""

from django.utils.translation import gettext as _

from core.exceptions import NotFound
from core.permissions import IsAdmin, IsParent, IsStudent, check
from modules.payments import selectors
from modules.payments.gateways.registry import checkout_link

CAN_REQUEST_LINK = IsAdmin | IsStudent | IsParent


def link_for(name: str, request, payment_id: int, payload) -> dict:
    payment = selectors.payment_visible(request.auth, payment_id)
    if payment is None:
        raise NotFound(_("Invoice not found."))
    check(CAN_REQUEST_LINK, request.auth)
    return checkout_link(
        name=name,
        payment=payment,
        user=request.auth,
        language=payload.language,
        return_url=payload.return_url,
    )
