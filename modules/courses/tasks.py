"""Roster upkeep in the worker."""

from __future__ import annotations

from modules.courses.services.roster import memberships_sync_status


def sync_membership_status() -> int:
    """Nightly: memberships read `frozen` exactly on days a freeze period covers."""
    return memberships_sync_status()
