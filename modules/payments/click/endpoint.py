"""One Click callback in, one JSON answer out, always HTTP 200 (Click reads only `error`).
Checks run in the order of Click's templates: -8 (missing/garbled) → -1 (sign) → -3 (action) → the
rest. A server without Click credentials answers -5 for every call (nothing to pay here)."""

from __future__ import annotations

import logging

from django.http import JsonResponse

from modules.payments.click import protocol as P
from modules.payments.click import service
from modules.payments.click.protocol import ClickError

logger = logging.getLogger("markaz.click")


def _reply(payload: dict) -> JsonResponse:
    return JsonResponse(payload, status=200, json_dumps_params={"ensure_ascii": False})


def handle(request) -> JsonResponse:
    if not P.is_configured():
        return _reply(P.answer(P.USER_NOT_FOUND, "Click payments are not enabled"))
    if request.method != "POST":
        return _reply(P.answer(P.BAD_REQUEST))
    try:
        req = P.parse(request.POST)
    except ClickError as exc:
        return _reply(P.answer(exc.code, exc.note))
    ids = {"click_trans_id": req.click_trans_id, "merchant_trans_id": req.merchant_trans_id}
    if not P.sign_matches(req.raw):
        return _reply(P.answer(P.SIGN_CHECK_FAILED, **ids))
    try:
        return _reply(service.handle(req))
    except ClickError as exc:
        return _reply(P.answer(exc.code, exc.note, **ids))
    except Exception:
        logger.exception("Click callback failed")
        return _reply(P.answer(P.FAILED_TO_UPDATE, **ids))
