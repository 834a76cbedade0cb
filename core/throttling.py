"""Throttles kept in the cache (Redis when REDIS_URL is set, so limits hold across processes).

Rates come from settings.THROTTLE_RATES at request time, so operators (and tests) can change them
without re-importing the API. Client addresses come from core.net.client_address (NINJA_NUM_PROXIES,
safe by default): a client cannot rotate X-Forwarded-For to escape a limit. Per-account throttles key
on the normalized identity a module gives them (the same account under every spelling).

On Redis the sliding window is a sorted set updated by one Lua script: one round trip per request
and atomic across processes. Ninja's own version reads the whole history list, unpickles it, and
writes it back (two round trips, a payload that grows with the rate, and two processes reading the
same list both let a request through)."""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from ninja.throttling import SimpleRateThrottle

from core.net import client_address
from core.redis_pool import SharedPoolRedisCache

# KEYS[1] the window; ARGV: now, duration, limit, a unique member. Returns {allowed, oldest score}.
_SLIDING_WINDOW = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]))
local allowed = 0
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then
  redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
  redis.call('EXPIRE', KEYS[1], ARGV[2])
  allowed = 1
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {allowed, oldest[2] or ''}
"""
_scripts: dict[int, object] = {}


def _window_script(client):
    """The script registered once per connection pool (redis-py then runs it by its SHA)."""
    pool = client.connection_pool
    if id(pool) not in _scripts:
        _scripts[id(pool)] = client.register_script(_SLIDING_WINDOW)
    return _scripts[id(pool)]


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
        backend = caches["default"]  # self.cache is a proxy to it
        if not isinstance(backend, SharedPoolRedisCache):
            return super().allow_request(request)
        self.key = self.get_cache_key(request)
        if self.key is None:
            return True
        self.now = self.timer()
        client = backend._cache.get_client(write=True)
        allowed, oldest = _window_script(client)(
            keys=[backend.make_and_validate_key(self.key)],
            args=[repr(self.now), self.duration, self.num_requests, f"{self.now!r}:{secrets.token_hex(4)}"],
            client=client,
        )
        self.history = [float(oldest)] if oldest else []  # wait() needs the oldest entry only
        return bool(allowed)

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
        # A NUL names no account (PostgreSQL cannot even look it up) and the body's schema refuses
        # it with a 422 right after the throttles: there is nothing to count it against.
        if not isinstance(value, str) or not value.strip() or "\x00" in value:
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
