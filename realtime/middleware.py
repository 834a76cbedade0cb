"""Who is on the other end of a WebSocket handshake, and from which page.

Authentication: `?ticket=<ticket>` (browsers; see tickets.py) or `Authorization: Bearer <access>`
(non-browser clients). The result is `scope["user"]` (AnonymousUser when neither works); the
consumer closes unauthenticated sockets with 4401.

Origin: Django's ALLOWED_HOSTS, as channels' AllowedHostsOriginValidator does, plus the front end's
CORS_ALLOWED_ORIGINS (a Next.js app on app.example.uz talking to api.example.uz). A handshake without
an Origin header comes from a non-browser client, which could forge any Origin anyway, so it passes:
the check exists to stop other web pages from opening sockets in a victim's browser."""

from __future__ import annotations

from urllib.parse import parse_qs

from channels.middleware import BaseMiddleware
from channels.security.websocket import OriginValidator
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from core.auth import user_from_access_token
from realtime.db import run_db
from realtime.tickets import redeem_ticket


def _query_param(scope, name: str) -> str | None:
    values = parse_qs(scope.get("query_string", b"").decode("latin1")).get(name)
    return values[0] if values else None


def _bearer(scope) -> str | None:
    for header, value in scope.get("headers", []):
        if header == b"authorization":
            scheme, _, token = value.decode("latin1").partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                return token.strip()
    return None


def _user_from_ticket(ticket: str):
    user_id = redeem_ticket(ticket)
    if user_id is None:
        return None
    return get_user_model().objects.filter(pk=user_id, is_active=True).first()


def authenticate(scope):
    """The active user the handshake proves, or None. A ticket, when present, is the only proof
    considered: a bad ticket is not rescued by a header."""
    ticket = _query_param(scope, "ticket")
    if ticket is not None:
        return _user_from_ticket(ticket)
    token = _bearer(scope)
    if token is not None:
        return user_from_access_token(token)
    return None


class TicketAuthMiddleware(BaseMiddleware):
    async def __call__(self, scope, receive, send):
        user = await run_db(authenticate, scope) if scope["type"] == "websocket" else None
        scope = dict(scope, user=user or AnonymousUser())
        return await super().__call__(scope, receive, send)


class MissingOriginAllowed(OriginValidator):
    def valid_origin(self, parsed_origin) -> bool:
        return parsed_origin is None or self.validate_origin(parsed_origin)


def allowed_origin_validator(application):
    """channels' AllowedHostsOriginValidator, widened to the front end's origins and to clients that
    send no Origin (see the module docstring)."""
    allowed = list(settings.ALLOWED_HOSTS) + list(getattr(settings, "CORS_ALLOWED_ORIGINS", []))
    return MissingOriginAllowed(application, allowed)
