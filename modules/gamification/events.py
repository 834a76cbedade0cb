"""Real-time events gamification emits: coins.updated on user:<student id>, leaderboard.updated on
group:<id>. Sent after commit by realtime (a batch of them in one go)."""

from __future__ import annotations

from realtime import publish_many_on_commit, publish_on_commit
from realtime.groups import group_channel, user_channel

LEADERBOARD_TOP = 10


def _coins_data(tx, balance: int) -> dict:
    # CoinTransactionOut's JSON form, built directly: this runs once per ledger row of a batch, and
    # validating objects we built ourselves is overhead (a test checks the shapes agree)
    return {
        "student_id": tx.student_id,
        "balance": balance,
        "transaction": {
            "id": tx.pk,
            "student_id": tx.student_id,
            "amount": tx.amount,
            "reason": tx.reason,
            "source_type": tx.source_type,
            "source_id": tx.source_id,
            "group_id": tx.group_id,
            "note": tx.note,
            "created_by_id": tx.created_by_id,
            "created_at": tx.created_at.isoformat() if tx.created_at else None,
        },
    }


def coins_updated(tx, balance: int) -> None:
    publish_on_commit(
        channel=user_channel(tx.student_id), type="coins.updated", data=_coins_data(tx, balance)
    )


def coins_updated_many(updates: list[tuple]) -> None:
    """[(transaction, balance after it)] → one coins.updated each, sent together after commit."""
    publish_many_on_commit(
        [
            {
                "channel": user_channel(tx.student_id),
                "type": "coins.updated",
                "data": _coins_data(tx, balance),
            }
            for tx, balance in updates
        ]
    )


def leaderboards_updated(announcements: list[dict]) -> None:
    """One `leaderboard.updated` per changed (group, period), all sent after commit in one batch: a full
    refresh can change hundreds of groups at once."""
    publish_many_on_commit(
        [
            {
                "channel": group_channel(a["group_id"]),
                "type": "leaderboard.updated",
                "data": {
                    "group_id": a["group_id"],
                    "period": a["period"],
                    "period_start": a["period_start"].isoformat() if a["period_start"] else None,
                    "items": a["items"][:LEADERBOARD_TOP],
                },
            }
            for a in announcements
        ]
    )
