from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.test.utils import override_settings

from modules.gamification.badges import HUNDRED_COINS
from modules.gamification.models import AttendanceMark, CoinTransaction, Reason, StudentAchievement
from modules.gamification.services import achievement_award, perfect_week_award, top_three_award
from modules.gamification.tasks import award_period_badges
from tests.factories.accounts import StudentFactory
from tests.factories.courses import MembershipFactory
from tests.factories.gamification import give_coins
from tests.factories.lessons import LessonFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 2, 6, 0, tzinfo=UTC)  # Wednesday 2 December, 11:00 in Tashkent


def add_marks(group, when, statuses: dict):
    lesson = LessonFactory(group=group, starts_at=when)
    for student, status in statuses.items():
        AttendanceMark.objects.create(
            student=student, group=group, lesson=lesson, lesson_starts_at=when, status=status
        )


@override_settings(TIME_ZONE="Asia/Tashkent")
def test_perfect_week_once_per_week(group, student):
    other = StudentFactory()
    MembershipFactory(group=group, student=other)
    # last week in Tashkent: Monday 23 Nov 00:00 (Sun 22 Nov 19:00 UTC) .. Monday 30 Nov 00:00
    for day in (23, 25, 27):
        when = datetime(2026, 11, day, 5, 0, tzinfo=UTC)
        add_marks(group, when, {student: "present", other: "late" if day == 25 else "present"})
    # 29 Nov 19:30 UTC is already Monday 30 Nov in Tashkent: this week, not last week
    add_marks(group, datetime(2026, 11, 29, 19, 30, tzinfo=UTC), {student: "absent"})
    assert perfect_week_award(NOW) == 1
    assert perfect_week_award(NOW) == 0  # rerun
    [badge] = StudentAchievement.objects.filter(code="perfect_week")
    assert (badge.student_id, badge.period) == (student.pk, "2026-W48")
    assert CoinTransaction.objects.get(reason=Reason.ACHIEVEMENT).amount == 20


@override_settings(TIME_ZONE="Asia/Tashkent")
def test_top_three_of_last_month_with_ties(group, student):
    others = [StudentFactory() for _ in range(4)]
    for s in others:
        MembershipFactory(group=group, student=s)
    november = datetime(2026, 11, 15, tzinfo=UTC)
    amounts = [50, 40, 40, 30, 0]  # ranks 1, 2, 2, 4, 5
    for s, amount in zip([student, *others], amounts, strict=True):
        if amount:
            CoinTransaction.objects.filter(pk=give_coins(s, amount, group=group).pk).update(
                created_at=november
            )
    # 30 Nov 19:00 UTC is already 1 December in Tashkent: does not count for November
    december = datetime(2026, 11, 30, 19, 0, tzinfo=UTC)
    CoinTransaction.objects.filter(pk=give_coins(others[3], 999, group=group).pk).update(created_at=december)
    assert top_three_award(NOW) == 3
    winners = set(
        StudentAchievement.objects.filter(code="top_three_month", period="2026-11").values_list(
            "student_id", flat=True
        )
    )
    assert winners == {student.pk, others[0].pk, others[1].pk}
    assert award_period_badges() >= 0  # the task runs; the keys stop any repeat
    assert StudentAchievement.objects.filter(code="top_three_month", period="2026-11").count() == 3


def test_badge_at_most_once(student):
    assert achievement_award(student_id=student.pk, badge=HUNDRED_COINS) is not None
    assert achievement_award(student_id=student.pk, badge=HUNDRED_COINS) is None
    assert StudentAchievement.objects.filter(student=student).count() == 1


def test_achievement_coins_send_the_coins_event(student, events, run_on_commit):
    from modules.gamification.badges import PERFECT_WEEK

    with run_on_commit():
        achievement_award(student_id=student.pk, badge=PERFECT_WEEK, period="2026-W01")
    coin_events = [e for e in events if e["type"] == "coins.updated"]
    assert [e["data"]["transaction"]["reason"] for e in coin_events] == ["achievement"]
    assert coin_events[0]["channel"] == f"user:{student.pk}"


def test_seed_is_idempotent(db):
    from io import StringIO

    from modules.accounts import seed as accounts_seed
    from modules.accounts.seed import demo_user
    from modules.gamification import seed
    from modules.gamification.models import Reward, StudentCoin

    out = StringIO()
    accounts_seed.seed(out)
    seed.seed(out)
    student = demo_user("student")
    balance = StudentCoin.objects.get(student=student).balance
    counts = (CoinTransaction.objects.count(), Reward.objects.count(), StudentAchievement.objects.count())
    seed.seed(out)
    assert StudentCoin.objects.get(student=student).balance == balance > 0
    assert (
        CoinTransaction.objects.count(),
        Reward.objects.count(),
        StudentAchievement.objects.count(),
    ) == counts
    assert counts[1] >= 1 and counts[2] >= 1
