"""Real-time events this module emits (CONTRACT.md: `notification.created` on `user:<id>`)."""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from realtime import publish_on_commit
from realtime.groups import group_name, user_channel
from realtime.publish import encode, layer_message, make_envelope

logger = logging.getLogger("markaz.notifications")


def _data(notification) -> dict:
    from modules.notifications.schemas import NotificationOut

    return NotificationOut.from_orm(notification).model_dump(mode="json")


def notifications_created(notifications) -> None:
    """`notification.created` for each stored notification, after commit. Many at once (a broadcast)
    go out in one event-loop pass: a loop per event would cost a millisecond or more each."""
    notifications = list(notifications)
    if len(notifications) == 1:
        note = notifications[0]
        publish_on_commit(channel=user_channel(note.user_id), type="notification.created", data=_data(note))
        return
    if not notifications:
        return
    messages = []
    for note in notifications:
        envelope = make_envelope(
            channel=user_channel(note.user_id), type="notification.created", data=_data(note)
        )
        messages.append((group_name(envelope["channel"]), layer_message(envelope, encode(envelope))))
    transaction.on_commit(lambda: _send_all(messages))


def _send_all(messages) -> None:
    layer = get_channel_layer()
    if layer is None:
        return

    async def send():
        for group, message in messages:
            await layer.group_send(group, message)

    try:
        async_to_sync(send)()
    except Exception:  # a dead layer must never break the write that already committed
        logger.exception("could not publish %d notification events", len(messages))
