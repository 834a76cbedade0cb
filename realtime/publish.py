"""publish_on_commit(): the one way code tells WebSocket clients that something changed.

The event leaves only after the surrounding transaction commits, so no client ever hears of data that
was rolled back. With Redis configured it reaches clients of every process (web or worker)."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from realtime.groups import group_name

logger = logging.getLogger("markaz.realtime")


def make_envelope(*, channel: str, type: str, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": type,
        "channel": channel,
        "id": str(uuid.uuid4()),
        "ts": datetime.now(UTC).isoformat(),
        "data": data,
    }


def send_now(envelope: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(
            group_name(envelope["channel"]), {"type": "realtime.event", "event": envelope}
        )
    except Exception:  # a dead layer must never break the write that already committed
        logger.exception("could not publish %s on %s", envelope["type"], envelope["channel"])


def publish_on_commit(*, channel: str, type: str, data: dict[str, Any]) -> dict[str, Any]:
    group_name(channel)  # reject a bad channel name now, inside the caller's transaction
    envelope = make_envelope(channel=channel, type=type, data=data)
    transaction.on_commit(lambda: send_now(envelope))
    return envelope
