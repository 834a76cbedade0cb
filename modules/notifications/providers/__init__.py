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


class OutcomeUnknown(DeliveryError):
    """The request went out but no answer came back in time: the provider may have delivered it.
    Telegram's sendMessage has no idempotency key (a repeated call is a second message), so such a
    message is never sent again: the log records it as sent, unconfirmed."""


class ProviderDisabled(DeliveryError):
    """No credentials configured: the message is logged as skipped."""


_local = threading.local()

# Every provider call ends within READ + CONNECT seconds, far below the task timeout (120 s), and a
# delivery task sends at most dispatch.CHUNK messages, so a task always finishes in time.
READ_TIMEOUT = 5.0
CONNECT_TIMEOUT = 3.0


def http_client() -> httpx.Client:
    """One keep-alive httpx client per process and thread (qcluster forks workers; a client made
    before the fork must not share its sockets with the children)."""
    client = getattr(_local, "client", None)
    if client is None or getattr(_local, "pid", None) != os.getpid():
        client = httpx.Client(timeout=httpx.Timeout(READ_TIMEOUT, connect=CONNECT_TIMEOUT))
        _local.client, _local.pid = client, os.getpid()
    return client


def request(method: str, url: str, *, delivers: bool = False, **kwargs) -> httpx.Response:
    """`delivers`: this call hands a message over (sendMessage, sms/send). A timeout after such a
    request went out is OutcomeUnknown (never retried); any other call is simply retried."""
    try:
        return http_client().request(method, url, **kwargs)
    except (httpx.ConnectTimeout, httpx.PoolTimeout) as exc:  # nothing was sent: safe to retry
        raise TransientError(f"timeout: {exc}") from exc
    except (httpx.ReadTimeout, httpx.WriteTimeout, httpx.RemoteProtocolError) as exc:
        if delivers:
            raise OutcomeUnknown(f"no answer after sending: {exc!r}") from exc
        raise TransientError(f"timeout: {exc}") from exc
    except httpx.TimeoutException as exc:
        raise TransientError(f"timeout: {exc}") from exc
    except httpx.HTTPError as exc:  # connection refused, reset, DNS...
        raise TransientError(f"network error: {exc}") from exc
