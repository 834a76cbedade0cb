from __future__ import annotations

from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from modules.center.models import SystemSettings

CACHE_KEY = "center:system-settings:v2"
CURRENCY = "UZS"  # money is integer tiyin of UZS everywhere (docs/api.md)


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


def center_zone() -> ZoneInfo:
    """The center's time zone: the one answer for schedules, generation, billing, deadlines, quiet
    hours, reports and the dashboard. It is the deployment's TIME_ZONE, which is also Django's
    current zone, so `timezone.localdate()` and this agree."""
    return ZoneInfo(settings.TIME_ZONE)


def center_profile() -> dict:
    """What every signed-in user's client needs to show dates, times and money the center's way:
    times come back in UTC, while date filters and schedules are the center's local days."""
    zone = center_zone()
    now = timezone.now().astimezone(zone)
    return {
        "name": get_system_settings().center_name,
        "time_zone": settings.TIME_ZONE,
        "utc_offset": now.isoformat()[-6:],  # "+05:00"
        "today": now.date(),
        "now": now.replace(microsecond=0),
        "currency": CURRENCY,
        "currency_minor_units": 100,
        "default_language": settings.LANGUAGE_CODE,
        "languages": [{"code": code, "name": name} for code, name in settings.LANGUAGES],
    }
