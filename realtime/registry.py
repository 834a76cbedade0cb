"""Who may subscribe to which channel kind. Modules register their rules in AppConfig.ready():

    registry.register("group", can_subscribe_to_group)   # fn(user, "12") -> bool

realtime itself knows nothing of modules; an unknown kind is refused."""

from __future__ import annotations

from collections.abc import Callable

Authorizer = Callable[[object, str], bool]

_authorizers: dict[str, Authorizer] = {}


def register(kind: str, authorizer: Authorizer) -> None:
    _authorizers[kind] = authorizer


def can_subscribe(user, channel: str) -> bool:
    kind, _, key = channel.partition(":")
    if kind == "user":
        return str(user.pk) == key
    if kind == "dashboard":
        return getattr(user, "role", None) == "admin"
    authorizer = _authorizers.get(kind)
    if authorizer is None or not key:
        return False
    return bool(authorizer(user, key))
