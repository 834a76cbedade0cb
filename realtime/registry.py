"""Who may subscribe to which channel kind. Modules register their rules in AppConfig.ready():

    registry.register("group", can_subscribe_to_group)   # fn(user, "12") -> bool
    registry.recheck_when_changed(Membership, lambda m: [f"group:{m.group_id}"])

realtime itself knows nothing of modules; an unknown kind is refused. A rule holds for the life of a
subscription only if the rows it reads tell the sockets when they change: `recheck_when_changed`
makes every update or deletion of such a row (after commit) re-run the rule for the channels it
names, on every socket subscribed to them (see realtime/control.py)."""

from __future__ import annotations

from collections.abc import Callable

Authorizer = Callable[[object, str], bool]

_authorizers: dict[str, Authorizer] = {}
_joined_on_connect: Callable[[object], list[str]] | None = None


def register(kind: str, authorizer: Authorizer) -> None:
    _authorizers[kind] = authorizer


def join_on_connect(channels_of: Callable[[object], list[str]]) -> None:
    """Which channels besides `user:<id>` a socket joins as it connects (the dashboards an admin
    hears). Unregistered: every admin joins `dashboard`."""
    global _joined_on_connect
    _joined_on_connect = channels_of


def channels_on_connect(user) -> list[str]:
    own = [f"user:{user.pk}"]
    if _joined_on_connect is not None:
        return own + list(_joined_on_connect(user))
    return own + (["dashboard"] if getattr(user, "role", None) == "admin" else [])


def can_subscribe(user, channel: str) -> bool:
    kind, _, key = channel.partition(":")
    if kind == "user":
        return str(user.pk) == key
    if kind == "dashboard":
        # `dashboard` (every branch) and `dashboard:<branch id>`: a rule registered by a module
        # that knows branches; without one, the whole dashboard for any admin
        authorizer = _authorizers.get(kind)
        if authorizer is None:
            return getattr(user, "role", None) == "admin" and not key
        return bool(authorizer(user, key))
    authorizer = _authorizers.get(kind)
    if authorizer is None or not key:
        return False
    return bool(authorizer(user, key))


def recheck_when_changed(model, channels_of: Callable[[object], list[str]]) -> None:
    """Updates and deletions of `model` rows re-check the channels `channels_of(row)` names. A new
    row grants nothing by itself being created, so creations send nothing."""
    from django.db.models.signals import post_delete, post_save

    from realtime.control import recheck_on_commit

    def changed(sender, instance, created=False, raw=False, **kwargs):
        if created or raw:
            return
        for channel in channels_of(instance):
            recheck_on_commit(channel=channel)

    uid = f"realtime.recheck.{model._meta.label}"
    post_save.connect(changed, sender=model, weak=False, dispatch_uid=uid + ".save")
    post_delete.connect(changed, sender=model, weak=False, dispatch_uid=uid + ".delete")
