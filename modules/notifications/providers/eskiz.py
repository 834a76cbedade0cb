"""Eskiz SMS client over httpx. The bearer token is kept in Django's cache so every worker shares one
login; a 401 refreshes it (PATCH /auth/refresh) and, if that fails, logs in again. docs/providers.md."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

from modules.notifications.providers import PermanentError, ProviderDisabled, TransientError, request

TOKEN_KEY = "notifications:eskiz:token"
TOKEN_TTL = 25 * 24 * 3600  # Eskiz tokens live about 30 days; renew a little before


def enabled() -> bool:
    return bool(settings.ESKIZ_EMAIL and settings.ESKIZ_PASSWORD)


def _url(path: str) -> str:
    return f"{settings.ESKIZ_BASE_URL.rstrip('/')}{path}"


def _token_from(response) -> str | None:
    if response.status_code not in (200, 201):
        return None
    try:
        return (response.json().get("data") or {}).get("token")
    except ValueError:
        return None


def login() -> str:
    response = request(
        "POST", _url("/auth/login"), data={"email": settings.ESKIZ_EMAIL, "password": settings.ESKIZ_PASSWORD}
    )
    token = _token_from(response)
    if not token:
        if response.status_code >= 500 or response.status_code == 429:
            raise TransientError(f"Eskiz login {response.status_code}")
        raise TransientError(f"Eskiz login refused ({response.status_code}); check ESKIZ_EMAIL/PASSWORD")
    cache.set(TOKEN_KEY, token, TOKEN_TTL)
    return token


def refresh(old_token: str) -> str | None:
    response = request("PATCH", _url("/auth/refresh"), headers={"Authorization": f"Bearer {old_token}"})
    token = _token_from(response)
    if token:
        cache.set(TOKEN_KEY, token, TOKEN_TTL)
    return token


def current_token() -> str:
    return cache.get(TOKEN_KEY) or login()


def _renewed_token(stale: str) -> str:
    # Another worker may have renewed it already; otherwise refresh, and log in again if that fails.
    cached = cache.get(TOKEN_KEY)
    if cached and cached != stale:
        return cached
    return refresh(stale) or login()


def send_sms(phone: str, text: str, *, callback_url: str = "") -> str:
    """phone: Eskiz's 12 digits (998 then 9 digits, no '+'). Returns Eskiz's request id."""
    if not enabled():
        raise ProviderDisabled("Eskiz is not configured (ESKIZ_EMAIL, ESKIZ_PASSWORD).")
    form = {"mobile_phone": phone, "message": text, "from": settings.ESKIZ_FROM}
    if callback_url:
        form["callback_url"] = callback_url
    token = current_token()
    response = _post_send(token, form)
    if response.status_code == 401:
        response = _post_send(_renewed_token(token), form)
    return _request_id(response)


def _post_send(token: str, form: dict):
    return request(
        "POST",
        _url("/message/sms/send"),
        data=form,
        headers={"Authorization": f"Bearer {token}"},
        delivers=True,
    )


def _request_id(response) -> str:
    try:
        body = response.json()
    except ValueError:
        body = {}
    code = response.status_code
    if code in (200, 201):
        return str(body.get("id") or body.get("request_id") or "")
    message = str(body.get("message") or response.text[:200])
    if code == 400:
        raise PermanentError(f"Eskiz rejected the text: {message}")
    raise TransientError(f"Eskiz {code}: {message}")
