"""What triggers what: the other modules' signals, as their senders send them, produce the right
notifications for the right people. Receivers only enqueue a reaction task (tested at the end); here
the task runs at once, where the sender enqueued it, so each test reads as signal -> notifications."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone
from django.utils.module_loading import import_string

from modules.attendance.models import AttendanceRecord
from modules.attendance.signals import AttendanceMarked, attendance_marked
from modules.gamification.models import StudentAchievement
from modules.gamification.signals import (
    AchievementAwarded,
    RewardRedeemed,
    achievement_awarded,
    reward_redeemed,
)
from modules.homework.signals import (
    HomeworkAssigned,
    HomeworkDeadline,
    HomeworkReviewed,
    homework_assigned,
    homework_deadline,
    homework_reviewed,
)
from modules.lessons.models import Lesson
from modules.lessons.signals import LessonChanged, lesson_changed
from modules.notifications.models import Notification, NotificationLog
from modules.notifications.reactions.attendance import absence_streaks
from modules.payments.models import Payment
from modules.payments.signals import (
    PaymentPaid,
    PaymentsCreated,
    PaymentsOverdue,
    payment_created,
    payment_overdue,
    payment_paid,
)
from tests.factories.accounts import AdminFactory, ParentFactory, StudentFactory, link_parent
from tests.factories.attendance import AttendanceRecordFactory
from tests.factories.courses import make_group_with_students
from tests.factories.gamification import RedemptionFactory
from tests.factories.homework import HomeworkFactory, SubmissionFactory
from tests.factories.payments import PaymentFactory


@pytest.fixture(autouse=True)
def reactions_run_at_once(monkeypatch):
    monkeypatch.setattr(
        "modules.notifications.receivers.enqueue", lambda path, *a, **kw: import_string(path)(*a, **kw)
    )


def inbox(kind: str | None = None) -> dict[int, list[Notification]]:
    result: dict[int, list[Notification]] = {}
    qs = Notification.objects.all() if kind is None else Notification.objects.filter(kind=kind)
    for note in qs.order_by("id"):
        result.setdefault(note.user_id, []).append(note)
    return result


@pytest.fixture
def klass(teacher, student, parent):
    """A group of two students (the first with a parent), five lessons up to today."""
    other = StudentFactory(first_name="Bob", last_name="B")
    group = make_group_with_students(teacher, [student, other], lessons=5, name="English B1")
    return group, list(group.lessons.order_by("starts_at")), other


def mark(lesson, student, status, before=None):
    record, _ = AttendanceRecord.objects.update_or_create(
        lesson=lesson,
        student=student,
        defaults={"status": status, "marked_by": lesson.group.teacher, "marked_at": lesson.starts_at},
    )
    attendance_marked.send(
        sender=AttendanceRecord,
        event=AttendanceMarked(lesson.pk, lesson.group_id, (student.pk,), lesson.group.teacher_id),
        lesson=lesson,
        changes=[{"student_id": student.pk, "before": before, "after": status, "record_id": record.pk}],
        actor=lesson.group.teacher,
    )


# --- attendance -----------------------------------------------------------------------------------


def test_absence_alerts_the_student_and_their_parents(klass, student, parent, run_on_commit):
    group, lessons, other = klass
    with run_on_commit():
        mark(lessons[-1], student, "absent")
    notes = inbox("attendance_absent")
    assert set(notes) == {student.pk, parent.pk}
    assert notes[parent.pk][0].title == f"Absence: {student.full_name}"
    assert "English B1" in notes[parent.pk][0].body
    assert notes[parent.pk][0].data == {
        "lesson_id": lessons[-1].pk,
        "group_id": group.pk,
        "student_id": student.pk,
        "status": "absent",
    }


def test_lateness_alerts_and_presence_stays_quiet(klass, student, parent):
    group, lessons, other = klass
    mark(lessons[-1], student, "late")
    mark(lessons[-1], other, "present")
    mark(lessons[-2], other, "excused")
    assert set(inbox("attendance_late")) == {student.pk, parent.pk}
    assert Notification.objects.exclude(kind="attendance_late").count() == 0


def test_a_parent_with_sms_gets_an_sms_log(klass, student, parent, eskiz_api):
    mark(klass[1][-1], student, "absent")
    log = NotificationLog.objects.get(user=parent, channel="sms")
    assert log.recipient == parent.phone.lstrip("+") and log.status == "queued"


def test_consecutive_absences_escalate_to_admins_once(klass, student, parent, center_settings):
    center_settings.consecutive_absence_threshold = 3
    center_settings.save()
    admins = [AdminFactory(), AdminFactory()]
    group, lessons, other = klass
    mark(lessons[0], student, "absent")
    mark(lessons[1], student, "present")  # breaks the streak
    mark(lessons[2], student, "absent")
    mark(lessons[3], student, "absent")
    assert inbox("absence_streak") == {}
    mark(lessons[4], student, "absent")  # third in a row
    streak = inbox("absence_streak")
    assert set(streak) == {a.pk for a in admins}
    assert streak[admins[0].pk][0].title == f"3 absences in a row: {student.full_name}"
    assert streak[admins[0].pk][0].data["count"] == 3
    assert set(inbox("attendance_absent")) == {student.pk, parent.pk}  # parents hear every absence


def test_streak_counts_only_this_group_and_skips_cancelled_lessons(klass, student, teacher):
    group, lessons, other = klass
    for lesson in lessons:
        AttendanceRecordFactory(lesson=lesson, student=student, status="absent")
    AttendanceRecordFactory(lesson=lessons[1], student=other, status="absent")
    AttendanceRecordFactory(lesson=lessons[2], student=other, status="late")
    AttendanceRecordFactory(lesson=lessons[3], student=other, status="absent")
    AttendanceRecordFactory(lesson=lessons[4], student=other, status="absent")
    Lesson.objects.filter(pk=lessons[4].pk).update(status=Lesson.Status.CANCELLED)
    elsewhere = make_group_with_students(teacher, [other], lessons=1)
    AttendanceRecordFactory(lesson=elsewhere.lessons.get(), student=other, status="absent")

    streaks = absence_streaks(
        student_ids=[student.pk, other.pk], group_id=group.pk, until=lessons[4].starts_at, limit=10
    )
    assert streaks == {student.pk: 4, other.pk: 1}
    assert absence_streaks(
        student_ids=[student.pk], group_id=group.pk, until=lessons[2].starts_at, limit=2
    ) == {student.pk: 2}


def test_escalation_is_once_per_streak_not_again_at_n_plus_one_nor_on_re_marks(
    klass, student, center_settings
):
    """Issue: admins were told at the Nth absence, again at N+1 (the count was capped at N) and again
    on every re-mark. One alert per run of absences."""
    center_settings.consecutive_absence_threshold = 2
    center_settings.save()
    AdminFactory()
    group, lessons, other = klass
    mark(lessons[0], student, "absent")
    mark(lessons[1], student, "absent")  # the second in a row: admins told
    assert Notification.objects.filter(kind="absence_streak").count() == 1
    mark(lessons[2], student, "absent")  # N+1: the same streak
    assert Notification.objects.filter(kind="absence_streak").count() == 1
    mark(lessons[1], student, "present")  # re-marks of the lesson that reached it
    mark(lessons[1], student, "absent")
    assert Notification.objects.filter(kind="absence_streak").count() == 1
    mark(lessons[3], student, "present")  # the streak ends; a new one is news again
    mark(lessons[4], student, "absent")
    AttendanceRecord.objects.filter(lesson=lessons[3], student=student).update(status="absent")
    mark(lessons[4], student, "absent")
    assert Notification.objects.filter(kind="absence_streak").count() == 1  # 3 + 4 join the old run


# --- lessons --------------------------------------------------------------------------------------


@pytest.mark.parametrize("change", ["rescheduled", "cancelled"])
def test_lesson_changes_reach_members_and_parents_once(klass, student, parent, teacher, change):
    group, lessons, other = klass
    second_parent = ParentFactory()
    link_parent(second_parent, student)
    link_parent(second_parent, other)  # two children in the group: still one notification
    lesson = lessons[-1]
    previous = lesson.starts_at
    lesson_changed.send(
        sender=Lesson,
        event=LessonChanged(lesson.pk, group.pk, change, teacher.pk, previous.isoformat(), "Ill"),
        lesson=lesson,
        change=change,
        actor=teacher,
        previous_starts_at=lesson.starts_at,
        reason="Ill",
    )
    notes = inbox(f"lesson_{change}")
    assert set(notes) == {student.pk, other.pk, parent.pk, second_parent.pk}
    assert all(len(n) == 1 for n in notes.values())
    assert notes[student.pk][0].data == {"lesson_id": lesson.pk, "group_id": group.pk, "change": change}
    assert "Ill" in notes[student.pk][0].body


def test_completed_lessons_notify_nobody(klass, teacher):
    lesson = klass[1][-1]
    event = LessonChanged(lesson.pk, lesson.group_id, "completed", teacher.pk)
    lesson_changed.send(sender=Lesson, event=event, lesson=lesson, change="completed", actor=teacher)
    assert not Notification.objects.exists()


# --- homework -------------------------------------------------------------------------------------


def test_homework_assigned_reaches_the_groups_students(klass, student, parent, teacher):
    group, lessons, other = klass
    homework = HomeworkFactory(group=group, title="Essay")
    event = HomeworkAssigned(homework.pk, group.pk, teacher.pk)
    homework_assigned.send(sender=type(homework), event=event, homework=homework, actor=teacher)
    assert set(inbox("homework_assigned")) == {student.pk, other.pk}


def test_homework_reviewed_reaches_student_and_parents(klass, student, parent, teacher):
    homework = HomeworkFactory(group=klass[0], title="Essay", max_score=10)
    submission = SubmissionFactory(
        homework=homework, student=student, score=Decimal("8.50"), feedback="Good", reviewed_at=timezone.now()
    )
    event = HomeworkReviewed(submission.pk, homework.pk, student.pk, teacher.pk)
    homework_reviewed.send(
        sender=type(submission), event=event, submission=submission, previous_score=None, actor=teacher
    )
    notes = inbox("homework_reviewed")
    assert set(notes) == {student.pk, parent.pk}
    assert "8.5/10" in notes[student.pk][0].body and "Good" in notes[student.pk][0].body


def test_deadline_reminders_and_missed(klass, student, parent):
    homework = HomeworkFactory(group=klass[0], title="Essay")
    for kind in ("due_24h", "missed"):
        homework_deadline.send(
            sender=type(homework),
            event=HomeworkDeadline(homework.pk, (student.pk,), kind),
            homework=homework,
            student_ids=[student.pk],
            kind=kind,
        )
    assert set(inbox("homework_due_24h")) == {student.pk}
    assert set(inbox("homework_missed")) == {student.pk, parent.pk}


# --- payments -------------------------------------------------------------------------------------


def test_invoices_reach_student_and_parents(student, parent):
    payment = PaymentFactory(student=student, amount=50_000_050)
    payment_created.send(sender=Payment, event=PaymentsCreated((payment.pk,)))
    notes = inbox("payment_created")
    assert set(notes) == {student.pk, parent.pk}
    assert notes[parent.pk][0].title == "New invoice: 500 000,50 so'm"
    event = PaymentPaid(payment.pk, student.pk, True)
    payment_paid.send(sender=Payment, event=event, payment=payment, on_time=True)
    assert set(inbox("payment_paid")) == {student.pk, parent.pk}


def test_overdue_loads_payments_in_bulk(student, parent, django_assert_max_num_queries):
    payments = [PaymentFactory(student=student) for _ in range(3)] + [
        PaymentFactory(student=StudentFactory())
    ]
    with django_assert_max_num_queries(12):
        ids = [p.pk for p in payments]
        payment_overdue.send(sender=Payment, event=PaymentsOverdue(tuple(ids)), payment_ids=ids)
    notes = inbox("payment_overdue")
    assert len(notes[parent.pk]) == 3 and len(notes[payments[-1].student_id]) == 1


# --- gamification and accounts --------------------------------------------------------------------


def test_badges_and_rewards_reach_the_student_only(student, parent):
    earned = StudentAchievement.objects.create(student=student, code="first_homework")
    event = AchievementAwarded(earned.pk, student.pk, earned.code)
    achievement_awarded.send(sender=StudentAchievement, event=event, student_achievement=earned)
    assert inbox("achievement_awarded")[student.pk][0].title == "New badge: First homework"
    redemption = RedemptionFactory(student=student, reward__name="Notebook", price=40)
    event = RewardRedeemed(redemption.pk, student.pk)
    reward_redeemed.send(sender=type(redemption), event=event, redemption=redemption)
    [note] = inbox("reward_redeemed")[student.pk]
    assert note.body == f'{student.full_name} redeemed "Notebook" for 40 coins.'
    assert parent.pk not in inbox()


def test_email_verification_goes_through_notifications(db, run_on_commit):
    from modules.accounts.services import user_register

    with run_on_commit():
        user_register(
            first_name="Nodira",
            last_name="N",
            phone="+998901112233",
            email="nodira@example.uz",
            password="long-pass-123!",
            language="ru",
        )
    [message] = mail.outbox
    assert message.subject == "Подтвердите email в Markaz"
    assert NotificationLog.objects.get(kind="email_verification").status == "sent"


def test_a_reaction_task_run_twice_notifies_once(klass, student, parent):
    from modules.notifications import tasks

    lesson = klass[1][-1]
    AttendanceRecord.objects.create(
        lesson=lesson, student=student, status="absent", marked_at=lesson.starts_at
    )
    assert tasks.react("attendance_marked", lesson_id=lesson.pk, student_ids=[student.pk]) == 2
    assert tasks.react("attendance_marked", lesson_id=lesson.pk, student_ids=[student.pk]) == 0
    assert {u: len(n) for u, n in inbox("attendance_absent").items()} == {student.pk: 1, parent.pk: 1}
    assert NotificationLog.objects.filter(user=parent).count() == len(
        set(NotificationLog.objects.filter(user=parent).values_list("channel", flat=True))
    )


def test_receivers_only_enqueue_with_ids(monkeypatch, klass, student):
    """Without the at-once fixture's shortcut: a receiver enqueues one reaction task, and nothing
    is stored in the sender's transaction."""
    calls = []
    monkeypatch.setattr("modules.notifications.receivers.enqueue", lambda *a, **kw: calls.append((a, kw)))
    lesson = klass[1][-1]
    mark(lesson, student, "absent")
    assert calls == [
        (
            ("modules.notifications.tasks.react", "attendance_marked"),
            {"lesson_id": lesson.pk, "student_ids": [student.pk]},
        )
    ]
    assert not Notification.objects.exists()
