"""The client's address: the one rule used by the throttles, the Payme allowlist, the audit log and
the refresh-token records.

Safe by default: with NINJA_NUM_PROXIES=0 no proxy is trusted and the address is the TCP peer
(REMOTE_ADDR); X-Forwarded-For is ignored, so a client cannot choose its address. Behind N trusted
proxies (each appending the address it received the request from), the client is the N-th entry
from the right of X-Forwarded-For: entries further left were written by the client and are not read.
daphne runs without --proxy-headers: its own parsing takes the LEFTMOST entry, the one the client
controls (see Procfile and Dockerfile)."""

from __future__ import annotations

import ipaddress

from django.conf import settings


def trusted_proxies() -> int:
    return max(int(getattr(settings, "NINJA_NUM_PROXIES", 0) or 0), 0)


def _valid(candidate: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((candidate or "").strip()))
    except ValueError:
        return None


def client_address(request) -> str | None:
    """The client's IP address as text, or None when what we have is not an address."""
    remote = request.META.get("REMOTE_ADDR")
    proxies = trusted_proxies()
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if proxies == 0 or not forwarded:
        return _valid(remote)
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    if not hops:
        return _valid(remote)
    return _valid(hops[-min(proxies, len(hops))])
