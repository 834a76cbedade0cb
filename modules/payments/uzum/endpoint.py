"""One Uzum webhook in, one JSON answer out: HTTP 200 on success, HTTP 400 with `status: FAILED`
and `errorCode` otherwise. Order: disabled (99999) → auth (10001) → JSON (10002) → serviceId (10006)
→ the action. Nothing here ever answers a 500."""

from __future__ import annotations

import logging

from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse

from modules.payments.gateways.base import now_ms
from modules.payments.uzum import protocol as P
from modules.payments.uzum import service
from modules.payments.uzum.protocol import UzumError

logger = logging.getLogger("markaz.uzum")


def _reply(payload: dict, status: int = 200) -> JsonResponse:
    return JsonResponse(payload, status=status, json_dumps_params={"ensure_ascii": False})


def _body(request) -> bytes:
    try:
        return request.body
    except RequestDataTooBig:
        return b""


def handle(request, action: str) -> JsonResponse:
    data: dict = {}
    try:
        if not P.is_configured():
            raise UzumError(P.UNAVAILABLE)
        if not P.is_authorized(request.headers.get("Authorization")):
            raise UzumError(P.ACCESS_DENIED)
        if request.method != "POST" or action not in service.ACTIONS:
            raise UzumError(P.INVALID_OPERATION)
        data = P.load_body(_body(request))
        P.check_service(data)
        return _reply(service.ACTIONS[action](data))
    except UzumError as exc:
        return _reply(P.failure(exc.code, data, now_ms(), exc.extra), status=400)
    except Exception:
        logger.exception("Uzum webhook failed")
        return _reply(P.failure(P.UNAVAILABLE, data, now_ms()), status=400)
