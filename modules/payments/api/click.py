from django.http import HttpRequest
from ninja import Router

from core.schemas import errors
from modules.payments.api.links import link_for
from modules.payments.click import endpoint
from modules.payments.schemas import PaymeLinkIn, PaymeLinkOut

router = Router(tags=["click"])

CLICK_DOC = (
    "Click SHOP API callback (form-encoded; `merchant_trans_id` = the invoice id; MD5 `sign_string`). "
    "Always HTTP 200 with `{click_trans_id, merchant_trans_id, merchant_prepare_id | merchant_confirm_id, "
    "error, error_note}`; `error` 0 is success, -1…-9 are Click's codes. Both paths accept both actions."
)


@router.post(
    "/payments/click/prepare",
    auth=None,
    throttle=[],
    response={200: dict},
    summary="Click SHOP API: Prepare (action=0)",
    description=CLICK_DOC,
)
def click_prepare(request: HttpRequest):
    return endpoint.handle(request)


@router.post(
    "/payments/click/complete",
    auth=None,
    throttle=[],
    response={200: dict},
    summary="Click SHOP API: Complete (action=1)",
    description=CLICK_DOC,
)
def click_complete(request: HttpRequest):
    return endpoint.handle(request)


# Any other method still gets Click's own answer (-8), not Django's 405.
@router.api_operation(
    ["GET", "PUT", "PATCH", "DELETE"],
    "/payments/click/prepare",
    auth=None,
    throttle=[],
    include_in_schema=False,
)
def click_prepare_wrong_method(request: HttpRequest):
    return endpoint.handle(request)


@router.api_operation(
    ["GET", "PUT", "PATCH", "DELETE"],
    "/payments/click/complete",
    auth=None,
    throttle=[],
    include_in_schema=False,
)
def click_complete_wrong_method(request: HttpRequest):
    return endpoint.handle(request)


@router.post(
    "/payments/{payment_id}/click-link",
    response={200: PaymeLinkOut, **errors(401, 403, 404, 409, 422, 429)},
    summary="A Click checkout link for the student or a parent to pay what is due",
    tags=["payments"],
)
def create_click_link(request, payment_id: int, payload: PaymeLinkIn):
    return link_for("click", request, payment_id, payload)
