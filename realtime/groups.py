"""Channel names ("group:12", "user:7", "dashboard") mapped to channel-layer group names, which must
be ASCII, shorter than 100 characters and limited to [A-Za-z0-9._-]."""

from __future__ import annotations

import re

CHANNEL_KEY = r"[A-Za-z0-9_-]{1,48}"  # what follows "kind:"
CHANNEL_PATTERN = rf"^[a-z_]{{1,32}}(:{CHANNEL_KEY})?$"
_CHANNEL = re.compile(CHANNEL_PATTERN)


def is_valid_channel(channel: str) -> bool:
    return bool(isinstance(channel, str) and _CHANNEL.match(channel))


def channel_kind(channel: str) -> str:
    """ "group" for "group:12", "dashboard" for "dashboard"."""
    return channel.partition(":")[0]


def group_name(channel: str) -> str:
    if not is_valid_channel(channel):
        raise ValueError(f"invalid channel name: {channel!r}")
    return "rt." + channel.replace(":", ".")


def user_channel(user_id: int) -> str:
    return f"user:{user_id}"


def group_channel(group_id: int) -> str:
    return f"group:{group_id}"


def group_staff_channel(group_id: int) -> str:
    """The group's staff channel (its teacher, admins): what only staff may see, e.g. the full
    attendance sheet with phones and notes."""
    return f"group_staff:{group_id}"


DASHBOARD = "dashboard"


def dashboard_channels(branch_id: int | None) -> list[str]:
    """Where a dashboard event goes: `dashboard` (the director's, every branch) and the branch's own
    `dashboard:<branch id>` (its branch admins'), so that no branch admin hears another branch."""
    return [DASHBOARD] if branch_id is None else [DASHBOARD, f"{DASHBOARD}:{branch_id}"]
