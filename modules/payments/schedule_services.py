"""Writes to billing schedules: the API and the membership receivers share these."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.exceptions import Conflict, ValidationFailed
from modules.center.selectors import get_system_settings
from modules.courses.models import Membership
from modules.payments.models import PaymentSchedule


def _validate_range(active_from: date, active_to: date | None) -> None:
    if active_to is not None and active_to < active_from:
        raise ValidationFailed.field("active_to", _("active_to must not be before active_from."))


def _save(schedule: PaymentSchedule) -> PaymentSchedule:
    try:
        with transaction.atomic():
            schedule.save()
    except IntegrityError as exc:
        raise Conflict(
            _("This membership already has an active billing schedule."), code="schedule_exists"
        ) from exc
    return schedule


def schedule_create(
    *,
    membership: Membership,
    amount: int | None = None,
    due_day: int = 5,
    active_from: date | None = None,
    active_to: date | None = None,
) -> PaymentSchedule:
    if membership.status == Membership.Status.LEFT:
        raise Conflict(_("The student has left this group."), code="membership_left")
    if not 1 <= due_day <= 28:
        raise ValidationFailed.field("due_day", _("due_day must be between 1 and 28."))
    active_from = active_from or membership.joined_on
    _validate_range(active_from, active_to)
    return _save(
        PaymentSchedule(
            membership=membership,
            amount=amount,
            due_day=due_day,
            active_from=active_from,
            active_to=active_to,
        )
    )


def schedule_update(*, schedule: PaymentSchedule, **changes) -> PaymentSchedule:
    for name in ("amount", "due_day", "active_from", "active_to", "is_active"):
        if name in changes:
            value = changes[name]
            if value is None and name in ("due_day", "active_from", "is_active"):
                continue
            setattr(schedule, name, value)
    _validate_range(schedule.active_from, schedule.active_to)
    if schedule.is_active and schedule.membership.status == Membership.Status.LEFT:
        raise Conflict(_("The student has left this group."), code="membership_left")
    return _save(schedule)


def schedule_delete(*, schedule: PaymentSchedule) -> None:
    """Invoices it generated stay (their schedule becomes empty)."""
    schedule.delete()


def schedules_close_for_membership(*, membership: Membership, on: date | None) -> int:
    """The student left (or moved): stop billing after their last day."""
    last_day = (on - timedelta(days=1)) if on else None
    closed = 0
    for schedule in PaymentSchedule.objects.filter(membership=membership, is_active=True):
        schedule.is_active = False
        if last_day is not None and (schedule.active_to is None or schedule.active_to > last_day):
            schedule.active_to = max(last_day, schedule.active_from)
        schedule.save(update_fields=["is_active", "active_to", "updated_at"])
        closed += 1
    return closed


def schedule_open_for_membership(*, membership: Membership) -> PaymentSchedule | None:
    """A student joined a paid group: bill them monthly from the day they joined."""
    if membership.status == Membership.Status.LEFT or membership.group.monthly_price <= 0:
        return None
    if PaymentSchedule.objects.filter(membership=membership, is_active=True).exists():
        return None
    due_day = min(max(get_system_settings().billing_due_day, 1), 28)
    try:
        with transaction.atomic():
            return PaymentSchedule.objects.create(
                membership=membership, due_day=due_day, active_from=membership.joined_on
            )
    except IntegrityError:  # a concurrent join already opened it
        return None
