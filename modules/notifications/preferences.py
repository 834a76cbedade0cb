"""Which channels a user gets a kind on: their role's defaults (the notification-defaults settings section)
overridden by their own NotificationPreference rows. A parent's own preferences decide the alerts
about their children, since the parent is the recipient."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from modules.center.sections import with_defaults
from modules.center.selectors import center_zone, get_system_settings
from modules.notifications.kinds import Channel
from modules.notifications.models import NotificationPreference


def role_defaults(role: str, defaults: dict | None = None) -> set[str]:
    if defaults is None:
        defaults = with_defaults("notification_defaults", get_system_settings().notification_defaults)
    valid = set(Channel.values)
    return {c for c in defaults.get(role, [Channel.IN_APP]) if c in valid}


def channels_for(users: Iterable, kind: str) -> dict[int, set[str]]:
    """{user id: enabled channels} for many users in one query."""
    users = list(users)
    overrides: dict[int, dict[str, bool]] = defaultdict(dict)
    rows = NotificationPreference.objects.filter(user_id__in=[u.pk for u in users], kind=kind).values_list(
        "user_id", "channel", "enabled"
    )
    for user_id, channel, enabled in rows:
        overrides[user_id][channel] = enabled
    defaults = with_defaults("notification_defaults", get_system_settings().notification_defaults)
    by_role = {role: role_defaults(role, defaults) for role in {u.role for u in users}}
    result: dict[int, set[str]] = {}
    for user in users:
        channels = set(by_role[user.role])
        for channel, enabled in overrides[user.pk].items():
            (channels.add if enabled else channels.discard)(channel)
        result[user.pk] = channels
    return result


def quiet_until(now: datetime) -> datetime | None:
    """The end of the center's quiet hours if `now` falls inside them (center time zone), else None."""
    settings_row = get_system_settings()
    start, end = settings_row.quiet_hours_start, settings_row.quiet_hours_end
    if start is None or end is None or start == end:
        return None
    local = now.astimezone(center_zone())
    t = local.time()
    if start < end:
        inside = start <= t < end
        end_day = local.date()
    else:  # the window spans midnight, e.g. 22:00-08:00
        inside = t >= start or t < end
        end_day = local.date() + timedelta(days=1) if t >= start else local.date()
    if not inside:
        return None
    return datetime.combine(end_day, end, tzinfo=center_zone())
