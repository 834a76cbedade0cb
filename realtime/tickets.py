"""Single-use WebSocket tickets. A browser cannot set headers on `new WebSocket(...)`, and an access
token in a URL ends up in proxy logs; so the client trades its access token for a ticket that works
once, for a minute. Tickets live in the cache (Redis in production), so any web process can redeem a
ticket another one issued; only a hash of the ticket is used as the key."""

from __future__ import annotations

import hashlib
import re
import secrets
import time

from django.core.cache import cache

from realtime.conf import limit

_FORMAT = re.compile(r"^[A-Za-z0-9_-]{20,128}$")


def _key(ticket: str) -> str:
    return "realtime:ticket:" + hashlib.sha256(ticket.encode()).hexdigest()


def _now() -> float:
    return time.time()


def issue_ticket(user) -> tuple[str, int]:
    """A fresh ticket for `user` and its lifetime in seconds."""
    ttl = limit("TICKET_TTL")
    ticket = secrets.token_urlsafe(32)
    cache.set(_key(ticket), {"user_id": user.pk, "expires_at": _now() + ttl}, timeout=ttl)
    return ticket, ttl


def redeem_ticket(ticket: str) -> int | None:
    """The user id a ticket was issued to, or None if it is malformed, unknown, used or expired.

    Only the caller whose delete actually removed the key wins, so two processes racing with the
    same ticket cannot both redeem it."""
    if not isinstance(ticket, str) or not _FORMAT.match(ticket):
        return None
    key = _key(ticket)
    entry = cache.get(key)
    if not entry or not cache.delete(key):
        return None
    # The cache's TTL has one-second granularity on some backends; the stored deadline is exact.
    if entry.get("expires_at", 0) < _now():
        return None
    return entry.get("user_id")
