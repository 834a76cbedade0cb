from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema

from core.schemas import InputSchema, PlainOut, QueryFilterSchema, QuerySchema
from modules.gamification.models import Reason

ReasonCode = Literal[tuple(Reason.values)]  # type: ignore[valid-type]
PeriodName = Literal["week", "month", "all"]
RedemptionStatus = Literal["pending", "handed_over", "cancelled"]


class StudentRefOut(PlainOut):
    id: int
    first_name: str
    last_name: str


class CoinBalanceOut(Schema):
    student_id: int
    balance: int
    earned_total: int = Field(description="all coins ever received (positive rows)")
    spent_total: int = Field(description="all coins ever taken (negative rows), as a positive number")
    updated_at: datetime | None


class CoinTransactionOut(PlainOut):
    id: int
    student_id: int
    amount: int
    reason: ReasonCode
    source_type: str
    source_id: int | None
    group_id: int | None
    note: str
    created_by_id: int | None
    created_at: datetime


class CoinTransactionFilter(QueryFilterSchema):
    reason: ReasonCode | None = None
    group: int | None = None
    date_from: date | None = Field(None, description="local date, inclusive")
    date_to: date | None = Field(None, description="local date, inclusive")


class CoinAwardIn(InputSchema):
    amount: int = Field(..., gt=0, le=100_000)
    note: str = Field(..., min_length=1, max_length=255)
    group_id: int | None = Field(None, description="the group the coins count for on its leaderboard")
    idempotency_key: str | None = Field(
        None, min_length=8, max_length=100, description="a retried request with the same key changes nothing"
    )


class CoinDeductIn(CoinAwardIn):
    allow_negative: bool = Field(False, description="admins only: let the balance go below zero")


class LeaderboardEntryOut(PlainOut):
    rank: int
    student: StudentRefOut
    coins: int


class LeaderboardOut(PlainOut):
    group_id: int
    period: PeriodName
    period_start: date | None = Field(description="local date the period began (null for all time)")
    items: list[LeaderboardEntryOut]
    count: int


class LeaderboardQuery(QuerySchema):
    period: PeriodName = "week"


class AchievementOut(Schema):
    code: str
    name: str
    description: str
    coins: int
    repeats: Literal["once", "weekly", "monthly"]


class StudentAchievementOut(Schema):
    id: int
    code: str
    name: str
    description: str
    period: str
    group_id: int | None
    awarded_at: datetime


class RewardOut(Schema):
    id: int
    name: str
    description: str
    price: int
    stock: int
    is_active: bool
    created_at: datetime
    updated_at: datetime


class RewardCreateIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=120)
    description: str = Field("", max_length=2000)
    price: int = Field(..., gt=0, le=1_000_000)
    stock: int = Field(0, ge=0, le=1_000_000)
    is_active: bool = True


class RewardUpdateIn(InputSchema):
    name: str | None = Field(None, min_length=1, max_length=120)
    description: str | None = Field(None, max_length=2000)
    price: int | None = Field(None, gt=0, le=1_000_000)
    stock: int | None = Field(None, ge=0, le=1_000_000)
    is_active: bool | None = None


class RewardFilter(QueryFilterSchema):
    is_active: bool | None = None
    search: str | None = Field(None, max_length=100)


class RewardRefOut(Schema):
    id: int
    name: str


class RedemptionOut(Schema):
    id: int
    reward: RewardRefOut
    student: StudentRefOut
    price: int
    status: RedemptionStatus
    handled_by_id: int | None
    handed_over_at: datetime | None
    cancelled_at: datetime | None
    created_at: datetime


class RedemptionFilter(QueryFilterSchema):
    status: RedemptionStatus | None = None
    student: int | None = None
    reward: int | None = None
