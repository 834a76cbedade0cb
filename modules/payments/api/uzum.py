from django.http import HttpRequest
from ninja import Router

from core.schemas import errors
from modules.payments.api.links import link_for
from modules.payments.schemas import PaymeLinkIn, PaymeLinkOut
from modules.payments.uzum import endpoint
from modules.payments.uzum.protocol import ACTIONS

router = Router(tags=["uzum"])

UZUM_DOC = (
    "Uzum Bank Merchant API webhook (JSON, Basic auth, `params.account` = the invoice id, amounts in "
    "tiyin, times in epoch ms). HTTP 200 with the transaction, or HTTP 400 with "
    '`{serviceId, timestamp, status: "FAILED", errorCode}` (Uzum\'s codes 10001…10018, 99999).'
)


def _webhook(action: str):
    def view(request: HttpRequest):
        return endpoint.handle(request, action)

    view.__name__ = f"uzum_{action}"
    return view


# One operation per webhook (Uzum calls <base>/check, /create, ...); any other method still gets
# Uzum's own answer (10003), not Django's 405.
for _action in ACTIONS:
    router.post(
        f"/payments/uzum/{_action}",
        auth=None,
        throttle=[],
        response={200: dict, 400: dict},
        operation_id=f"uzum_{_action}",
        summary=f"Uzum Bank Merchant API: {_action}",
        description=UZUM_DOC,
    )(_webhook(_action))
    router.api_operation(
        ["GET", "PUT", "PATCH", "DELETE"],
        f"/payments/uzum/{_action}",
        auth=None,
        throttle=[],
        include_in_schema=False,
    )(_webhook(_action))


@router.post(
    "/payments/{payment_id}/uzum-link",
    response={200: PaymeLinkOut, **errors(401, 403, 404, 409, 422, 429)},
    summary="An Uzum Bank checkout link for the student or a parent to pay what is due",
    tags=["payments"],
)
def create_uzum_link(request, payment_id: int, payload: PaymeLinkIn):
    return link_for("uzum", request, payment_id, payload)
