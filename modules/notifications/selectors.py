from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from core.exceptions import NotFound
from modules.courses.branches import is_branch_admin, people_visible_to
from modules.notifications.kinds import ACCOUNT_KINDS, Channel, Kind
from modules.notifications.models import Notification, NotificationLog, NotificationPreference, TelegramLink
from modules.notifications.preferences import role_defaults


def notification_list(*, user, unread: bool | None = None, kind: str | None = None) -> QuerySet[Notification]:
    qs = Notification.objects.filter(user=user)
    if unread is True:
        qs = qs.filter(read_at__isnull=True)
    elif unread is False:
        qs = qs.filter(read_at__isnull=False)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-created_at", "-id")


def notification_get(*, user, notification_id: int) -> Notification:
    """One of the user's own notifications; anybody else's is a 404."""
    notification = Notification.objects.filter(user=user, pk=notification_id).first()
    if notification is None:
        raise NotFound(_("Notification not found."))
    return notification


def unread_count(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def preference_matrix(*, user) -> list[dict]:
    """Every kind a user can tune, with its effective channels and which ones they customised."""
    defaults = role_defaults(user.role)
    custom: dict[str, dict[str, bool]] = {}
    for kind, channel, enabled in NotificationPreference.objects.filter(user=user).values_list(
        "kind", "channel", "enabled"
    ):
        custom.setdefault(kind, {})[channel] = enabled
    rows = []
    for kind in Kind:
        if kind in ACCOUNT_KINDS:
            continue
        overrides = custom.get(kind.value, {})
        channels = {c: overrides.get(c, c in defaults) for c in Channel.values}
        rows.append(
            {
                "kind": kind.value,
                "label": str(kind.label),
                "channels": channels,
                "customized": sorted(overrides),
            }
        )
    return rows


def telegram_status(*, user) -> dict:
    from modules.notifications.providers import telegram

    link = TelegramLink.objects.filter(user=user).first()
    return {
        "enabled": telegram.enabled(),
        "linked": link is not None,
        "linked_at": link.linked_at if link else None,
        "username": link.username if link else "",
    }


def log_list(
    viewer,
    *,
    user_id: int | None = None,
    channel: str | None = None,
    status: str | None = None,
    kind: str | None = None,
) -> QuerySet[NotificationLog]:
    qs = NotificationLog.objects.all()
    if is_branch_admin(viewer):  # deliveries to the people of their branches only
        qs = qs.filter(user__in=people_visible_to(viewer).values("pk"))
    if user_id:
        qs = qs.filter(user_id=user_id)
    if channel:
        qs = qs.filter(channel=channel)
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-created_at", "-id")
