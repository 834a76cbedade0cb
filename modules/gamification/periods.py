"""Leaderboard and badge periods, in the center's time zone (settings.TIME_ZONE): a week starts on
Monday 00:00 local time, a month on the 1st at 00:00 local time."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

PERIODS = ("week", "month", "all")


def local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def period_start_date(period: str, now: datetime | None = None) -> date | None:
    today = timezone.localdate(now or timezone.now())
    if period == "week":
        return today - timedelta(days=today.weekday())
    if period == "month":
        return today.replace(day=1)
    return None


def period_start(period: str, now: datetime | None = None) -> datetime | None:
    """The aware instant the current `period` began (None for all time)."""
    day = period_start_date(period, now)
    return local_midnight(day) if day is not None else None


def previous_week(now: datetime | None = None) -> tuple[datetime, datetime, str]:
    """(start, end, key) of the last complete local week; key like "2026-W47"."""
    this_week = period_start_date("week", now)
    start_day = this_week - timedelta(days=7)
    iso = start_day.isocalendar()
    return local_midnight(start_day), local_midnight(this_week), f"{iso.year}-W{iso.week:02d}"


def previous_month(now: datetime | None = None) -> tuple[datetime, datetime, str]:
    """(start, end, key) of the last complete local month; key like "2026-10"."""
    this_month = period_start_date("month", now)
    start_day = (this_month - timedelta(days=1)).replace(day=1)
    return local_midnight(start_day), local_midnight(this_month), f"{start_day:%Y-%m}"
