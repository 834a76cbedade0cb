"""Billing follows memberships. courses' `membership_changed` only enqueues
`tasks.sync_membership_billing(membership_id, change)`; this runs in the worker, reads the current
rows (never the signal's payload) and is idempotent: a second run finds the schedules already
opened or closed and the credit notes already written.

- joined: a paid group opens a monthly schedule from the day they joined.
- left: the schedule closes after their last day.
- moved: the signal names the NEW membership; its moved_from is the closed one. The old group's
  schedule ends the day before the move and any issued month of it is credited for the days from
  the move on; the new group's schedule opens from the day they joined it and bills its first
  month(s) straight away (the nightly generation would otherwise leave them unbilled until then).
- frozen: months already invoiced are credited for the frozen days (credits.py); months not issued
  yet leave the frozen days out when they are generated."""

from __future__ import annotations

from django.db import transaction

from modules.courses.models import Membership
from modules.payments import billing, credits, schedule_services

CHANGES = ("joined", "left", "moved", "frozen", "unfrozen")


@transaction.atomic
def membership_billing_sync(*, membership_id: int, change: str) -> dict:
    membership = Membership.objects.select_related("group").filter(pk=membership_id).first()
    if membership is None or change not in CHANGES:
        return {}
    if change == "joined":
        opened = schedule_services.schedule_open_for_membership(membership=membership)
        return {"opened": int(opened is not None)}
    if change == "left":
        return {"closed": _close(membership)}
    if change == "moved":
        return _move(membership)
    if change == "frozen":
        return {"credited_days": credits.credits_for_membership(membership_id=membership.pk).days}
    return {}  # unfrozen: later months are generated with the shorter freeze; credits stay


def _close(membership: Membership) -> int:
    return schedule_services.schedules_close_for_membership(membership=membership, on=membership.left_on)


def _move(membership: Membership) -> dict:
    out = {"closed": 0, "credited_days": 0, "opened": 0, "invoiced": 0}
    old = Membership.objects.filter(pk=membership.moved_from_id).first()
    if old is not None:
        out["closed"] = _close(old)
        out["credited_days"] = credits.credits_for_membership(membership_id=old.pk).days
    schedule = schedule_services.schedule_open_for_membership(membership=membership)
    if schedule is not None:
        out["opened"] = 1
    open_ids = list(membership.payment_schedules.filter(is_active=True).values_list("pk", flat=True))
    if open_ids:
        out["invoiced"] = billing.generate_invoices(schedule_ids=open_ids).created
    return out
