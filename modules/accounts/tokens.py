"""Sessions: an access JWT plus an opaque refresh token stored hashed. Refresh rotates the token;
a dead token presented again revokes its whole family (it leaked); logout revokes the family.

Two browser tabs refreshing at once present the same token twice. Within
JWT_REFRESH_REUSE_GRACE of its rotation, the just-rotated token answers with the same successor
refresh token (and a fresh access token of the same session) instead of revoking: the successor's
raw value is derived from its parent with the server's key, so it can be handed out again without
ever being stored in the clear. Later, or once the successor has itself been used, reuse revokes the
family as before."""

from __future__ import annotations

import base64
import hashlib
import secrets
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
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


def _successor(raw_parent: str) -> str:
    """The refresh token that rotating `raw_parent` issues: unguessable without the parent and the
    server's key, and the same every time, so a second tab within the grace window gets it too."""
    digest = salted_hmac("markaz.accounts.refresh-successor", raw_parent, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _issue(
    user: User, family: uuid.UUID, *, raw: str | None = None, user_agent: str = "", ip: str | None = None
) -> TokenPair:
    raw = raw or secrets.token_urlsafe(48)
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


def _within_grace(token: RefreshToken) -> bool:
    grace = settings.JWT_REFRESH_REUSE_GRACE
    return bool(grace) and token.revoked_at is None and token.used_at > timezone.now() - grace


def _replay_rotation(token: RefreshToken, raw_refresh: str) -> TokenPair | None:
    """The pair that rotating `token` issued, if it was rotated within the grace window and its
    successor is still the family's live, unused token; otherwise None (a real reuse)."""
    if not _within_grace(token):
        return None
    raw = _successor(raw_refresh)
    successor = RefreshToken.objects.filter(
        token_hash=hash_token(raw),
        family=token.family,
        used_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).exists()
    if not successor or not token.user.is_active:
        return None
    return TokenPair(
        access=issue_access_token(token.user, session_id=str(token.family)), refresh=raw, user=token.user
    )


def session_refresh(*, raw_refresh: str, user_agent: str = "", ip: str | None = None) -> TokenPair:
    with transaction.atomic():
        # The row lock makes two refreshes of one token take turns: the second sees the first's
        # rotation (used_at and the successor row) once the first commits.
        token = (
            RefreshToken.objects.select_for_update()
            .select_related("user")
            .filter(token_hash=hash_token(raw_refresh or ""))
            .first()
        )
        if token is None:
            raise NotAuthenticated(_("Invalid refresh token."), code="invalid_token")
        if token.revoked_at or token.used_at:
            replay = _replay_rotation(token, raw_refresh)
            if replay is not None:
                return replay
            # A rotated token came back: someone else holds a copy. Revoke the whole family, and let
            # that revocation commit before we answer 401.
            _revoke_family(token.family)
        elif token.expires_at <= timezone.now() or not token.user.is_active:
            raise NotAuthenticated(_("Refresh token expired."), code="token_expired")
        else:
            token.used_at = timezone.now()
            token.save(update_fields=["used_at"])
            return _issue(token.user, token.family, raw=_successor(raw_refresh), user_agent=user_agent, ip=ip)
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
