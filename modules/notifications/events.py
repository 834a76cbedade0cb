"""Real-time events this module emits (`notification.created` on `user:<id>`), sent after commit;
many at once (a broadcast, a task's batch) leave together in one batch."""

from __future__ import annotations

from modules.notifications.schemas import NotificationOut
from realtime import event_type, publish_many_on_commit
from realtime.groups import user_channel

NOTIFICATION_CREATED = event_type(
    "notification.created",
    NotificationOut,
    channels=("user",),
    summary="a notification for that user was stored (as GET /notifications lists it)",
)


def notifications_created(notifications) -> None:
    publish_many_on_commit(
        [
            {
                "channel": user_channel(n.user_id),
                "type": NOTIFICATION_CREATED.name,
                "data": NotificationOut.from_orm(n),
            }
            for n in notifications
        ]
    )
