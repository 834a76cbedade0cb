"""Sessions: an access JWT plus an opaque refresh token stored hashed. Refresh rotates the token;
a dead token presented again revokes its whole family (it leaked); logout revokes the family."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.auth import issue_access_token
from core.exceptions import NotAuthenticated
from core.sessions import mark_revoked_on_commit
from modules.accounts.models import RefreshToken, User


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True)
class TokenPair:
    access: str
    refresh: str
    user: User

    @property
    def expires_in(self) -> int:
        return int(settings.JWT_ACCESS_TTL.total_seconds())


def _issue(user: User, family: uuid.UUID, *, user_agent: str = "", ip: str | None = None) -> TokenPair:
    raw = secrets.token_urlsafe(48)
    RefreshToken.objects.create(
        user=user,
        family=family,
        token_hash=hash_token(raw),
        expires_at=timezone.now() + settings.JWT_REFRESH_TTL,
        user_agent=user_agent[:255],
        ip=ip,
    )
    return TokenPair(access=issue_access_token(user, session_id=str(family)), refresh=raw, user=user)


def session_start(*, user: User, user_agent: str = "", ip: str | None = None) -> TokenPair:
    User.objects.filter(pk=user.pk).update(last_login=timezone.now())
    return _issue(user, uuid.uuid4(), user_agent=user_agent, ip=ip)


def session_is_alive(sid: str) -> bool:
    """The database's answer for core.sessions: some refresh token of the family is neither revoked
    nor expired, and its user is active."""
    try:
        family = uuid.UUID(sid)
    except ValueError:
        return False
    return RefreshToken.objects.filter(
        family=family, revoked_at__isnull=True, expires_at__gt=timezone.now(), user__is_active=True
    ).exists()


def _revoke_family(family: uuid.UUID) -> None:
    RefreshToken.objects.filter(family=family, revoked_at__isnull=True).update(revoked_at=timezone.now())
    mark_revoked_on_commit([family])


class TokenReused(NotAuthenticated):
    default_detail = "This refresh token was already used; the session has been revoked."
    default_code = "token_reused"


def session_refresh(*, raw_refresh: str, user_agent: str = "", ip: str | None = None) -> TokenPair:
    with transaction.atomic():
        token = (
            RefreshToken.objects.select_for_update()
            .select_related("user")
            .filter(token_hash=hash_token(raw_refresh or ""))
            .first()
        )
        if token is None:
            raise NotAuthenticated(_("Invalid refresh token."), code="invalid_token")
        if token.revoked_at or token.used_at:
            # A rotated token came back: someone else holds a copy. Revoke the whole family, and let
            # that revocation commit before we answer 401.
            _revoke_family(token.family)
        elif token.expires_at <= timezone.now() or not token.user.is_active:
            raise NotAuthenticated(_("Refresh token expired."), code="token_expired")
        else:
            token.used_at = timezone.now()
            token.save(update_fields=["used_at"])
            return _issue(token.user, token.family, user_agent=user_agent, ip=ip)
    raise TokenReused()


def session_logout(*, user: User, raw_refresh: str) -> None:
    token = RefreshToken.objects.filter(token_hash=hash_token(raw_refresh or ""), user=user).first()
    if token is None:
        raise NotAuthenticated(_("Invalid refresh token."), code="invalid_token")
    _revoke_family(token.family)


def sessions_revoke_all(*, user: User, except_family: str | None = None) -> int:
    qs = RefreshToken.objects.filter(user=user, revoked_at__isnull=True)
    if except_family:
        qs = qs.exclude(family=except_family)
    families = set(qs.values_list("family", flat=True))
    count = qs.update(revoked_at=timezone.now())
    mark_revoked_on_commit(families)
    return count
