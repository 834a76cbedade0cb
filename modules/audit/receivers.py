"""Model signal receivers that turn writes made inside an audit context (an API or admin write
request) into AuditLog entries. Outside a context (reads, the worker, the shell) they do nothing.

Snapshots are taken when an instance is loaded (post_init), so an update costs no extra query; an
instance that was never loaded in this request (e.g. one from the cache) is read once in pre_save."""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_init, post_save, pre_save

from modules.audit import services
from modules.audit.context import current
from modules.audit.snapshots import (
    diff,
    is_audited,
    loaded_values,
    model_label,
    raw_secrets,
    secret_changes,
    secrets_of,
    short_repr,
    snapshot,
    snapshot_of,
)

_LOADED = "_audit_loaded"  # raw values at load time; encoded only if the instance is saved
_BEFORE = "_audit_before"
_SECRETS = "_audit_secrets"


def _remember(instance) -> None:
    setattr(instance, _LOADED, loaded_values(instance))


def _before(instance):
    """The instance's snapshot from when it was loaded (or last saved), or None when unknown."""
    if hasattr(instance, _BEFORE):
        return getattr(instance, _BEFORE)
    values = getattr(instance, _LOADED, None)
    return None if values is None else snapshot_of(instance, values)


def _secrets_before(instance):
    if hasattr(instance, _SECRETS):
        return getattr(instance, _SECRETS)
    values = getattr(instance, _LOADED, None)
    return None if values is None else secrets_of(instance, values)


def on_post_init(sender, instance, **kwargs):
    if current() is not None and is_audited(sender):
        _remember(instance)


def on_pre_save(sender, instance, raw=False, **kwargs):
    if raw or current() is None or not is_audited(sender) or instance.pk is None:
        return
    if not (hasattr(instance, _LOADED) or hasattr(instance, _BEFORE)) or instance._state.adding:
        stored = type(instance)._base_manager.filter(pk=instance.pk).first()
        if stored is not None:
            setattr(instance, _BEFORE, _before(stored) or snapshot(stored))
            setattr(instance, _SECRETS, raw_secrets(stored))
        else:
            setattr(instance, _BEFORE, None)


def on_post_save(sender, instance, created, raw=False, **kwargs):
    ctx = current()
    if raw or ctx is None or not is_audited(sender):
        return
    after = snapshot(instance)
    before = None if created else _before(instance)
    changes = diff(instance, before, after)
    if before is not None:
        changes.update(secret_changes(instance, _secrets_before(instance)))
    action = "create" if created or before is None else "update"
    # a second save in the same request diffs against this one
    setattr(instance, _BEFORE, after)
    setattr(instance, _SECRETS, raw_secrets(instance))
    if action == "update" and not changes:
        return
    services.audit_entry_create(
        ctx=ctx,
        action=ctx.action_labels[-1] if ctx.action_labels else action,
        object_type=model_label(sender),
        object_id=instance.pk,
        object_repr=short_repr(instance),
        changes=changes,
    )


def on_post_delete(sender, instance, **kwargs):
    ctx = current()
    if ctx is None or not is_audited(sender):
        return
    before = _before(instance) or snapshot(instance)
    services.audit_entry_create(
        ctx=ctx,
        action=ctx.action_labels[-1] if ctx.action_labels else "delete",
        object_type=model_label(sender),
        object_id=instance.pk,
        object_repr=short_repr(instance),
        changes={k: [v, None] for k, v in before.items() if v not in (None, "", [], {})},
    )


def on_m2m_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    """Implicit many-to-many rows (a user's groups, permissions) as an update of the owning side."""
    ctx = current()
    if ctx is None or action not in ("post_add", "post_remove", "pre_clear"):
        return
    if not is_audited(type(instance)):
        return
    if action == "pre_clear":
        field = _m2m_field(instance, sender, reverse)
        pk_set = set(getattr(instance, field).values_list("pk", flat=True)) if field else set()
    if not pk_set:
        return
    name = _m2m_field(instance, sender, reverse) or model_label(model)
    change = {"added": sorted(pk_set)} if action == "post_add" else {"removed": sorted(pk_set)}
    services.audit_entry_create(
        ctx=ctx,
        action=ctx.action_labels[-1] if ctx.action_labels else "update",
        object_type=model_label(type(instance)),
        object_id=instance.pk,
        object_repr=short_repr(instance),
        changes={name: change},
    )


def _m2m_field(instance, through, reverse: bool) -> str | None:
    if not reverse:
        for field in instance._meta.many_to_many:
            if field.remote_field.through is through:
                return field.name
        return None
    for rel in instance._meta.related_objects:
        if rel.many_to_many and rel.through is through:
            return rel.get_accessor_name()
    return None


def connect() -> None:
    uid = "audit"
    post_init.connect(on_post_init, dispatch_uid=f"{uid}.post_init")
    pre_save.connect(on_pre_save, dispatch_uid=f"{uid}.pre_save")
    post_save.connect(on_post_save, dispatch_uid=f"{uid}.post_save")
    post_delete.connect(on_post_delete, dispatch_uid=f"{uid}.post_delete")
    m2m_changed.connect(on_m2m_changed, dispatch_uid=f"{uid}.m2m_changed")
