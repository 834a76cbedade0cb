"""Real-time events this module emits (CONTRACT.md: `notification.created` on `user:<id>`)."""

from __future__ import annotations

from realtime import publish_on_commit
from realtime.groups import user_channel


def notification_created(notification) -> None:
    from modules.notifications.schemas import NotificationOut

    publish_on_commit(
        channel=user_channel(notification.user_id),
        type="notification.created",
        data=NotificationOut.from_orm(notification).model_dump(mode="json"),
    )
