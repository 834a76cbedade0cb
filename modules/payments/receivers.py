"""Billing follows memberships: joining a paid group opens a monthly schedule; leaving or moving
closes it (the new group's membership opens its own)."""

from __future__ import annotations

from modules.payments import schedule_services


def on_membership_changed(sender, membership, change, actor=None, **kwargs):
    if change == "joined":
        schedule_services.schedule_open_for_membership(membership=membership)
    elif change in ("left", "moved"):
        schedule_services.schedules_close_for_membership(membership=membership, on=membership.left_on)
