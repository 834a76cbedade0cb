"""check_homework_deadlines: 24 h and 2 h reminders and the missed notice, each at most once."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from modules.homework.jobs import JOBS
from modules.homework.models import DeadlineReminder
from modules.homework.services import homework_check_deadlines
from modules.homework.tasks import check_homework_deadlines
from tests.factories.accounts import StudentFactory
from tests.factories.courses import MembershipFactory
from tests.factories.homework import HomeworkFactory, SubmissionFactory


def test_schedule_is_declared_every_15_minutes():
    spec = next(s for s in JOBS if s.func == "modules.homework.tasks.check_homework_deadlines")
    assert spec.minutes == 15


def test_reminders_go_to_students_who_have_not_submitted_once_each(group, student, received):
    done = StudentFactory()
    MembershipFactory(group=group, student=done)
    homework = HomeworkFactory(group=group, due_at=timezone.now() + timedelta(hours=20))
    SubmissionFactory(homework=homework, student=done)

    assert check_homework_deadlines()["due_24h"] == 1
    assert check_homework_deadlines()["due_24h"] == 0  # at most once
    calls = received["homework_deadline"]
    assert len(calls) == 1
    assert calls[0]["homework"].pk == homework.pk
    assert calls[0]["student_ids"] == [student.pk] and calls[0]["kind"] == "due_24h"

    now = homework.due_at - timedelta(hours=1)
    assert homework_check_deadlines(now=now)["due_2h"] == 1
    assert homework_check_deadlines(now=now + timedelta(minutes=15))["due_2h"] == 0
    later = homework.due_at + timedelta(minutes=10)
    assert homework_check_deadlines(now=later)["missed"] == 1
    assert homework_check_deadlines(now=later)["missed"] == 0
    assert [c["kind"] for c in received["homework_deadline"]] == ["due_24h", "due_2h", "missed"]
    assert DeadlineReminder.objects.filter(student=done).count() == 0


def test_nothing_for_far_deadlines_left_students_or_old_misses(group, student, received):
    HomeworkFactory(group=group, due_at=timezone.now() + timedelta(days=3))
    HomeworkFactory(group=group, due_at=timezone.now() - timedelta(days=5))
    assert check_homework_deadlines() == {"due_24h": 0, "due_2h": 0, "missed": 0}
    assert "homework_deadline" not in received
    left = StudentFactory()
    MembershipFactory(group=group, student=left, status="left", left_on=timezone.localdate())
    HomeworkFactory(group=group, due_at=timezone.now() + timedelta(hours=1))
    check_homework_deadlines()
    assert received["homework_deadline"][0]["student_ids"] == [student.pk]


def test_a_late_joiner_still_gets_the_reminder_later(group, student, received):
    homework = HomeworkFactory(group=group, due_at=timezone.now() + timedelta(hours=10))
    check_homework_deadlines()
    newcomer = StudentFactory()
    MembershipFactory(group=group, student=newcomer)
    check_homework_deadlines()
    assert [c["student_ids"] for c in received["homework_deadline"]] == [[student.pk], [newcomer.pk]]
    assert DeadlineReminder.objects.filter(homework=homework, kind="due_24h").count() == 2
