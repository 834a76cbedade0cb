"""Badges: each rule decides who earned which badge; achievement_award makes it happen at most once
per student and period (the unique key), with the badge's bonus coins and the signals."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Count, Q

from modules.gamification.badges import (
    FIRST_HOMEWORK,
    HUNDRED_COINS,
    LESSON_STREAK,
    PERFECT_WEEK,
    TOP_THREE_MONTH,
    Badge,
)
from modules.gamification.models import AttendanceMark, Reason, StudentAchievement
from modules.gamification.periods import previous_month, previous_week
from modules.gamification.signals import achievement_awarded

HUNDRED = 100
PERFECT_WEEK_MIN_LESSONS = 2
TOP_RANKS = 3


@transaction.atomic
def achievement_award(
    *, student_id: int, badge: Badge, period: str = "", group_id: int | None = None
) -> StudentAchievement | None:
    """Award `badge` (None when the student already has it for that period)."""
    from modules.gamification.services.ledger import coins_post

    if StudentAchievement.objects.filter(student_id=student_id, code=badge.code, period=period).exists():
        return None
    try:
        with transaction.atomic():
            earned = StudentAchievement.objects.create(
                student_id=student_id, code=badge.code, period=period, group_id=group_id
            )
    except IntegrityError:  # a concurrent award won
        return None
    if badge.coins:
        coins_post(
            student_id=student_id,
            amount=badge.coins,
            reason=Reason.ACHIEVEMENT,
            idempotency_key=f"achievement:{earned.pk}",
            source_type="achievement",
            source_id=earned.pk,
            note=badge.name,
        )
    achievement_awarded.send(sender=StudentAchievement, student_achievement=earned)
    return earned


def on_balance_changed(*, student_id: int, old_balance: int, new_balance: int) -> None:
    if old_balance < HUNDRED <= new_balance:
        achievement_award(student_id=student_id, badge=HUNDRED_COINS)


def on_homework_reviewed(*, student_id: int, group_id: int | None) -> None:
    achievement_award(student_id=student_id, badge=FIRST_HOMEWORK, group_id=group_id)


def on_streak(*, student_id: int, group_id: int) -> None:
    achievement_award(student_id=student_id, badge=LESSON_STREAK, group_id=group_id)


def perfect_week_award(now: datetime | None = None) -> int:
    """Students present (not late) at every lesson of the last complete week, at least two."""
    start, end, key = previous_week(now)
    rows = (
        AttendanceMark.objects.filter(lesson_starts_at__gte=start, lesson_starts_at__lt=end)
        .values("student_id")
        .annotate(total=Count("id"), present=Count("id", filter=Q(status="present")))
        .filter(total__gte=PERFECT_WEEK_MIN_LESSONS)
    )
    awarded = 0
    for row in rows:
        if row["present"] == row["total"]:
            awarded += (
                achievement_award(student_id=row["student_id"], badge=PERFECT_WEEK, period=key) is not None
            )
    return awarded


def top_three_award(now: datetime | None = None) -> int:
    """The top three (with coins) of every group over the last complete month."""
    from modules.gamification.services.leaderboards import rankings

    start, end, key = previous_month(now)
    awarded = 0
    for row in rankings(windows=[(start, end)]):
        rank, coins = row.ranks[0], row.coins[0]
        if rank <= TOP_RANKS and coins > 0:
            earned = achievement_award(
                student_id=row.student_id, badge=TOP_THREE_MONTH, period=key, group_id=row.group_id
            )
            awarded += earned is not None
    return awarded
