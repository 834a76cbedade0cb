"""One HTTP request from Payme in, one JSON-RPC answer out, always with HTTP 200 (Payme records any
other status as -32400). The generic API error handlers never see this endpoint's errors."""

from __future__ import annotations

import logging

from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse

from modules.center.selectors import get_system_settings
from modules.payments.payme import errors as E
from modules.payments.payme.errors import PaymeError
from modules.payments.payme.protocol import (
    client_address,
    failure,
    is_authorized,
    is_payme_address,
    load_json,
    parse_request,
    request_id_of,
    success,
)
from modules.payments.payme.service import METHODS

logger = logging.getLogger("markaz.payme")


def _body(request) -> bytes:
    try:
        return request.body
    except RequestDataTooBig:
        return b""


def _allowed_source(request) -> bool:
    if not get_system_settings().payme_ip_allowlist_enabled:
        return True
    return is_payme_address(client_address(request))


def answer(payload: dict) -> JsonResponse:
    return JsonResponse(payload, status=200, json_dumps_params={"ensure_ascii": False})


def handle(request) -> JsonResponse:
    data = load_json(_body(request))
    rpc_id = request_id_of(data)
    # authentication comes before anything else, whatever the method or body
    if not is_authorized(request.headers.get("Authorization")) or not _allowed_source(request):
        return answer(failure(PaymeError(E.INSUFFICIENT_PRIVILEGE), rpc_id))
    if request.method != "POST":
        return answer(failure(PaymeError(E.NOT_POST), rpc_id))
    try:
        rpc = parse_request(data)
        method = METHODS.get(rpc.method)
        if method is None:
            raise PaymeError(E.METHOD_NOT_FOUND, rpc.method)
        return answer(success(method(rpc.params), rpc.id))
    except PaymeError as exc:
        return answer(failure(exc, rpc_id))
    except Exception:
        logger.exception("Payme call failed")
        return answer(failure(PaymeError(E.INTERNAL_ERROR), rpc_id))
