"""payments hears courses' membership changes and only enqueues: the task reads the membership as it
is when it runs (membership_billing.py), so this never slows or breaks the sender's transaction."""

from __future__ import annotations

from core.tasks import enqueue


def on_membership_changed(sender, event, **kwargs):
    enqueue("modules.payments.tasks.sync_membership_billing", event.membership_id, event.change)
