from __future__ import annotations

from django.core.cache import cache
from django.db import transaction

from modules.audit.models import SystemSettings

CACHE_KEY = "audit:system-settings:v1"


def get_system_settings() -> SystemSettings:
    """The settings row, from the cache when possible (one query at most per change)."""
    cached = cache.get(CACHE_KEY)
    if cached is not None:
        return cached
    obj, _ = SystemSettings.objects.get_or_create(pk=1)
    cache.set(CACHE_KEY, obj, 300)
    return obj


def invalidate_system_settings() -> None:
    cache.delete(CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(CACHE_KEY))
