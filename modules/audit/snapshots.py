"""Turning model instances into what the audit log stores: JSON-safe field values, secrets masked,
and the difference between two snapshots."""

from __future__ import annotations

import copy
import functools
import json
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver

MASK = "***"
MAX_TEXT = 1000  # long texts (transcripts, bodies) are cut: the log says what changed, not a copy

# Noisy or internal models, never logged (plus settings.AUDIT_EXCLUDED_MODELS).
EXCLUDED_MODELS = frozenset(
    {
        "audit.auditlog",
        "admin.logentry",
        "sessions.session",
        "contenttypes.contenttype",
        "auth.permission",
        "accounts.refreshtoken",
        "accounts.onetimetoken",
        "django_q.ormq",
        "django_q.task",
        "core.idempotencyrecord",  # a stored answer to replay (whole response bodies), kept a day
    }
)
# Rows derived from another write, or that are an append-only trail of their own: auditing them again
# wrote dozens of entries per attendance mark. The write that caused them has its own entry (the
# domain action, e.g. "attendance.marked"), and each of these keeps its own history.
DERIVED_MODELS = frozenset(
    {
        "gamification.cointransaction",  # the coin ledger is append-only
        "gamification.studentcoin",  # a cache of the ledger
        "gamification.attendancemark",  # gamification's projection of attendance
        "gamification.studentachievement",
        "gamification.leaderboardsnapshot",
        "attendance.attendancerecord",  # marks: attendance.attendancechange is their history
        "attendance.attendancechange",
        "notifications.notification",
        "notifications.notificationlog",
        "payments.paymenthistory",  # an invoice's own append-only status history
        "payments.paymentrecord",  # money in and out: append-only, with its cashier and receipt
        # the gateways' protocol records: their states and times are their history
        "payments.paymetransaction",
        "payments.clicktransaction",
        "payments.uzumtransaction",
    }
)
# Bookkeeping fields whose change alone is not worth an entry.
IGNORED_FIELDS = frozenset({"last_login", "updated_at", "modified_at"})
_SECRET_PARTS = ("password", "token", "secret", "hash", "api_key", "private")


def model_label(model: type[models.Model]) -> str:
    return model._meta.concrete_model._meta.label_lower


@functools.cache
def is_audited(model: type[models.Model]) -> bool:
    """Asked for every instance a request loads (post_init), so answered once per model."""
    if model._meta.auto_created:  # implicit m2m through tables: recorded as m2m changes instead
        return False
    label = model_label(model)
    if label in EXCLUDED_MODELS or label in DERIVED_MODELS:
        return False
    return label not in getattr(settings, "AUDIT_EXCLUDED_MODELS", ())


@receiver(setting_changed)
def _forget_audited_models(*, setting: str, **kwargs) -> None:
    if setting == "AUDIT_EXCLUDED_MODELS":
        is_audited.cache_clear()


def is_secret(field_name: str) -> bool:
    name = field_name.lower()
    return any(part in name for part in _SECRET_PARTS) or name == "key" or name.endswith("_key")


def jsonable(value: Any) -> Any:
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or None
    if isinstance(value, str) and len(value) > MAX_TEXT:
        return value[:MAX_TEXT] + "…"
    try:
        return json.loads(json.dumps(value, cls=DjangoJSONEncoder))
    except (TypeError, ValueError):
        return str(value)


@functools.cache
def _fields(model: type[models.Model]) -> tuple[tuple[str, str, bool, models.Field], ...]:
    """(name, attname, is secret, field) of a model's stored fields but the primary key, once per model."""
    return tuple(
        (f.name, f.attname, is_secret(f.name), f) for f in model._meta.concrete_fields if not f.primary_key
    )


@functools.cache
def _load_plan(model: type[models.Model]) -> tuple[tuple[str, str, bool], ...]:
    """(name, attname, is a file field) of the fields loaded_values takes, once per model."""
    return tuple(
        (name, attname, isinstance(field, models.FileField)) for name, attname, _, field in _fields(model)
    )


def loaded_values(instance: models.Model) -> dict[str, Any]:
    """The stored values as they are now, unencoded: cheap enough to take for every instance an
    audited request loads (most are never saved; snapshot_of encodes only those that are), so read
    straight from the instance's __dict__. Mutable values (JSON dicts and lists) are copied so an
    in-place change still shows as a change; a deferred field is absent from __dict__ and skipped:
    touching one would cost a query for every instance loaded."""
    state = instance.__dict__
    values: dict[str, Any] = {}
    for name, attname, is_file in _load_plan(type(instance)):
        if attname not in state:
            continue
        value = state[attname]
        if is_file:
            value = getattr(instance, attname).name or None
        elif isinstance(value, dict | list):
            value = copy.deepcopy(value)
        values[name] = value
    return values


def snapshot_of(instance: models.Model, values: dict[str, Any]) -> dict[str, Any]:
    """Field name -> JSON-able stored value (foreign keys as ids, secrets masked)."""
    return {
        name: MASK if secret and values[name] else jsonable(values[name])
        for name, _attname, secret, _field in _fields(type(instance))
        if name in values
    }


def secrets_of(instance: models.Model, values: dict[str, Any]) -> dict[str, Any]:
    """The raw (hashed) values of secret fields, kept in memory only to detect a change."""
    return {
        name: values[name] for name, _a, secret, _f in _fields(type(instance)) if secret and name in values
    }


def snapshot(instance: models.Model) -> dict[str, Any]:
    return snapshot_of(instance, loaded_values(instance))


def _ignored(instance: models.Model, name: str) -> bool:
    if name in IGNORED_FIELDS:
        return True
    field = instance._meta.get_field(name)
    return bool(getattr(field, "auto_now", False))


def diff(instance: models.Model, before: dict[str, Any] | None, after: dict[str, Any]) -> dict[str, list]:
    """{field: [before, after]} for fields that changed (a changed secret shows as ["***", "***"])."""
    if before is None:
        return {
            k: [None, v]
            for k, v in after.items()
            if v not in (None, "", [], {}) and not _ignored(instance, k)
        }
    changed = {}
    for name, new in after.items():
        if name not in before or _ignored(instance, name):
            continue
        old = before[name]
        if is_secret(name):
            # a masked snapshot cannot tell a change apart; compare the raw values instead
            continue
        if old != new:
            changed[name] = [old, new]
    return changed


def secret_changes(instance: models.Model, raw_before: dict[str, Any] | None) -> dict[str, list]:
    """Secrets that changed, as ["***", "***"]: the log says the password changed, never to what."""
    if not raw_before:
        return {}
    out = {}
    for field in instance._meta.concrete_fields:
        name = field.name
        if is_secret(name) and name in raw_before and raw_before[name] != field.value_from_object(instance):
            out[name] = [MASK, MASK]
    return out


def raw_secrets(instance: models.Model) -> dict[str, Any]:
    return secrets_of(instance, loaded_values(instance))


def short_repr(instance: models.Model) -> str:
    try:
        return str(instance)[:200]
    except Exception:  # a __str__ that follows a deleted relation must not break the write
        return f"{model_label(type(instance))}#{instance.pk}"
