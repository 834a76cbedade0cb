"""Uzum Bank Merchant API transport: Basic auth, the JSON envelope, error codes. Success is HTTP 200;
every failure is HTTP 400 with `status: "FAILED"` and a string `errorCode` (auth failures too, as
the webhook contract lists only 200 and 400)."""

from __future__ import annotations

import base64
import binascii
import hmac
import json
from typing import Any

from django.conf import settings

ACCESS_DENIED = "10001"
JSON_PARSE_ERROR = "10002"
INVALID_OPERATION = "10003"
MISSING_PARAMS = "10005"
WRONG_SERVICE_ID = "10006"
ACCOUNT_NOT_FOUND = "10007"
ALREADY_PAID = "10008"
PAYMENT_CANCELLED = "10009"
TRANSACTION_EXISTS = "10010"
WRONG_AMOUNT = "10011"
AMOUNT_TOO_SMALL = "10012"
AMOUNT_TOO_LARGE = "10013"
TRANSACTION_NOT_FOUND = "10014"
TRANSACTION_CANCELLED = "10015"
ALREADY_CONFIRMED = "10016"
CANNOT_REVERSE = "10017"
ALREADY_REVERSED = "10018"
UNAVAILABLE = "99999"

ACTIONS = ("check", "create", "confirm", "reverse", "status")
ACCOUNT_FIELD = "account"
TRANS_ID_LIMIT = 64


class UzumError(Exception):
    def __init__(self, code: str, *, extra: dict | None = None):
        self.code = code
        self.extra = extra or {}
        super().__init__(f"uzum error {code}")


def is_configured() -> bool:
    return bool(settings.UZUM_SERVICE_ID and settings.UZUM_LOGIN and settings.UZUM_PASSWORD)


def is_authorized(header: str | None) -> bool:
    if not header:
        return False
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded:
        return False
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return False
    login, sep, password = decoded.partition(":")
    ok_login = hmac.compare_digest(login.encode(), settings.UZUM_LOGIN.encode())
    ok_password = hmac.compare_digest(password.encode(), settings.UZUM_PASSWORD.encode())
    return bool(sep) and ok_login and ok_password


def load_body(body: bytes) -> dict:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise UzumError(JSON_PARSE_ERROR) from None
    if not isinstance(data, dict):
        raise UzumError(JSON_PARSE_ERROR)
    return data


def check_service(data: dict) -> None:
    service_id = data.get("serviceId")
    if service_id is None or isinstance(service_id, bool):
        raise UzumError(MISSING_PARAMS)
    if str(service_id) != str(settings.UZUM_SERVICE_ID):
        raise UzumError(WRONG_SERVICE_ID)


def trans_id(data: dict) -> str:
    value = data.get("transId")
    if not isinstance(value, str) or not value.strip() or len(value) > TRANS_ID_LIMIT:
        raise UzumError(MISSING_PARAMS)
    return value.strip()


def params(data: dict) -> dict:
    value = data.get("params")
    if not isinstance(value, dict) or value.get(ACCOUNT_FIELD) in (None, ""):
        raise UzumError(MISSING_PARAMS)
    return value


def amount(data: dict) -> int:
    value = data.get("amount")
    if isinstance(value, bool):
        raise UzumError(MISSING_PARAMS)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int):
        raise UzumError(MISSING_PARAMS)
    return value


def failure(code: str, data: dict, now: int, extra: dict | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "serviceId": _service_id(data),
        "timestamp": now,
        "status": "FAILED",
        "errorCode": code,
    }
    if isinstance(data.get("transId"), str):
        out["transId"] = data["transId"]
    return {**out, **(extra or {})}


def _service_id(data: dict):
    value = data.get("serviceId") if isinstance(data, dict) else None
    return value if value is not None else _configured_service_id()


def _configured_service_id():
    raw = settings.UZUM_SERVICE_ID
    return int(raw) if str(raw).isdigit() else raw
