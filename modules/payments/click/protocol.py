"""Click SHOP API transport: the form fields, the MD5 `sign_string`, so'm amounts and the answer
envelope. Click posts form-encoded strings and reads a JSON object with HTTP 200, errors included."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings

SUCCESS = 0
SIGN_CHECK_FAILED = -1
INCORRECT_AMOUNT = -2
ACTION_NOT_FOUND = -3
ALREADY_PAID = -4
USER_NOT_FOUND = -5
TRANSACTION_NOT_FOUND = -6
FAILED_TO_UPDATE = -7
BAD_REQUEST = -8
TRANSACTION_CANCELLED = -9

NOTES = {
    SUCCESS: "Success",
    SIGN_CHECK_FAILED: "SIGN CHECK FAILED!",
    INCORRECT_AMOUNT: "Incorrect parameter amount",
    ACTION_NOT_FOUND: "Action not found",
    ALREADY_PAID: "Already paid",
    USER_NOT_FOUND: "User does not exist",
    TRANSACTION_NOT_FOUND: "Transaction does not exist",
    FAILED_TO_UPDATE: "Failed to update user",
    BAD_REQUEST: "Error in request from click",
    TRANSACTION_CANCELLED: "Transaction cancelled",
}

PREPARE, COMPLETE = 0, 1
REQUIRED = (
    "click_trans_id",
    "service_id",
    "click_paydoc_id",
    "merchant_trans_id",
    "amount",
    "action",
    "error",
    "sign_time",
    "sign_string",
)


class ClickError(Exception):
    def __init__(self, code: int, note: str | None = None):
        self.code = code
        self.note = note or NOTES.get(code, "Error")
        super().__init__(f"click error {code}")


@dataclass(frozen=True)
class ClickRequest:
    """A parsed callback. `raw` keeps the strings as received: the signature is over those."""

    raw: dict[str, str]
    click_trans_id: int
    service_id: str
    click_paydoc_id: int
    merchant_trans_id: str
    merchant_prepare_id: int | None
    amount_tiyin: int
    action: int
    error: int


def is_configured() -> bool:
    return bool(settings.CLICK_SERVICE_ID and settings.CLICK_SECRET_KEY)


def expected_sign(raw: dict[str, str]) -> str:
    """md5(click_trans_id service_id SECRET merchant_trans_id [merchant_prepare_id] amount action
    sign_time): the prepare id only in Complete; the amount string exactly as Click sent it."""
    parts = [raw["click_trans_id"], raw["service_id"], settings.CLICK_SECRET_KEY, raw["merchant_trans_id"]]
    if raw.get("action") == str(COMPLETE):
        parts.append(raw.get("merchant_prepare_id", ""))
    parts += [raw["amount"], raw["action"], raw["sign_time"]]
    return hashlib.md5("".join(parts).encode()).hexdigest()  # noqa: S324 (Click's protocol)


def sign_matches(raw: dict[str, str]) -> bool:
    given = raw.get("sign_string", "").strip().lower()
    return hmac.compare_digest(given.encode(), expected_sign(raw).encode())


def tiyin_from_som(text: str) -> int:
    """Click sends so'm as a decimal string; tiyin rounded half up (Click's 0.01 so'm resolution)."""
    value = Decimal(text.strip())
    if not value.is_finite() or value <= 0:
        raise InvalidOperation
    return int((value * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def som_from_tiyin(tiyin: int) -> str:
    return f"{tiyin // 100}.{tiyin % 100:02d}"


def _int(text: str) -> int:
    text = text.strip()
    if not text.lstrip("-").isdigit() or len(text) > 20:
        raise ValueError(text)
    return int(text)


def parse(form) -> ClickRequest:
    """-8 for anything missing or garbled (Click's own "error in request")."""
    raw = {key: str(form.get(key, "")) for key in (*REQUIRED, "merchant_prepare_id", "error_note")}
    if any(not raw[key].strip() for key in REQUIRED):
        raise ClickError(BAD_REQUEST)
    try:
        action = _int(raw["action"])
        prepare_id = raw["merchant_prepare_id"].strip()
        if action == COMPLETE and not prepare_id:
            raise ValueError("merchant_prepare_id")
        return ClickRequest(
            raw=raw,
            click_trans_id=_int(raw["click_trans_id"]),
            service_id=raw["service_id"].strip(),
            click_paydoc_id=_int(raw["click_paydoc_id"]),
            merchant_trans_id=raw["merchant_trans_id"].strip(),
            merchant_prepare_id=_int(prepare_id) if prepare_id else None,
            amount_tiyin=tiyin_from_som(raw["amount"]),
            action=action,
            error=_int(raw["error"]),
        )
    except (ValueError, InvalidOperation):
        raise ClickError(BAD_REQUEST) from None


def answer(code: int, note: str | None = None, **fields) -> dict:
    return {**fields, "error": code, "error_note": note or NOTES.get(code, "Error")}
