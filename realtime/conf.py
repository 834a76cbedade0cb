"""Limits of the real-time layer. Each can be overridden in Django settings (REALTIME_<NAME>); the
defaults are what the contract and the benchmark were written against."""

from __future__ import annotations

from django.conf import settings

DEFAULTS = {
    "TICKET_TTL": 60,  # seconds a WebSocket ticket may wait before it is redeemed
    "MAX_FRAME_BYTES": 4096,  # a client frame larger than this is answered with frame_too_large
    "MAX_SUBSCRIPTIONS": 50,  # explicit subscriptions per connection (own channels not counted)
    "DB_THREADS": 4,  # threads for the handshake's and subscribe's database reads (see realtime/db.py)
    "REPLAY_SECONDS": 600,  # how long a channel's events can be replayed to a reconnecting client
    "REPLAY_MAX_EVENTS": 1000,  # and at most this many of them per channel (the newest)
}


def limit(name: str) -> int:
    return int(getattr(settings, f"REALTIME_{name}", DEFAULTS[name]))
