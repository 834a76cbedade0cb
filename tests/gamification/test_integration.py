"""Through the real senders: the attendance API marks, gamification's receiver pays."""

from __future__ import annotations

import pytest
from django.utils import timezone

from modules.gamification.models import CoinTransaction
from tests.factories.lessons import LessonFactory
from tests.gamification.conftest import balance_of

pytestmark = pytest.mark.django_db


def test_marking_attendance_through_the_api_moves_coins(api, teacher, student, group, run_on_commit):
    lesson = LessonFactory(group=group, starts_at=timezone.now().replace(microsecond=0))
    client = api(teacher)
    with run_on_commit():  # the reaction task runs (sync mode) once the request commits
        r = client.put(
            f"/lessons/{lesson.pk}/attendance", {"records": [{"student_id": student.pk, "status": "present"}]}
        )
    assert r.status_code == 200, r.content
    assert balance_of(student) == 10
    with run_on_commit():  # the reaction task runs (sync mode) once the request commits
        r = client.put(
            f"/lessons/{lesson.pk}/attendance", {"records": [{"student_id": student.pk, "status": "present"}]}
        )
    assert r.status_code == 200 and balance_of(student) == 10  # same marks again: nothing new
    with run_on_commit():  # the reaction task runs (sync mode) once the request commits
        r = client.put(
            f"/lessons/{lesson.pk}/attendance", {"records": [{"student_id": student.pk, "status": "absent"}]}
        )
    assert r.status_code == 200, r.content
    assert balance_of(student) == 0
    assert list(
        CoinTransaction.objects.filter(student=student).values_list("amount", flat=True).order_by("id")
    ) == [10, -10]


def test_reviewing_homework_through_the_api_moves_coins(api, teacher, student, group, run_on_commit):
    from tests.factories.homework import HomeworkFactory, SubmissionFactory

    submission = SubmissionFactory(homework=HomeworkFactory(group=group, max_score=10), student=student)
    client = api(teacher)
    with run_on_commit():  # the reaction task runs (sync mode) once the request commits
        r = client.post(f"/submissions/{submission.pk}/review", {"score": 9.5, "feedback": "Great"})
    assert r.status_code == 200, r.content
    assert balance_of(student) == 20 + 5 + 5  # band >= 90 %, on time, first-homework badge
    with run_on_commit():  # the reaction task runs (sync mode) once the request commits
        r = client.post(f"/submissions/{submission.pk}/review", {"score": 6, "feedback": "Rechecked"})
    assert r.status_code == 200, r.content
    assert balance_of(student) == 5 + 5 + 5  # lowered to the 50 % band: a compensating row
    assert CoinTransaction.objects.filter(student=student, reason="homework_score", amount=-15).exists()
