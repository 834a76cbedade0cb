"""Real-time events gamification emits: coins.updated on user:<student id>, leaderboard.updated on
group:<id>. Sent after commit by realtime (a batch of them in one go)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from modules.gamification.schemas import CoinTransactionOut, LeaderboardEntryOut, PeriodName
from realtime import event_type, publish_many_on_commit
from realtime.groups import group_channel, user_channel

LEADERBOARD_TOP = 10


class CoinsUpdatedData(BaseModel):
    student_id: int
    balance: int = Field(description="the balance after this transaction")
    transaction: CoinTransactionOut


class LeaderboardUpdatedData(BaseModel):
    group_id: int
    period: PeriodName
    period_start: date | None = Field(description="local date the period began (null for all time)")
    items: list[LeaderboardEntryOut] = Field(description=f"the top {LEADERBOARD_TOP}")


COINS_UPDATED = event_type(
    "coins.updated",
    CoinsUpdatedData,
    channels=("user",),
    summary="the student's coin balance changed (to the student's own channel)",
)
LEADERBOARD_UPDATED = event_type(
    "leaderboard.updated",
    LeaderboardUpdatedData,
    channels=("group",),
    summary="the group's ranking for a period changed (its top entries)",
)


def _coins_event(tx, balance: int) -> dict:
    data = CoinsUpdatedData(
        student_id=tx.student_id, balance=balance, transaction=CoinTransactionOut.from_orm(tx)
    )
    return {"channel": user_channel(tx.student_id), "type": COINS_UPDATED.name, "data": data}


def coins_updated(tx, balance: int) -> None:
    publish_many_on_commit([_coins_event(tx, balance)])


def coins_updated_many(updates: list[tuple]) -> None:
    """[(transaction, balance after it)] → one coins.updated each, sent together after commit."""
    publish_many_on_commit([_coins_event(tx, balance) for tx, balance in updates])


def leaderboards_updated(announcements: list[dict]) -> None:
    """One `leaderboard.updated` per changed (group, period), all sent after commit in one batch: a full
    refresh can change hundreds of groups at once."""
    publish_many_on_commit(
        [
            {
                "channel": group_channel(a["group_id"]),
                "type": LEADERBOARD_UPDATED.name,
                "data": LeaderboardUpdatedData(
                    group_id=a["group_id"],
                    period=a["period"],
                    period_start=a["period_start"],
                    items=a["items"][:LEADERBOARD_TOP],
                ),
            }
            for a in announcements
        ]
    )
