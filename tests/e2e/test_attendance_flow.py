"""End to end, the way production runs (daphne + qcluster processes, PostgreSQL in autocommit, Redis):
a teacher marks a lesson over HTTP → the present student's coins appear, the absent student's parent
gets the alert in the app and on Telegram (the worker's delivery to a local fake), and the group's
and the dashboard's sockets hear `attendance.updated`. Effects are polled for, never assumed
synchronous, so the test holds when reactions move to the worker."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from modules.gamification.settings_section import default_coin_rules
from tests.e2e.conftest import TELEGRAM_BOT_TOKEN
from tests.e2e.harness import eventually, next_event, open_socket

pytestmark = pytest.mark.e2e

SEND_MESSAGE = f"/bot{TELEGRAM_BOT_TOKEN}/sendMessage"
PARENT_CHAT = 7070


@pytest.fixture
def lesson(transactional_db, center_awake, teacher, student, parent):
    """A lesson that started two hours ago: `student` (whose parent has linked Telegram) and a
    classmate are on its roster."""
    from tests.factories.accounts import StudentFactory
    from tests.factories.courses import GroupFactory, MembershipFactory
    from tests.factories.lessons import LessonFactory
    from tests.factories.notifications import TelegramLinkFactory

    group = GroupFactory(teacher=teacher)
    classmate = StudentFactory(first_name="Cleo", last_name="Classmate")
    for member in (student, classmate):
        MembershipFactory(group=group, student=member)
    TelegramLinkFactory(user=parent, chat_id=PARENT_CHAT)
    lesson = LessonFactory(group=group, starts_at=timezone.now() - timedelta(hours=2))
    lesson.classmate = classmate
    return lesson


async def subscribed(daphne_server, api, channel: str):
    socket, _ = await open_socket(daphne_server, api)
    await socket.send(json.dumps({"action": "subscribe", "channel": channel}))
    assert (await next_event(socket, type="subscribed"))["channel"] == channel
    return socket


def items(response) -> list[dict]:
    assert response.status_code == 200, response.text
    return response.json()["items"]


async def test_marking_attendance_pays_coins_alerts_the_parent_and_tells_the_sockets(
    daphne_server, qcluster_worker, live_api, providers, lesson, teacher, student, parent, admin
):
    providers.expect_request(SEND_MESSAGE, method="POST").respond_with_json(
        {"ok": True, "result": {"message_id": 501, "chat": {"id": PARENT_CHAT}, "text": "x"}}
    )
    classmate = lesson.classmate
    group_socket = await subscribed(daphne_server, live_api(student), f"group:{lesson.group_id}")
    staff_socket = await subscribed(daphne_server, live_api(teacher), f"group_staff:{lesson.group_id}")
    dashboard = await subscribed(daphne_server, live_api(admin), "dashboard")

    response = await live_api(teacher).put(
        f"/lessons/{lesson.pk}/attendance",
        json={
            "records": [
                {"student_id": classmate.pk, "status": "present"},
                {"student_id": student.pk, "status": "absent"},
            ]
        },
    )
    assert response.status_code == 200, response.text

    # the group channel says only that the sheet changed (students and parents hear it): no one's line
    event = await next_event(group_socket, type="attendance.updated", timeout=20)
    assert (event["data"]["lesson_id"], event["data"]["records"]) == (lesson.pk, [])
    for socket, channel in ((staff_socket, f"group_staff:{lesson.group_id}"), (dashboard, "dashboard")):
        event = await next_event(socket, type="attendance.updated", timeout=20)
        assert event["channel"] == channel
        assert event["data"]["lesson_id"] == lesson.pk
        statuses = {r["student"]["id"]: r["status"] for r in event["data"]["records"]}
        assert statuses == {classmate.pk: "present", student.pk: "absent"}

    coins_api = live_api(classmate)

    async def classmate_balance():
        response = await coins_api.get(f"/students/{classmate.pk}/coins")
        assert response.status_code == 200, response.text
        return response.json()["balance"]

    assert await eventually(classmate_balance, what="coins for attending") == default_coin_rules()["present"]
    absent_coins = await live_api(student).get(f"/students/{student.pk}/coins")
    assert absent_coins.json()["balance"] == 0

    parent_api = live_api(parent)

    async def absence_alert():
        return [n for n in items(await parent_api.get("/notifications")) if n["kind"] == "attendance_absent"]

    [alert] = await eventually(absence_alert, what="the parent's absence alert")
    assert alert["data"]["lesson_id"] == lesson.pk
    assert alert["read"] is False

    async def delivered():
        return [request for request, _ in providers.log if request.path == SEND_MESSAGE]

    [sent] = await eventually(delivered, what="the parent's Telegram message from the worker")
    assert json.loads(sent.data)["chat_id"] == str(PARENT_CHAT)
    for socket in (group_socket, dashboard):
        await socket.close()
