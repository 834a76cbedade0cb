"""Lessons and weekly slots per branch: a branch admin lists, reads, changes, reschedules and generates
only their branches' lessons; a room of another branch in a body is a 422 `branch_forbidden`."""

from __future__ import annotations

import pytest

from tests.factories.branches import two_branches
from tests.factories.courses import LessonScheduleFactory, local_dt, local_today


@pytest.fixture
def world(db):
    return two_branches()


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["items"]}


def test_each_lists_their_branchs_lessons(api, world):
    a, b = world.a, world.b
    assert _ids(api(a.admin).get("/lessons")) == {a.lesson.id}
    assert _ids(api(b.admin).get("/lessons")) == {b.lesson.id}
    assert _ids(api(world.director).get("/lessons")) == {a.lesson.id, b.lesson.id}
    assert _ids(api(world.director).get("/lessons", {"branch": a.branch.id})) == {a.lesson.id}


def test_another_branchs_lesson_and_schedule_are_404(api, world):
    client, b = api(world.a.admin), world.b
    schedule = LessonScheduleFactory(group=b.group)
    when = local_dt(local_today()).isoformat()
    assert client.get(f"/lessons/{b.lesson.id}").status_code == 404
    assert client.patch(f"/lessons/{b.lesson.id}", {"topic": "X"}).status_code == 404
    assert (
        client.post(f"/lessons/{b.lesson.id}/reschedule", {"starts_at": when, "reason": "r"}).status_code
        == 404
    )
    assert client.post(f"/lessons/{b.lesson.id}/cancel", {"reason": "r"}).status_code == 404
    assert client.get(f"/lessons/{b.lesson.id}/reschedules").status_code == 404
    period = {"date_from": local_today().isoformat(), "date_to": local_today().isoformat()}
    assert client.post(f"/groups/{b.group.id}/lessons/generate", period).status_code == 404
    assert client.get(f"/groups/{b.group.id}/schedules").status_code == 404
    assert client.patch(f"/schedules/{schedule.id}", {"start_time": "11:00"}).status_code == 404
    assert client.delete(f"/schedules/{schedule.id}").status_code == 404
    b.lesson.refresh_from_db()
    assert b.lesson.topic != "X" and b.lesson.status == "scheduled"


def test_another_branchs_room_in_a_body_is_refused(api, world):
    a, b = world.a, world.b
    client = api(a.admin)
    when = local_dt(local_today()).replace(hour=18).isoformat()
    r = client.post(
        f"/lessons/{a.lesson.id}/reschedule", {"starts_at": when, "reason": "r", "room_id": b.room.id}
    )
    assert r.status_code == 422 and r.json()["code"] == "branch_forbidden"
    slot = {"weekday": 2, "start_time": "15:00", "room_id": b.room.id}
    r = client.post(f"/groups/{a.group.id}/schedules", slot)
    assert r.status_code == 422 and r.json()["code"] == "branch_forbidden"
    r = client.post(f"/groups/{a.group.id}/schedules", {**slot, "room_id": a.room.id})
    assert r.status_code == 201, r.content


def test_the_shared_teacher_sees_both_branches_lessons(api, world):
    assert _ids(api(world.shared_teacher).get("/lessons")) == {world.a.lesson.id, world.b.lesson.id}
