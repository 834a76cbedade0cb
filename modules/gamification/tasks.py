"""Background jobs (django-q2). Thin and idempotent: each calls one service."""

from __future__ import annotations

from modules.gamification import services


def update_leaderboards(group_ids: list[int] | None = None) -> int:
    """Refresh the leaderboard snapshots of these groups (all groups when None)."""
    return services.leaderboards_refresh(group_ids=group_ids)


def award_period_badges() -> int:
    """Badges of the last complete week and month (perfect week, top 3 of the month); the unique
    (student, badge, period) key makes a rerun award nothing new."""
    return services.perfect_week_award() + services.top_three_award()
