"""Real-time events gamification emits (CONTRACT.md): coins.updated on user:<student id>,
leaderboard.updated on group:<id>. Sent after commit by realtime.publish_on_commit."""

from __future__ import annotations

import asyncio
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from realtime import publish_on_commit
from realtime.groups import group_channel, group_name, user_channel
from realtime.publish import encode, layer_message, make_envelope

logger = logging.getLogger("markaz.gamification")

LEADERBOARD_TOP = 10


def coins_updated(tx, balance: int) -> None:
    from modules.gamification.schemas import CoinTransactionOut

    publish_on_commit(
        channel=user_channel(tx.student_id),
        type="coins.updated",
        data={
            "student_id": tx.student_id,
            "balance": balance,
            "transaction": CoinTransactionOut.from_orm(tx).model_dump(mode="json"),
        },
    )


def leaderboards_updated(announcements: list[dict]) -> None:
    """One `leaderboard.updated` per changed (group, period), all sent after commit in one batch: a full
    refresh can change hundreds of groups at once."""
    envelopes = [
        make_envelope(
            channel=group_channel(a["group_id"]),
            type="leaderboard.updated",
            data={
                "group_id": a["group_id"],
                "period": a["period"],
                "period_start": a["period_start"].isoformat() if a["period_start"] else None,
                "items": a["items"][:LEADERBOARD_TOP],
            },
        )
        for a in announcements
    ]
    if envelopes:
        transaction.on_commit(lambda: send_many(envelopes))


def send_many(envelopes: list[dict]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return

    async def send_all():
        await asyncio.gather(
            *(layer.group_send(group_name(e["channel"]), layer_message(e, encode(e))) for e in envelopes)
        )

    try:
        async_to_sync(send_all)()
    except Exception:  # a dead layer must never break the refresh that already committed
        logger.exception("could not publish %d leaderboard events", len(envelopes))
