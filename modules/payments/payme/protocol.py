"""The transport side of the Payme Merchant API: authentication, the optional source-address
allowlist, request validation and the JSON-RPC envelope. Nothing here touches invoices."""

from __future__ import annotations

import base64
import binascii
import hmac
import ipaddress
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from core.parsing import load_json as load_bounded_json
from modules.payments.payme.errors import INVALID_REQUEST, PARSE_ERROR, PaymeError

TIMEOUT_MS = 12 * 60 * 60 * 1000  # Payme's 12 h: a created transaction not performed by then is dead
# Payme's published source addresses (185.234.113.1-15)
PAYME_NETWORK = [ipaddress.ip_address(f"185.234.113.{n}") for n in range(1, 16)]
CANCEL_REASONS = {1, 2, 3, 4, 5, 10}
PAYME_ID_LENGTH = 24


def now_ms() -> int:
    return int(time.time() * 1000)


def is_authorized(header: str | None) -> bool:
    """`Authorization: Basic base64("Paycom:" + PAYME_KEY)`; no key configured = nobody is."""
    key = settings.PAYME_KEY
    if not key or not header:
        return False
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded:
        return False
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return False
    login, sep, password = decoded.partition(":")
    if not sep:
        return False
    # both compared in constant time so a timing probe learns nothing
    ok_login = hmac.compare_digest(login.encode(), b"Paycom")
    ok_key = hmac.compare_digest(password.encode(), key.encode())
    return ok_login and ok_key


def client_address(request) -> str | None:
    """The caller's address under the one rule the throttles use (core.net)."""
    from core.net import client_address as address

    return address(request)


def is_payme_address(address: str | None) -> bool:
    try:
        return ipaddress.ip_address((address or "").strip()) in PAYME_NETWORK
    except ValueError:
        return False


@dataclass
class RpcRequest:
    method: str
    params: dict[str, Any]
    id: Any


_UNPARSABLE = object()


def load_json(body: bytes):
    """The decoded body, or a sentinel when it is not JSON (told apart by `is_parsed`)."""
    try:
        return load_bounded_json(body)  # a body nested too deeply is a ValueError too: a -32700, not a 500
    except (ValueError, UnicodeDecodeError):
        return _UNPARSABLE


def request_id_of(data) -> Any:
    """The `id` of a request, best effort, so that even an error answer echoes it."""
    return data.get("id") if isinstance(data, dict) else None


def parse_request(data) -> RpcRequest:
    if data is _UNPARSABLE:
        raise PaymeError(PARSE_ERROR)
    if not isinstance(data, dict):
        raise PaymeError(INVALID_REQUEST)
    method, params = data.get("method"), data.get("params")
    if not isinstance(method, str) or not method or not isinstance(params, dict):
        raise PaymeError(INVALID_REQUEST, "method and params are required")
    return RpcRequest(method=method, params=params, id=data.get("id"))


def success(result: dict, rpc_id: Any) -> dict:
    return {"result": result, "id": rpc_id}


def failure(error: PaymeError, rpc_id: Any) -> dict:
    return {"error": {"code": error.code, "message": error.message, "data": error.data}, "id": rpc_id}


# --- parameter readers: a wrong type is -32600 (Payme never sends one; a broken caller might) ----


def _int(params: dict, name: str) -> int:
    value = params.get(name)
    if isinstance(value, bool):
        raise PaymeError(INVALID_REQUEST, name)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int):
        raise PaymeError(INVALID_REQUEST, name)
    return value


def amount_param(params: dict) -> int:
    return _int(params, "amount")


def time_param(params: dict, name: str = "time") -> int:
    value = _int(params, name)
    if value < 0:
        raise PaymeError(INVALID_REQUEST, name)
    return value


def id_param(params: dict) -> str:
    value = params.get("id")
    if not isinstance(value, str) or not value or len(value) > PAYME_ID_LENGTH:
        raise PaymeError(INVALID_REQUEST, "id")
    return value


def account_param(params: dict) -> dict:
    value = params.get("account")
    if not isinstance(value, dict):
        raise PaymeError(INVALID_REQUEST, "account")
    return value


def reason_param(params: dict) -> int:
    value = _int(params, "reason")
    if value not in CANCEL_REASONS:
        raise PaymeError(INVALID_REQUEST, "reason")
    return value
