"""Through the real senders: a teacher marking attendance, cancelling a lesson, an admin issuing an
invoice — the parents hear about it on their channels. The clock is pinned (time-machine) to a morning
and an afternoon in Tashkent: the result must not depend on when the suite runs."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from modules.notifications.models import Notification, NotificationLog
from tests.factories.courses import local_today, make_group_with_students
from tests.factories.notifications import TelegramLinkFactory
from tests.notifications.conftest import SEND_PATH, sent_requests, tg_ok

TASHKENT = ZoneInfo("Asia/Tashkent")


@pytest.fixture(autouse=True, params=["09:00", "15:00"], ids=["morning", "afternoon"])
def local_clock(request, time_machine):
    """09:00 is before a lesson at 10:00 today has started: the lesson below must already be over."""
    hour, minute = map(int, request.param.split(":"))
    time_machine.move_to(datetime(2026, 11, 18, hour, minute, tzinfo=TASHKENT), tick=True)


@pytest.fixture
def lesson(teacher, student):
    """Yesterday's lesson: attendance can be marked on it at any hour of today."""
    first_day = local_today() - timedelta(days=2)
    group = make_group_with_students(teacher, [student], lessons=2, first_day=first_day, name="English B1")
    return group.lessons.order_by("starts_at").last()


def test_marking_absent_reaches_the_parent_on_telegram(
    api, teacher, student, parent, lesson, telegram_api, run_on_commit
):
    telegram_api.expect_request(SEND_PATH).respond_with_json(tg_ok(55))
    link = TelegramLinkFactory(user=parent, chat_id=8080)
    with run_on_commit():
        response = api(teacher).put(
            f"/lessons/{lesson.pk}/attendance", {"records": [{"student_id": student.pk, "status": "absent"}]}
        )
    assert response.status_code == 200, response.content
    note = Notification.objects.get(user=parent, kind="attendance_absent")
    assert note.data["lesson_id"] == lesson.pk
    log = NotificationLog.objects.get(user=parent, channel="telegram")
    assert (log.status, log.recipient, log.provider_message_id) == ("sent", str(link.chat_id), "55")
    [request] = sent_requests(telegram_api, SEND_PATH)
    assert json.loads(request.data)["chat_id"] == "8080"
    assert Notification.objects.filter(user=student, kind="attendance_absent").exists()

    # Marking the same status again changes nothing, so nobody is told twice.
    with run_on_commit():
        api(teacher).put(
            f"/lessons/{lesson.pk}/attendance", {"records": [{"student_id": student.pk, "status": "absent"}]}
        )
    assert Notification.objects.filter(user=parent, kind="attendance_absent").count() == 1


def test_cancelling_a_lesson_tells_students_and_parents(api, admin, student, parent, lesson, run_on_commit):
    with run_on_commit():
        response = api(admin).post(f"/lessons/{lesson.pk}/cancel", {"reason": "Teacher is ill"})
    assert response.status_code == 200, response.content
    notified = set(Notification.objects.filter(kind="lesson_cancelled").values_list("user_id", flat=True))
    assert notified == {student.pk, parent.pk}
    assert "Teacher is ill" in Notification.objects.get(user=parent).body


def test_an_invoice_reaches_student_and_parent(api, admin, student, parent, run_on_commit):
    with run_on_commit():
        response = api(admin).post(
            "/payments", {"student_id": student.pk, "amount": 45_000_000, "due_date": "2026-12-05"}
        )
    assert response.status_code in (200, 201), response.content
    notes = Notification.objects.filter(kind="payment_created")
    assert set(notes.values_list("user_id", flat=True)) == {student.pk, parent.pk}
    assert notes.get(user=parent).title == "New invoice: 450 000 so'm"
