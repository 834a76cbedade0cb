"""Open WebSockets hear when the account behind them changes (realtime/control.py): a deactivated,
deleted or demoted user's socket re-checks itself, and so does a parent's when a child is unlinked.
Connected in AccountsConfig.ready for every save, whichever path (API, admin, shell) made it."""

from __future__ import annotations

from realtime.control import recheck_on_commit


def user_changed(sender, instance, created=False, raw=False, **kwargs) -> None:
    if not created and not raw:
        recheck_on_commit(user_id=instance.pk)


def guardianship_removed(sender, instance, **kwargs) -> None:
    recheck_on_commit(user_id=instance.parent_id)
