from django.http import HttpRequest
from ninja import Router

from core.schemas import errors
from modules.payments.api.links import link_for
from modules.payments.schemas import PaymeLinkIn, PaymeLinkOut
from modules.payments.uzum import endpoint

router = Router(tags=["uzum"])

UZUM_DOC = (
    "Uzum Bank Merchant API webhook (JSON, Basic auth, `params.account` = the invoice id, amounts in "
    "tiyin, times in epoch ms). HTTP 200 with the transaction, or HTTP 400 with "
    '`{serviceId, timestamp, status: "FAILED", errorCode}` (Uzum\'s codes 10001…10018, 99999).'
)


@router.post(
    "/payments/uzum/{action}",
    auth=None,
    throttle=[],
    response={200: dict, 400: dict},
    summary="Uzum Bank Merchant API: check, create, confirm, reverse or status",
    description=UZUM_DOC,
)
def uzum_webhook(request: HttpRequest, action: str):
    return endpoint.handle(request, action)


# Any other method still gets Uzum's own answer (10003), not Django's 405.
@router.api_operation(
    ["GET", "PUT", "PATCH", "DELETE"],
    "/payments/uzum/{action}",
    auth=None,
    throttle=[],
    include_in_schema=False,
)
def uzum_webhook_wrong_method(request: HttpRequest, action: str):
    return endpoint.handle(request, action)


@router.post(
    "/payments/{payment_id}/uzum-link",
    response={200: PaymeLinkOut, **errors(401, 403, 404, 409, 422, 429)},
    summary="An Uzum Bank checkout link for the student or a parent to pay what is due",
    tags=["payments"],
)
def create_uzum_link(request, payment_id: int, payload: PaymeLinkIn):
    return link_for("uzum", request, payment_id, payload)
