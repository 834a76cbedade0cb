"""Eskiz delivery reports. The callback URL we give Eskiz carries a token derived from SECRET_KEY, so
nobody else can mark our messages delivered or failed."""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import urlencode

from django.conf import settings


def callback_token() -> str:
    return hmac.new(settings.SECRET_KEY.encode(), b"eskiz-callback", hashlib.sha256).hexdigest()[:32]


def callback_url() -> str:
    base = settings.ESKIZ_CALLBACK_URL
    if not base:
        return ""
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}{urlencode({'token': callback_token()})}"


def token_valid(token: str | None) -> bool:
    # bytes, not str: compare_digest refuses non-ASCII strings, and a query string may hold anything
    return bool(token) and hmac.compare_digest(token.encode(), callback_token().encode())


# Eskiz statuses: delivered, or final failures; anything else (waiting, transmitted) is progress.
DELIVERED = {"DELIVRD", "DELIVERED"}
FAILED = {"UNDELIV", "UNDELIVERABLE", "EXPIRED", "REJECTD", "REJECTED", "DELETED", "UNKNOWN"}
