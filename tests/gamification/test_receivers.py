"""Receivers of attendance_marked, homework_reviewed, payment_paid and payment_refunded: the signals are
sent here exactly as their modules document them."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from modules.attendance.signals import attendance_marked
from modules.center.selectors import get_system_settings
from modules.gamification.models import CoinTransaction, Reason, StudentAchievement
from modules.gamification.signals import achievement_awarded
from modules.homework.signals import homework_reviewed
from modules.payments.signals import payment_paid, payment_refunded
from tests.factories.lessons import LessonFactory
from tests.gamification.conftest import balance_of, ledger_sum

pytestmark = pytest.mark.django_db


def mark(lesson, student, before, after, actor=None):
    change = {"student_id": student.pk, "before": before, "after": after, "record_id": 1000 + lesson.pk}
    attendance_marked.send(sender=None, lesson=lesson, changes=[change], actor=actor)


def reason_total(student, reason) -> int:
    return sum(
        CoinTransaction.objects.filter(student=student, reason=reason).values_list("amount", flat=True)
    )


def test_present_then_replay_then_change_of_mind(group, student, teacher):
    lesson = LessonFactory(group=group)
    mark(lesson, student, None, "present", teacher)
    assert balance_of(student) == 10
    tx = CoinTransaction.objects.get(student=student)
    assert (tx.group_id, tx.source_type, tx.source_id, tx.created_by_id) == (
        group.pk,
        "lesson",
        lesson.pk,
        teacher.pk,
    )
    mark(lesson, student, None, "present", teacher)  # the same signal again
    assert CoinTransaction.objects.filter(student=student).count() == 1
    mark(lesson, student, "present", "late")
    assert balance_of(student) == 5
    mark(lesson, student, "late", "absent")
    assert balance_of(student) == 0
    mark(lesson, student, "late", "absent")  # replay of the correction
    assert CoinTransaction.objects.filter(student=student).count() == 3
    assert ledger_sum(student) == 0


def test_rules_come_from_system_settings(group, student):
    settings = get_system_settings()
    settings.coin_rules = {**settings.coin_rules, "present": 7}
    settings.save()
    mark(LessonFactory(group=group), student, None, "present")
    assert balance_of(student) == 7


def test_streak_bonus_and_its_withdrawal(group, student):
    settings = get_system_settings()
    settings.coin_rules = {**settings.coin_rules, "streak_length": 3, "streak_bonus": 50}
    settings.save()
    start = timezone.now() - timedelta(days=10)
    lessons = [LessonFactory(group=group, starts_at=start + timedelta(days=i)) for i in range(4)]
    mark(lessons[0], student, None, "present")
    mark(lessons[1], student, None, "excused")  # neither counts nor breaks the run
    mark(lessons[2], student, None, "late")
    assert reason_total(student, Reason.STREAK_BONUS) == 0
    mark(lessons[3], student, None, "present")
    assert reason_total(student, Reason.STREAK_BONUS) == 50
    assert StudentAchievement.objects.filter(student=student, code="lesson_streak").exists()
    mark(lessons[2], student, "late", "absent")  # an edit of a past lesson breaks the run
    assert reason_total(student, Reason.STREAK_BONUS) == 0
    assert balance_of(student) == ledger_sum(student) == 20  # two present, no bonus


def submission(student, group, *, score, max_score=100, is_late=False, homework_id=77):
    homework = SimpleNamespace(pk=homework_id, group_id=group.pk, max_score=max_score, due_at=timezone.now())
    return SimpleNamespace(pk=500, student_id=student.pk, homework=homework, score=score, is_late=is_late)


def test_homework_bands_on_time_and_lowered_score(group, student, teacher):
    sub = submission(student, group, score=Decimal("92.00"))
    homework_reviewed.send(sender=None, submission=sub, previous_score=None, actor=teacher)
    assert reason_total(student, Reason.HOMEWORK_SCORE) == 20
    assert reason_total(student, Reason.HOMEWORK_ON_TIME) == 5
    homework_reviewed.send(sender=None, submission=sub, previous_score=None, actor=teacher)  # replay
    assert balance_of(student) == 25 + 5  # + the first-homework badge's coins
    sub.score = Decimal("60")
    homework_reviewed.send(sender=None, submission=sub, previous_score=Decimal("92"), actor=teacher)
    assert reason_total(student, Reason.HOMEWORK_SCORE) == 5
    assert CoinTransaction.objects.filter(reason=Reason.HOMEWORK_SCORE, amount=-15).exists()
    assert balance_of(student) == ledger_sum(student) == 15


def test_late_homework_earns_no_on_time_coins(group, student):
    homework_reviewed.send(
        sender=None,
        submission=submission(student, group, score=10, is_late=True),
        previous_score=None,
        actor=None,
    )
    assert reason_total(student, Reason.HOMEWORK_ON_TIME) == 0
    assert reason_total(student, Reason.HOMEWORK_SCORE) == 0  # 10 % reaches no band


def test_first_homework_badge_once_with_signal(group, student):
    awarded = []

    def listener(sender, student_achievement, **kw):
        awarded.append(student_achievement.code)

    achievement_awarded.connect(listener)
    try:
        for hw in (1, 2):
            sub = submission(student, group, score=95, homework_id=hw)
            homework_reviewed.send(sender=None, submission=sub, previous_score=None, actor=None)
    finally:
        achievement_awarded.disconnect(listener)
    assert awarded == ["first_homework"]
    assert reason_total(student, Reason.ACHIEVEMENT) == 5


def test_invoice_on_time_and_refund(group, student):
    payment = SimpleNamespace(pk=9001, student_id=student.pk, group_id=group.pk)
    payment_paid.send(sender=None, payment=payment, on_time=True)
    payment_paid.send(sender=None, payment=payment, on_time=True)  # a repeated webhook
    assert balance_of(student) == 20
    assert CoinTransaction.objects.get().group_id == group.pk
    payment_refunded.send(sender=None, payment=payment)
    payment_refunded.send(sender=None, payment=payment)
    assert balance_of(student) == 0 == ledger_sum(student)
    assert CoinTransaction.objects.count() == 2


def test_late_payment_earns_nothing(student):
    payment_paid.send(
        sender=None, payment=SimpleNamespace(pk=1, student_id=student.pk, group_id=None), on_time=False
    )
    assert CoinTransaction.objects.count() == 0


def test_hundred_coins_badge(group, student):
    for day in range(10):
        mark(
            LessonFactory(group=group, starts_at=timezone.now() - timedelta(days=30 - day)),
            student,
            None,
            "present",
        )
    assert StudentAchievement.objects.filter(student=student, code="hundred_coins").count() == 1
