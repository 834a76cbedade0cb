"""Badges: each rule decides who earned which badge; achievement_award makes it happen at most once
per student and period (the unique key), with the badge's bonus coins and the signals."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Count, Q

from modules.gamification.badges import (
    HUNDRED_COINS,
    PERFECT_WEEK,
    TOP_THREE_MONTH,
    Badge,
)
from modules.gamification.models import AttendanceMark, Reason, StudentAchievement
from modules.gamification.periods import previous_month, previous_week
from modules.gamification.signals import AchievementAwarded, achievement_awarded

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
    _announce_awarded([earned])
    return earned


def award_many(*, badge: Badge, student_groups: dict[int, int | None], period: str = "") -> list:
    """`badge` for every student in `student_groups` ({student id: group id}) who does not have it
    for the period yet: one read, one bulk INSERT, the bonus coins in one batch. Runs under the
    caller's locks on these students' balances (batch.reconcile_many takes them), which serialise
    concurrent awards to the same students, so the unique key is not expected to fire here."""
    from modules.gamification.services.batch import Desired, reconcile_many

    if not student_groups:
        return []
    have = set(
        StudentAchievement.objects.filter(
            student_id__in=list(student_groups), code=badge.code, period=period
        ).values_list("student_id", flat=True)
    )
    new = [
        StudentAchievement(student_id=s, code=badge.code, period=period, group_id=g)
        for s, g in sorted(student_groups.items())
        if s not in have
    ]
    if not new:
        return []
    earned = StudentAchievement.objects.bulk_create(new)
    if badge.coins:
        reconcile_many(
            [
                Desired(
                    student_id=a.student_id,
                    source_type="achievement",
                    source_id=a.pk,
                    reason=Reason.ACHIEVEMENT,
                    amount=badge.coins,
                    note=badge.name,
                )
                for a in earned
            ]
        )
    _announce_awarded(earned)
    return earned


def _announce_awarded(earned: list[StudentAchievement]) -> None:
    for a in earned:
        event = AchievementAwarded(achievement_id=a.pk, student_id=a.student_id, code=a.code)
        achievement_awarded.send(sender=StudentAchievement, event=event, student_achievement=a)


def _balance_badges() -> dict[int, object]:
    """The balance reached -> the badge it earns: the one table on_balance_changed and the ledger's
    one-statement path (which must not skip a crossing) both read."""
    return {HUNDRED: HUNDRED_COINS}


def balance_thresholds() -> tuple[int, ...]:
    return tuple(_balance_badges())


def on_balance_changed(*, student_id: int, old_balance: int, new_balance: int) -> None:
    for threshold, badge in _balance_badges().items():
        if old_balance < threshold <= new_balance:
            achievement_award(student_id=student_id, badge=badge)


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
