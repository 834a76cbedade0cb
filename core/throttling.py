"""Throttles kept in the cache (Redis when REDIS_URL is set, so limits hold across processes).

Rates come from settings.THROTTLE_RATES at request time, so operators (and tests) can change them
without re-importing the API. Client addresses come from core.net.client_address (NINJA_NUM_PROXIES,
safe by default): a client cannot rotate X-Forwarded-For to escape a limit. Per-account throttles key
on the normalized identity a module gives them (the same account under every spelling)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from django.conf import settings
from ninja.throttling import SimpleRateThrottle

from core.net import client_address


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

    def get_ident(self, request) -> str | None:
        return client_address(request)

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


def _lower(value: str) -> str:
    return value.strip().lower()


class BodyFieldThrottle(ScopedThrottle):
    """Keys on a JSON body field (e.g. the login being attacked), whoever sends it. `identity` maps
    the raw value to the identity it names (accounts gives one that resolves every spelling of a
    phone or an email to the account), so variants share one budget."""

    def __init__(self, scope: str, field: str, identity: Callable[[str], str] = _lower):
        self.field = field
        self.identity = identity
        super().__init__(scope)

    def ident_for(self, request) -> str | None:
        return self.ident_for_value(body_field(request, self.field))

    def ident_for_value(self, value) -> str | None:
        if not isinstance(value, str) or not value.strip():
            return None
        return self.identity(value)  # not the field's name: the API and the admin share one budget


def body_field(request, field: str):
    """A field of a JSON body (the API) or of a form (the admin's login page)."""
    if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return request.POST.get(field)
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return None
    return body.get(field) if isinstance(body, dict) else None


def throttled(throttles, request) -> float | None:
    """Runs throttles outside Ninja (the admin login): None when allowed, else seconds to wait."""
    for throttle in throttles:
        if not throttle.allow_request(request):
            return throttle.wait() or 1.0
    return None
