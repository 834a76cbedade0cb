"""Gamification's reactions: each receiver only enqueues a task with ids; the task reads the current
state (records, submissions, invoices), so a replay changes nothing and a change of mind writes
exactly the correction."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from modules.attendance.models import AttendanceRecord
from modules.attendance.signals import AttendanceMarked, attendance_marked
from modules.center.selectors import get_system_settings
from modules.gamification import tasks
from modules.gamification.models import CoinTransaction, Reason, StudentAchievement
from modules.gamification.signals import achievement_awarded
from modules.homework.signals import HomeworkReviewed, homework_reviewed
from modules.payments.signals import PaymentEvent, PaymentPaid, payment_paid, payment_refunded
from tests.factories.accounts import StudentFactory
from tests.factories.courses import MembershipFactory
from tests.factories.homework import HomeworkFactory, SubmissionFactory
from tests.factories.lessons import LessonFactory
from tests.factories.payments import PaymentFactory
from tests.gamification.conftest import balance_of, ledger_sum

pytestmark = pytest.mark.django_db


def mark(lesson, student, status, actor=None):
    """The record as attendance leaves it, then the task its signal enqueues."""
    AttendanceRecord.objects.update_or_create(
        lesson=lesson, student=student, defaults={"status": status, "marked_at": timezone.now()}
    )
    tasks.apply_attendance(lesson.pk, [student.pk], getattr(actor, "pk", None))


def reason_total(student, reason) -> int:
    return sum(
        CoinTransaction.objects.filter(student=student, reason=reason).values_list("amount", flat=True)
    )


@pytest.fixture
def enqueued(monkeypatch):
    calls = []
    monkeypatch.setattr("modules.gamification.receivers.enqueue", lambda *a, **kw: calls.append((a, kw)))
    return calls


def test_receivers_only_enqueue_tasks_with_ids(enqueued, group, student, teacher):
    lesson = LessonFactory(group=group)
    event = AttendanceMarked(lesson.pk, group.pk, (student.pk,), teacher.pk)
    attendance_marked.send(sender=None, event=event, lesson=lesson, changes=[], actor=teacher)
    event = HomeworkReviewed(5, 6, student.pk, teacher.pk)
    homework_reviewed.send(sender=None, event=event, submission=None, previous_score=None, actor=teacher)
    payment_paid.send(sender=None, event=PaymentPaid(7, student.pk, True), payment=None, on_time=True)
    payment_refunded.send(sender=None, event=PaymentEvent(7, student.pk), payment=None)
    assert [a for a, _ in enqueued] == [
        ("modules.gamification.tasks.apply_attendance", lesson.pk, [student.pk], teacher.pk),
        ("modules.gamification.tasks.apply_homework", 5, teacher.pk),
        ("modules.gamification.tasks.apply_payment", 7),
        ("modules.gamification.tasks.apply_payment", 7),
    ]
    assert CoinTransaction.objects.count() == 0  # nothing happened in the sender's transaction


def test_present_then_replay_then_change_of_mind(group, student, teacher):
    lesson = LessonFactory(group=group)
    mark(lesson, student, "present", teacher)
    assert balance_of(student) == 10
    tx = CoinTransaction.objects.get(student=student)
    assert (tx.group_id, tx.source_type, tx.source_id, tx.created_by_id) == (
        group.pk,
        "lesson",
        lesson.pk,
        teacher.pk,
    )
    tasks.apply_attendance(lesson.pk, [student.pk], teacher.pk)  # the same task again
    assert CoinTransaction.objects.filter(student=student).count() == 1
    mark(lesson, student, "late")
    assert balance_of(student) == 5
    mark(lesson, student, "absent")
    assert balance_of(student) == 0
    tasks.apply_attendance(lesson.pk, [student.pk])  # replay of the correction
    assert CoinTransaction.objects.filter(student=student).count() == 3
    assert ledger_sum(student) == 0


def test_a_batch_moves_the_balance_updated_at(group, student, teacher):
    from modules.gamification.models import StudentCoin

    lesson = LessonFactory(group=group)
    with time_machine.travel(datetime(2026, 12, 1, 9, 0, tzinfo=UTC), tick=False):
        mark(lesson, student, "present", teacher)
    with time_machine.travel(datetime(2026, 12, 1, 10, 0, tzinfo=UTC), tick=False):
        mark(lesson, student, "late", teacher)
    account = StudentCoin.objects.get(student=student)
    assert (account.balance, account.updated_at) == (5, datetime(2026, 12, 1, 10, 0, tzinfo=UTC))


def test_a_stale_task_reads_the_current_record(group, student):
    """Two marks in a row, their tasks run late and out of order: the result is the last mark's."""
    lesson = LessonFactory(group=group)
    AttendanceRecord.objects.create(lesson=lesson, student=student, status="absent", marked_at=timezone.now())
    AttendanceRecord.objects.filter(lesson=lesson, student=student).update(status="present")
    tasks.apply_attendance(lesson.pk, [student.pk])  # the second mark's task runs first
    tasks.apply_attendance(lesson.pk, [student.pk])  # then the first mark's
    assert balance_of(student) == 10 == ledger_sum(student)


