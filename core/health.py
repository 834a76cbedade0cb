"""/healthz says the process is alive; /readyz checks what it depends on and which providers are on."""

from __future__ import annotations

import os
import time
from datetime import timedelta

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET


@require_GET
def healthz(request):
    return JsonResponse({"status": "ok"})


def _timed(check) -> dict:
    started = time.perf_counter()
    try:
        extra = check() or {}
        return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 2), **extra}
    except Exception as exc:  # a readiness probe reports failures, it does not raise them
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"engine": connection.vendor}


def _cache():
    cache.set("readyz:probe", "1", 10)
    if cache.get("readyz:probe") != "1":
        raise RuntimeError("cache did not return what was written")
    return {"backend": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]}


def _channel_layer():
    layer = get_channel_layer()
    async_to_sync(layer.group_send)("readyz.probe", {"type": "readyz.probe"})
    return {"backend": type(layer).__name__}


FAILURE_WINDOW = timedelta(hours=24)


def _queue():
    """The backlog, and the tasks that failed (each failed run of a task that is retried, and the
    final failures): reported, not a readiness failure, since the web process can serve without them."""
    from django_q.models import Failure, OrmQ

    since = timezone.now() - FAILURE_WINDOW
    failures = Failure.objects.filter(stopped__gte=since)
    return {
        "backlog": OrmQ.objects.count(),
        "failures_24h": failures.count(),
        "failing_tasks_24h": sorted(set(failures.values_list("func", flat=True)[:1000]))[:20],
    }


_migrated = False


def _migrations():
    """Unapplied migrations mean this code runs against an older schema: not ready. Once none are
    left the answer is kept, since a running process's code cannot gain migrations."""
    global _migrated
    if not _migrated:
        from django.db.migrations.executor import MigrationExecutor

        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if pending:
            raise RuntimeError(f"{len(pending)} migration(s) not applied")
        _migrated = True
    return {"pending": 0}


def _storage():
    from django.core.files.storage import default_storage

    backend = type(default_storage).__name__
    location = getattr(default_storage, "location", None)
    if settings.STORAGE_S3_BUCKET or location is None:
        return {"backend": backend}  # remote storage: checked by the provider itself on use
    os.makedirs(location, exist_ok=True)
    if not os.access(location, os.W_OK):
        raise RuntimeError(f"{location} is not writable")
    return {"backend": backend}


def provider_status() -> dict[str, bool]:
    return {
        "payme": bool(settings.PAYME_MERCHANT_ID and settings.PAYME_KEY),
        "eskiz": bool(settings.ESKIZ_EMAIL and settings.ESKIZ_PASSWORD),
        "telegram": bool(settings.TELEGRAM_BOT_TOKEN),
        "openai": bool(settings.OPENAI_API_KEY),
        "email": not settings.EMAIL_BACKEND.endswith(("console.EmailBackend", "dummy.EmailBackend")),
        "s3": bool(settings.STORAGE_S3_BUCKET),
    }


@require_GET
def readyz(request):
    checks = {
        "database": _timed(_database),
        "cache": _timed(_cache),
        "channel_layer": _timed(_channel_layer),
        "queue": _timed(_queue),
        "migrations": _timed(_migrations),
        "storage": _timed(_storage),
    }
    ready = all(c["ok"] for c in checks.values())
    providers = {name: ("enabled" if on else "disabled") for name, on in provider_status().items()}
    body = {"status": "ok" if ready else "unavailable", "checks": checks, "providers": providers}
    return JsonResponse(body, status=200 if ready else 503)
