"""Telegram Bot API client (sendMessage) over httpx. Facts: docs/providers.md."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache

from modules.notifications.providers import (
    ChatGone,
    PermanentError,
    ProviderDisabled,
    TransientError,
    request,
)

RATE_KEY = "notifications:telegram:rate:{second}"


def enabled() -> bool:
    return bool(settings.TELEGRAM_BOT_TOKEN)


def _url(method: str) -> str:
    return f"{settings.TELEGRAM_API_BASE.rstrip('/')}/bot{settings.TELEGRAM_BOT_TOKEN}/{method}"


def _respect_global_rate() -> None:
    """Telegram allows about 30 messages a second per bot. The counter lives in the shared cache, so
    every worker process together stays under the limit."""
    limit = settings.TELEGRAM_MAX_PER_SECOND
    if limit <= 0:
        return
    while True:
        second = int(time.time())
        key = RATE_KEY.format(second=second)
        cache.add(key, 0, timeout=5)
        try:
            count = cache.incr(key)
        except ValueError:  # evicted between add and incr
            continue
        if count <= limit:
            return
        time.sleep(max(0.0, second + 1 - time.time()))


def send_message(chat_id: int | str, text: str, *, parse_mode: str | None = "HTML") -> str:
    """Sends a message; returns Telegram's message id."""
    if not enabled():
        raise ProviderDisabled("Telegram is not configured (TELEGRAM_BOT_TOKEN).")
    _respect_global_rate()
    payload: dict = {"chat_id": chat_id, "text": text[:4096]}
    if parse_mode:
        payload["parse_mode"] = parse_mode
    response = request("POST", _url("sendMessage"), json=payload, delivers=True)
    return _message_id(response)


def _message_id(response) -> str:
    try:
        body = response.json()
    except ValueError:
        body = {}
    if response.status_code == 200 and body.get("ok"):
        return str((body.get("result") or {}).get("message_id", ""))
    description = str(body.get("description") or response.text[:200])
    code = response.status_code
    if code == 429:
        retry_after = (body.get("parameters") or {}).get("retry_after")
        raise TransientError(f"429 {description}", retry_after=float(retry_after) if retry_after else None)
    if code == 403 or (code == 400 and "chat not found" in description.lower()):
        raise ChatGone(f"{code} {description}")
    if code >= 500:
        raise TransientError(f"{code} {description}")
    raise PermanentError(f"{code} {description}")
