"""Real-time events gamification emits (CONTRACT.md): coins.updated on user:<student id>,
leaderboard.updated on group:<id>. Sent after commit by realtime.publish_on_commit."""

from __future__ import annotations

from realtime import publish_on_commit
from realtime.groups import group_channel, user_channel

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


def leaderboard_updated(*, group_id: int, period: str, period_start, items: list[dict]) -> None:
    publish_on_commit(
        channel=group_channel(group_id),
        type="leaderboard.updated",
        data={
            "group_id": group_id,
            "period": period,
            "period_start": period_start.isoformat() if period_start else None,
            "items": items[:LEADERBOARD_TOP],
        },
    )
