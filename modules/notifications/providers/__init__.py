"""Outbound providers (Telegram, Eskiz, email). Each raises one of the errors below; the delivery
service turns them into log states: transient -> retried with backoff, permanent -> failed."""

from __future__ import annotations

import os
import threading

import httpx


class DeliveryError(Exception):
    pass


class TransientError(DeliveryError):
    """Worth retrying later: timeouts, 5xx, 429. retry_after (seconds) when the provider said so."""

    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class PermanentError(DeliveryError):
    """Retrying cannot help: a rejected text, a bad address."""


class ChatGone(PermanentError):
    """Telegram will never deliver to this chat again (bot blocked, chat deleted): unlink it."""


class ProviderDisabled(DeliveryError):
    """No credentials configured: the message is logged as skipped."""


_local = threading.local()


def http_client() -> httpx.Client:
    """One keep-alive httpx client per process and thread (qcluster forks workers; a client made
    before the fork must not share its sockets with the children)."""
    client = getattr(_local, "client", None)
    if client is None or getattr(_local, "pid", None) != os.getpid():
        client = httpx.Client(timeout=httpx.Timeout(10.0, connect=5.0))
        _local.client, _local.pid = client, os.getpid()
    return client


def request(method: str, url: str, **kwargs) -> httpx.Response:
    try:
        return http_client().request(method, url, **kwargs)
    except httpx.TimeoutException as exc:
        raise TransientError(f"timeout: {exc}") from exc
    except httpx.HTTPError as exc:  # connection refused, reset, DNS...
        raise TransientError(f"network error: {exc}") from exc
