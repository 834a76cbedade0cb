"""The request an audited write belongs to. The middleware opens a context for every write request;
the model signal receivers record entries only while one is open, so reads, the worker, migrations
and shell sessions write nothing to the log."""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from core.net import client_address

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def client_ip(request) -> str | None:
    """The client address under the one rule of core.net (so a client cannot choose the address
    recorded in the log)."""
    return client_address(request)


def _source(path: str) -> str:
    if path.startswith("/api/"):
        return "api"
    if path.startswith("/admin/"):
        return "admin"
    return "web"


@dataclass
class AuditContext:
    request: Any = None
    ip: str | None = None
    user_agent: str = ""
    request_id: str = ""
    source: str = ""
    actor_override: Any = None
    # a service may name the domain action its writes belong to ("payment.confirmed")
    action_labels: list[str] = field(default_factory=list)

    @classmethod
    def from_request(cls, request) -> AuditContext:
        return cls(
            request=request,
            ip=client_ip(request),
            user_agent=request.headers.get("User-Agent", "")[:255],
            request_id=getattr(request, "id", "")[:64],
            source=_source(request.path),
        )

    @property
    def actor(self):
        """Resolved at write time: the JWT is checked inside Ninja (which sets request.user), the
        admin's session user is lazy; both are known by the time anything is saved."""
        if self.actor_override is not None:
            return self.actor_override
        user = getattr(self.request, "auth", None) or getattr(self.request, "user", None)
        if user is not None and getattr(user, "is_authenticated", False) and getattr(user, "pk", None):
            return user
        return None


_current: ContextVar[AuditContext | None] = ContextVar("audit_context", default=None)


def current() -> AuditContext | None:
    return _current.get()


@contextmanager
def audit_context(ctx: AuditContext):
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)


@contextmanager
def audit_action(label: str):
    """Label the writes inside as one domain action: `with audit_action("payment.confirmed"): ...`
    records "payment.confirmed" instead of a bare "update". Does nothing outside a request."""
    ctx = current()
    if ctx is None:
        yield
        return
    ctx.action_labels.append(label)
    try:
        yield
    finally:
        ctx.action_labels.pop()
