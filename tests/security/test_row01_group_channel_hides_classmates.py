"""Row 1: attendance.updated on group:<id> carried every changed record (classmates' phones,
statuses, the teacher's notes) to every student and parent of the group."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.test import TestCase

from modules.attendance import services
from tests.factories.accounts import StudentFactory
from tests.factories.courses import local_today, make_group_with_students
from tests.realtime.conftest import welcomed, ws_test

pytestmark = pytest.mark.django_db


@pytest.fixture
def sheet(teacher, student):
    classmate = StudentFactory(first_name="Secret", last_name="Classmate", phone="+998901110022")
    group = make_group_with_students(
        teacher, [student, classmate], lessons=2, first_day=local_today() - timedelta(days=1)
    )
    return {"group": group, "lesson": group.lessons.order_by("starts_at").first(), "classmate": classmate}


@sync_to_async
def mark(lesson, teacher, records):
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.attendance_mark_bulk(lesson=lesson, actor=teacher, records=records)


async def drain(socket) -> list[dict]:
    """Every frame that arrived (lesson.updated and leaderboard.updated come along too)."""
    frames = []
    while not await socket.communicator.receive_nothing(timeout=0.2):
        frames.append(await socket.receive())
    return frames


async def subscribe(socket, channel: str) -> dict:
    return await socket.request({"action": "subscribe", "channel": channel})


@ws_test
async def test_row01_group_channel_hides_classmates(sheet, teacher, student, parent):
    group, lesson, classmate = sheet["group"], sheet["lesson"], sheet["classmate"]
    listeners = [await welcomed(student), await welcomed(parent)]
    for socket in listeners:
        assert (await subscribe(socket, f"group:{group.pk}"))["type"] == "subscribed"
    records = [
        {"student_id": classmate.pk, "status": "absent", "note": "family trouble at home"},
        {"student_id": student.pk, "status": "present"},
    ]
    await mark(lesson, teacher, records)
    for socket in listeners:
        frames = await drain(socket)
        [event] = [f for f in frames if f["type"] == "attendance.updated"]
        assert event["channel"] == f"group:{group.pk}"
        assert event["data"] == {"lesson_id": lesson.pk, "group_id": group.pk, "records": []}
        # the group's leaderboard (names and coins) is the group's to see; phones and notes never are
        for secret in ("+998901110022", "family trouble", "absent"):
            assert secret not in json.dumps(frames)
        assert "Secret" not in json.dumps(event)


@ws_test
async def test_row01_staff_channel_carries_the_full_sheet(sheet, teacher, student, admin):
    group, lesson, classmate = sheet["group"], sheet["lesson"], sheet["classmate"]
    staff = await welcomed(teacher)
    assert (await subscribe(staff, f"group_staff:{group.pk}"))["type"] == "subscribed"
    await mark(lesson, teacher, [{"student_id": classmate.pk, "status": "absent", "note": "flu"}])
    [event] = [f for f in await drain(staff) if f["type"] == "attendance.updated"]
    assert event["channel"] == f"group_staff:{group.pk}"
    [line] = event["data"]["records"]
    assert (line["student"]["phone"], line["status"], line["note"]) == ("+998901110022", "absent", "flu")


@ws_test
async def test_row01_students_and_parents_may_not_join_the_staff_channel(
    sheet, student, parent, outsider, admin
):
    channel = f"group_staff:{sheet['group'].pk}"
    for user in (student, parent, outsider):
        answer = await subscribe(await welcomed(user), channel)
        assert (answer["type"], answer["code"]) == ("error", "forbidden")
    assert (await subscribe(await welcomed(admin), channel))["type"] == "subscribed"
