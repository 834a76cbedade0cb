"""Is the session an access token belongs to still alive? Access tokens carry the session id
(`sid`, the refresh-token family) and are refused once that session is revoked (logout, password
change or reset, reuse of a rotated refresh token, deactivation).

The database (modules.accounts' refresh tokens) is the truth; the cache keeps the answer so the hot
path costs no query: a revocation writes a "revoked" mark (kept as long as an access token lives),
which wins over a cached "alive" (kept SESSION_ALIVE_CACHE_SECONDS). When the cache lost both, one
query asks the database again. The lookup is registered by accounts (core imports no module)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

ALIVE_SECONDS = 60

_is_alive_in_db: Callable[[str], bool] | None = None


def register_lookup(fn: Callable[[str], bool]) -> None:
    global _is_alive_in_db
    _is_alive_in_db = fn


def _revoked_key(sid: str) -> str:
    return f"session:revoked:{sid}"


def _alive_key(sid: str) -> str:
    return f"session:alive:{sid}"


def is_session_alive(sid: str) -> bool:
    marks = cache.get_many([_revoked_key(sid), _alive_key(sid)])  # one round trip for both
    if marks.get(_revoked_key(sid)):
        return False
    if marks.get(_alive_key(sid)):
        return True
    if _is_alive_in_db is None:
        return True
    alive = _is_alive_in_db(sid)
    if alive:
        cache.set(_alive_key(sid), 1, timeout=getattr(settings, "SESSION_ALIVE_CACHE_SECONDS", ALIVE_SECONDS))
    else:
        mark_revoked([sid])
    return alive


def mark_revoked(sids: Iterable[str]) -> None:
    ttl = int(settings.JWT_ACCESS_TTL.total_seconds()) + 60
    keys = [str(s) for s in sids if s]
    if not keys:
        return
    cache.set_many({_revoked_key(s): 1 for s in keys}, timeout=ttl)
    cache.delete_many([_alive_key(s) for s in keys])


def mark_revoked_on_commit(sids: Iterable[str]) -> None:
    """Marks once the revocation is committed (a rolled-back logout must not log anyone out); the
    database already says so to any reader after the commit."""
    sids = [str(s) for s in sids]
    transaction.on_commit(lambda: mark_revoked(sids))