def test_the_attendance_task_is_batched_and_idempotent(group, teacher, django_assert_max_num_queries):
    """30 students in a fixed number of statements (SAVEPOINTs counted), and a rerun writes nothing."""
    lesson = LessonFactory(group=group, starts_at=timezone.now() - timedelta(hours=1))
    students = StudentFactory.create_batch(30)
    for s in students:
        MembershipFactory(group=group, student=s)
        AttendanceRecord.objects.create(lesson=lesson, student=s, status="present", marked_at=timezone.now())
    get_system_settings()
    ids = [s.pk for s in students]
    with CaptureQueriesContext(connection) as first:
        assert tasks.apply_attendance(lesson.pk, ids, teacher.pk) == 30
    with CaptureQueriesContext(connection) as second:
        assert tasks.apply_attendance(lesson.pk, ids, teacher.pk) == 0
    assert len(first) <= 15, [q["sql"][:80] for q in first.captured_queries]
    assert len(second) <= 15
    assert CoinTransaction.objects.filter(source_id=lesson.pk).count() == 30
    assert all(balance_of(s) == 10 == ledger_sum(s) for s in students)


def test_rules_come_from_system_settings(group, student):
    settings = get_system_settings()
    settings.coin_rules = {**settings.coin_rules, "present": 7}
    settings.save()
    mark(LessonFactory(group=group), student, "present")
    assert balance_of(student) == 7


def test_streak_bonus_and_its_withdrawal(group, student):
    settings = get_system_settings()
    settings.coin_rules = {**settings.coin_rules, "streak_length": 3, "streak_bonus": 50}
    settings.save()
    start = timezone.now() - timedelta(days=10)
    lessons = [LessonFactory(group=group, starts_at=start + timedelta(days=i)) for i in range(4)]
    mark(lessons[0], student, "present")
    mark(lessons[1], student, "excused")  # neither counts nor breaks the run
    mark(lessons[2], student, "late")
    assert reason_total(student, Reason.STREAK_BONUS) == 0
    mark(lessons[3], student, "present")
    assert reason_total(student, Reason.STREAK_BONUS) == 50
    assert StudentAchievement.objects.filter(student=student, code="lesson_streak").exists()
    mark(lessons[2], student, "absent")  # an edit of a past lesson breaks the run
    assert reason_total(student, Reason.STREAK_BONUS) == 0
    assert balance_of(student) == ledger_sum(student) == 20  # two present, no bonus


def reviewed(student, group, *, score, max_score=100, is_late=False, homework=None):
    homework = homework or HomeworkFactory(group=group, max_score=max_score)
    return SubmissionFactory(
        homework=homework, student=student, score=score, is_late=is_late, reviewed_at=timezone.now()
    )


def test_homework_bands_on_time_and_lowered_score(group, student, teacher):
    sub = reviewed(student, group, score=Decimal("92.00"))
    tasks.apply_homework(sub.pk, teacher.pk)
    assert reason_total(student, Reason.HOMEWORK_SCORE) == 20
    assert reason_total(student, Reason.HOMEWORK_ON_TIME) == 5
    tasks.apply_homework(sub.pk, teacher.pk)  # replay
    assert balance_of(student) == 25 + 5  # + the first-homework badge's coins
    sub.score = Decimal("60")
    sub.save(update_fields=["score"])
    tasks.apply_homework(sub.pk, teacher.pk)
    assert reason_total(student, Reason.HOMEWORK_SCORE) == 5
    assert CoinTransaction.objects.filter(reason=Reason.HOMEWORK_SCORE, amount=-15).exists()
    assert balance_of(student) == ledger_sum(student) == 15


def test_late_homework_earns_no_on_time_coins(group, student):
    tasks.apply_homework(reviewed(student, group, score=10, is_late=True).pk)
    assert reason_total(student, Reason.HOMEWORK_ON_TIME) == 0
    assert reason_total(student, Reason.HOMEWORK_SCORE) == 0  # 10 % reaches no band


def test_first_homework_badge_once_with_signal(group, student):
    awarded = []

    def listener(sender, event, **kw):
        awarded.append(event.code)

    achievement_awarded.connect(listener)
    try:
        for _ in (1, 2):
            tasks.apply_homework(reviewed(student, group, score=95).pk)
    finally:
        achievement_awarded.disconnect(listener)
    assert awarded == ["first_homework"]
    assert reason_total(student, Reason.ACHIEVEMENT) == 5


def test_invoice_on_time_and_refund(group, student):
    payment = PaymentFactory(student=student, group=group, status="paid", paid_at=timezone.now())
    tasks.apply_payment(payment.pk)
    tasks.apply_payment(payment.pk)  # a repeated webhook's task
    assert balance_of(student) == 20
    assert CoinTransaction.objects.get().group_id == group.pk
    payment.status = "refunded"
    payment.save(update_fields=["status"])
    tasks.apply_payment(payment.pk)
    tasks.apply_payment(payment.pk)
    assert balance_of(student) == 0 == ledger_sum(student)
    assert CoinTransaction.objects.count() == 2


def test_late_payment_earns_nothing(student):
    late = PaymentFactory(
        student=student,
        status="paid",
        due_date=timezone.localdate() - timedelta(days=3),
        paid_at=timezone.now(),
    )
    tasks.apply_payment(late.pk)
    assert CoinTransaction.objects.count() == 0


def test_hundred_coins_badge(group, student):
    for day in range(10):
        mark(
            LessonFactory(group=group, starts_at=timezone.now() - timedelta(days=30 - day)),
            student,
            "present",
        )
    assert StudentAchievement.objects.filter(student=student, code="hundred_coins").count() == 1
