"""Background jobs (django-q2). Thin and idempotent: each opens the one transaction (durable: a task
is never nested in another's) and calls one service. Reaction tasks read the current state, so a
retry, a duplicate or an out-of-order run gives the same result as one run in order."""

from __future__ import annotations

from django.db import transaction

from modules.gamification import services


def apply_attendance(lesson_id: int, student_ids: list[int], actor_id: int | None = None) -> int:
    """Coins, marks, streaks and badges of these students for the lesson as marked now."""
    with transaction.atomic(durable=True):
        return services.attendance_apply(lesson_id=lesson_id, student_ids=student_ids, actor_id=actor_id)


def apply_homework(submission_id: int, actor_id: int | None = None) -> int:
    with transaction.atomic(durable=True):
        return services.homework_apply(submission_id=submission_id, actor_id=actor_id)


def apply_payment(payment_id: int) -> int:
    with transaction.atomic(durable=True):
        return services.payment_apply(payment_id=payment_id)


def update_leaderboards(group_ids: list[int] | None = None) -> int:
    """Refresh the leaderboard snapshots of these groups (all groups when None)."""
    return services.leaderboards_refresh(group_ids=group_ids)


def award_period_badges() -> int:
    """Badges of the last complete week and month (perfect week, top 3 of the month); the unique
    (student, badge, period) key makes a rerun award nothing new."""
    return services.perfect_week_award() + services.top_three_award()
