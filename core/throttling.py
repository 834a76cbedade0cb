"""Throttles kept in the cache (Redis when REDIS_URL is set, so limits hold across processes).

Rates come from settings.THROTTLE_RATES at request time, so operators (and tests) can change them
without re-importing the API. Client addresses honour NINJA_NUM_PROXIES: without it a client could
rotate X-Forwarded-For and escape every limit."""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from ninja.throttling import SimpleRateThrottle


class ScopedThrottle(SimpleRateThrottle):
    scope = "user"

    def __init__(self, scope: str | None = None):
        if scope:
            self.scope = scope
        # The rate is read per request (see allow_request); parse the current one for Ninja's init.
        super().__init__(rate=self._current_rate())

    def _current_rate(self) -> str:
        return settings.THROTTLE_RATES[self.scope]

    def allow_request(self, request) -> bool:
        self.rate = self._current_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)

    def ident_for(self, request) -> str | None:
        return self.get_ident(request)

    def get_cache_key(self, request) -> str | None:
        ident = self.ident_for(request)
        if ident is None:
            return None
        digest = hashlib.sha256(ident.encode()).hexdigest()[:32]
        return f"throttle:{self.scope}:{digest}"

    def wait(self) -> float:
        if self.history:
            return max(1.0, self.duration - (self.now - self.history[-1]))
        return float(self.duration)


class IpThrottle(ScopedThrottle):
    pass


class UserThrottle(ScopedThrottle):
    def ident_for(self, request) -> str | None:
        user = getattr(request, "auth", None) or getattr(request, "user", None)
        if user is not None and getattr(user, "is_authenticated", False):
            return f"user:{user.pk}"
        return self.get_ident(request)


class BodyFieldThrottle(ScopedThrottle):
    """Keys on a JSON body field (e.g. the login being attacked), whoever sends it."""

    def __init__(self, scope: str, field: str):
        self.field = field
        super().__init__(scope)

    def ident_for(self, request) -> str | None:
        try:
            value = json.loads(request.body or b"{}").get(self.field)
        except (ValueError, AttributeError):
            return None
        if not isinstance(value, str) or not value.strip():
            return None
        return value.strip().lower()
