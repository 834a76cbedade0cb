from __future__ import annotations

from datetime import date, datetime, time

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import NotFound
from modules.audit.models import AuditLog
from modules.center.selectors import center_zone


def audit_log_list(
    *,
    actor: int | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    action: str | None = None,
    date_from: date | datetime | None = None,
    date_to: date | datetime | None = None,
) -> QuerySet[AuditLog]:
    """Newest first. Dates are days in the center's time zone, both ends inclusive."""
    qs = AuditLog.objects.select_related("actor")
    if actor is not None:
        qs = qs.filter(actor_id=actor)
    if object_type:
        qs = qs.filter(object_type=object_type.lower())
    if object_id:
        qs = qs.filter(object_id=object_id)
    if action:
        qs = qs.filter(action=action)
    if date_from is not None:
        qs = qs.filter(created_at__gte=_moment(date_from, end_of_day=False))
    if date_to is not None:
        qs = qs.filter(created_at__lte=_moment(date_to, end_of_day=True))
    return qs.order_by("-created_at", "-id")


def _moment(value: date | datetime, *, end_of_day: bool) -> datetime:
    zone = center_zone()
    if isinstance(value, datetime):
        return value if timezone.is_aware(value) else value.replace(tzinfo=zone)
    day_time = time.max if end_of_day else time.min
    return datetime.combine(value, day_time, tzinfo=zone)


def audit_log_get(entry_id: int) -> AuditLog:
    entry = AuditLog.objects.select_related("actor").filter(pk=entry_id).first()
    if entry is None:
        raise NotFound(_("No such audit log entry."))
    return entry
