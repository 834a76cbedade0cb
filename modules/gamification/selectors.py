"""Reads: whose coins a user may see, balances, the ledger, leaderboard snapshots, badges, rewards."""

from __future__ import annotations

import json
from datetime import date, timedelta

from django.db.models import Q, QuerySet, Sum
from django.shortcuts import get_object_or_404

from core.exceptions import NotFound
from modules.accounts.models import User
from modules.courses.branches import is_branch_admin
from modules.courses.selectors import groups_visible_to, students_visible_to
from modules.gamification.badges import CATALOGUE
from modules.gamification.models import (
    CoinTransaction,
    LeaderboardSnapshot,
    Redemption,
    Reward,
    StudentAchievement,
    StudentCoin,
)
from modules.gamification.periods import local_midnight, period_start_date


def student_for(user: User, student_id: int) -> User:
    """The student, if `user` may see them (404 otherwise)."""
    return get_object_or_404(students_visible_to(user, current_only=True), pk=student_id)


def coin_balance(student: User) -> dict:
    account = StudentCoin.objects.filter(student=student).first()
    totals = CoinTransaction.objects.filter(student=student).aggregate(
        earned=Sum("amount", filter=Q(amount__gt=0)), spent=Sum("amount", filter=Q(amount__lt=0))
    )
    return {
        "student_id": student.pk,
        "balance": account.balance if account else 0,
        "earned_total": totals["earned"] or 0,
        "spent_total": -(totals["spent"] or 0),
        "updated_at": account.updated_at if account else None,
    }


def coin_transactions(
    student: User,
    *,
    reason: str | None = None,
    group: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[CoinTransaction]:
    qs = CoinTransaction.objects.filter(student=student).order_by("-created_at", "-id")
    if reason:
        qs = qs.filter(reason=reason)
    if group:
        qs = qs.filter(group_id=group)
    if date_from:
        qs = qs.filter(created_at__gte=local_midnight(date_from))
    if date_to:
        qs = qs.filter(created_at__lt=local_midnight(date_to + timedelta(days=1)))
    return qs


def leaderboard(user: User, group_id: int, period: str) -> dict:
    """The stored snapshot of a group the user may see (404 otherwise): two queries. Until the first
    refresh of a new week or month the list is empty."""
    if not groups_visible_to(user).filter(pk=group_id).exists():
        raise NotFound()
    start = period_start_date(period)
    stored = (
        LeaderboardSnapshot.objects.filter(group_id=group_id, period=period, period_start=start)
        .values_list("entries", flat=True)
        .first()
    )
    entries = json.loads(stored) if stored else []
    return {
        "group_id": group_id,
        "period": period,
        "period_start": start,
        "items": entries,
        "count": len(entries),
    }


def achievements_of(student: User) -> list[dict]:
    out = []
    for earned in StudentAchievement.objects.filter(student=student).order_by("-awarded_at", "-id"):
        badge = CATALOGUE.get(earned.code)
        out.append(
            {
                "id": earned.pk,
                "code": earned.code,
                "name": badge.name if badge else earned.code,
                "description": badge.description if badge else "",
                "period": earned.period,
                "group_id": earned.group_id,
                "awarded_at": earned.awarded_at,
            }
        )
    return out


def rewards_visible_to(user: User, *, is_active: bool | None = None, search: str | None = None):
    """Everyone sees the active rewards; admins also the inactive ones."""
    qs = Reward.objects.all()
    if user.role != User.Role.ADMIN:
        qs = qs.filter(is_active=True)
    elif is_active is not None:
        qs = qs.filter(is_active=is_active)
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(description__icontains=search))
    return qs.order_by("price", "name", "id")


def redemptions_visible_to(
    user: User, *, status: str | None = None, student: int | None = None, reward: int | None = None
) -> QuerySet[Redemption]:
    qs = Redemption.objects.select_related("reward", "student").order_by("-created_at", "-id")
    if user.role != User.Role.ADMIN or is_branch_admin(user):  # a branch admin: their branches' students
        qs = qs.filter(student__in=students_visible_to(user, current_only=True))
    if status:
        qs = qs.filter(status=status)
    if student:
        qs = qs.filter(student_id=student)
    if reward:
        qs = qs.filter(reward_id=reward)
    return qs
