from django.http import HttpRequest
from ninja import Router

from modules.payments.payme import endpoint

router = Router(tags=["payme"])

PAYME_DOC = (
    "JSON-RPC 2.0 called by Payme (docs/providers.md): Basic auth `Paycom:<PAYME_KEY>`, account field "
    "`payment_id`. Always HTTP 200 with `{result, id}` or `{error: {code, message: {ru, uz, en}, data}, id}`."
)


@router.post(
    "/payments/payme",
    auth=None,
    throttle=[],
    response={200: dict},
    summary="Payme Merchant API (JSON-RPC)",
    description=PAYME_DOC,
)
def payme_merchant_api(request: HttpRequest):
    return endpoint.handle(request)


# Any other method gets the JSON-RPC -32300 with HTTP 200, not Django's 405.
@router.api_operation(
    ["GET", "PUT", "PATCH", "DELETE"],
    "/payments/payme",
    auth=None,
    throttle=[],
    include_in_schema=False,
)
def payme_merchant_api_wrong_method(request: HttpRequest):
    return endpoint.handle(request)
