"""Turning model instances into what the audit log stores: JSON-safe field values, secrets masked,
and the difference between two snapshots."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

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
        "payments.paymetransaction",  # Payme's protocol record: its states and times are its history
    }
)
# Bookkeeping fields whose change alone is not worth an entry.
IGNORED_FIELDS = frozenset({"last_login", "updated_at", "modified_at"})
_SECRET_PARTS = ("password", "token", "secret", "hash", "api_key", "private")


def model_label(model: type[models.Model]) -> str:
    return model._meta.concrete_model._meta.label_lower


def is_audited(model: type[models.Model]) -> bool:
    if model._meta.auto_created:  # implicit m2m through tables: recorded as m2m changes instead
        return False
    label = model_label(model)
    if label in EXCLUDED_MODELS or label in DERIVED_MODELS:
        return False
    return label not in getattr(settings, "AUDIT_EXCLUDED_MODELS", ())


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


def snapshot(instance: models.Model) -> dict[str, Any]:
    """Field name -> stored value (foreign keys as ids), skipping deferred fields: touching one would
    cost a query for every instance loaded."""
    deferred = instance.get_deferred_fields()
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.primary_key or field.attname in deferred:
            continue
        value = field.value_from_object(instance)
        data[field.name] = MASK if is_secret(field.name) and value else jsonable(value)
    return data


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
    """The current (hashed) values of secret fields, kept in memory only to detect a change."""
    deferred = instance.get_deferred_fields()
    return {
        f.name: f.value_from_object(instance)
        for f in instance._meta.concrete_fields
        if is_secret(f.name) and f.attname not in deferred
    }


def short_repr(instance: models.Model) -> str:
    try:
        return str(instance)[:200]
    except Exception:  # a __str__ that follows a deleted relation must not break the write
        return f"{model_label(type(instance))}#{instance.pk}"
