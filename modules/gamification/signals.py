"""Signals the gamification module sends. Payloads are frozen dataclasses of ids (JSON-able with
dataclasses.asdict); the objects beside them are for receivers in the same transaction (audit).

coins_changed(sender, event: CoinsChanged)                 once per student whose balance moved
achievement_awarded(sender, event: AchievementAwarded)
reward_redeemed(sender, event: RewardRedeemed, redemption)
reward_redemption_changed(sender, event: RedemptionChanged, redemption, change)
    change: "handed_over" | "cancelled"
"""

from __future__ import annotations

from dataclasses import dataclass

from django.dispatch import Signal


@dataclass(frozen=True)
class CoinsChanged:
    student_id: int
    balance: int
    transaction_ids: tuple[int, ...]


@dataclass(frozen=True)
class AchievementAwarded:
    achievement_id: int
    student_id: int
    code: str


@dataclass(frozen=True)
class RewardRedeemed:
    redemption_id: int
    student_id: int


@dataclass(frozen=True)
class RedemptionChanged:
    redemption_id: int
    student_id: int
    change: str


coins_changed = Signal()
achievement_awarded = Signal()
reward_redeemed = Signal()
reward_redemption_changed = Signal()
