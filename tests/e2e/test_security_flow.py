"""End to end (real daphne + qcluster on PostgreSQL and Redis): the WebSocket findings of the security
review stay closed. Row 1: a classmate on group:<id> hears that the sheet changed, never its lines;
the teacher on group_staff:<id> gets the full sheet. Row 2: deactivating an admin through the API
closes the admin's open socket with 4401."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from websockets.exceptions import ConnectionClosed

from tests.e2e.harness import next_event, open_socket

pytestmark = pytest.mark.e2e


@pytest.fixture
def marked_lesson(transactional_db, teacher, student):
    from tests.factories.accounts import StudentFactory
    from tests.factories.courses import local_today, make_group_with_students

    classmate = StudentFactory(first_name="Hidden", phone="+998977778899")
    group = make_group_with_students(
        teacher, [student, classmate], lessons=1, first_day=local_today() - timedelta(days=1)
    )
    return {"lesson": group.lessons.get(), "group": group, "classmate": classmate}


async def subscribe(socket, channel: str) -> None:
    await socket.send(json.dumps({"action": "subscribe", "channel": channel}))
    assert (await next_event(socket, type="subscribed"))["channel"] == channel


async def test_row01_group_channel_hides_classmates_end_to_end(
    daphne_server, live_api, marked_lesson, teacher, student
):
    lesson, group, classmate = marked_lesson["lesson"], marked_lesson["group"], marked_lesson["classmate"]
    member, _ = await open_socket(daphne_server, live_api(student))
    staff, _ = await open_socket(daphne_server, live_api(teacher))
    await subscribe(member, f"group:{group.pk}")
    await subscribe(staff, f"group_staff:{group.pk}")

    body = {"records": [{"student_id": classmate.pk, "status": "absent", "note": "private matter"}]}
    response = await live_api(teacher).put(f"/lessons/{lesson.pk}/attendance", json=body)
    assert response.status_code == 200, response.text

    heard = await next_event(member, type="attendance.updated")
    assert heard["data"] == {"lesson_id": lesson.pk, "group_id": group.pk, "records": []}
    assert "+998977778899" not in json.dumps(heard) and "private matter" not in json.dumps(heard)
    sheet = await next_event(staff, type="attendance.updated")
    [line] = sheet["data"]["records"]
    assert (line["student"]["phone"], line["note"]) == ("+998977778899", "private matter")
    for socket in (member, staff):
        await socket.close()


async def test_row02_deactivated_admin_socket_is_closed_end_to_end(
    daphne_server, live_api, transactional_db, admin
):
    from tests.factories.accounts import AdminFactory

    socket, welcome = await open_socket(daphne_server, live_api(admin))
    assert "dashboard" in welcome["data"]["channels"]
    other_admin = await _make(AdminFactory)
    response = await live_api(other_admin).post(f"/users/{admin.pk}/deactivate")
    assert response.status_code == 200, response.text
    with pytest.raises(ConnectionClosed) as closed:
        while True:  # the not_authenticated error frame, then the close
            await next_event(socket, type="never")
    assert closed.value.rcvd.code == 4401


async def _make(factory):
    from asgiref.sync import sync_to_async

    return await sync_to_async(factory)()
