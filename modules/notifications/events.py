"""Real-time events this module emits (`notification.created` on `user:<id>`), sent after commit;
many at once (a broadcast, a task's batch) leave together in one batch."""

from __future__ import annotations

from realtime import publish_many_on_commit
from realtime.groups import user_channel


def _data(notification) -> dict:
    from modules.notifications.schemas import NotificationOut

    return NotificationOut.from_orm(notification).model_dump(mode="json")


def notifications_created(notifications) -> None:
    publish_many_on_commit(
        [
            {"channel": user_channel(n.user_id), "type": "notification.created", "data": _data(n)}
            for n in notifications
        ]
    )
