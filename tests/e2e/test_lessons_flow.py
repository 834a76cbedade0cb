"""End to end on PostgreSQL in autocommit, through daphne and the qcluster worker over real HTTP: a
new group gets a weekly slot through the API, the worker generates its lessons (the task the slot
enqueues), and the lessons are listed by GET /lessons. The generate endpoint itself answers over
HTTP too (it answered 500 in production while every in-transaction test passed)."""

from __future__ import annotations

import time
from datetime import timedelta

import httpx
import pytest

from core.auth import issue_access_token

pytestmark = pytest.mark.e2e


def http(daphne_server, user) -> httpx.Client:
    return httpx.Client(
        base_url=f"{daphne_server.url}/api/v1",
        headers={"Authorization": f"Bearer {issue_access_token(user)}"},
        timeout=10,
    )


def poll(fetch, done, *, timeout: float = 60, what: str):
    """fetch() until done(value) or the deadline; returns the last value."""
    deadline = time.monotonic() + timeout
    value = fetch()
    while not done(value):
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: still {value!r} after {timeout}s")
        time.sleep(0.2)
        value = fetch()
    return value


def expected_days(start, end, weekday) -> list:
    """The slot's local dates in [start, end], holidays left out (the same rule generation applies)."""
    from modules.courses.selectors import holidays_between

    holidays = holidays_between(start, end)
    day = start + timedelta(days=(weekday - start.weekday()) % 7)
    out = []
    while day <= end:
        if day not in holidays:
            out.append(day)
        day += timedelta(days=7)
    return out


@pytest.fixture
def center(transactional_db):
    from tests.factories.courses import BranchFactory, CourseFactory, RoomFactory

    branch = BranchFactory(name="E2E lessons branch")
    return {"branch": branch, "course": CourseFactory(), "room": RoomFactory(branch=branch)}


def test_new_group_slot_lessons_generated_by_the_worker_and_listed(
    daphne_server, qcluster_worker, center, admin, teacher, student
):
    from django.utils import timezone

    from modules.lessons.services.generation import horizon_range

    today = timezone.localdate()
    staff = http(daphne_server, admin)
    group = staff.post(
        "/groups",
        json={
            "name": "E2E generated group",
            "branch_id": center["branch"].pk,
            "course_id": center["course"].pk,
            "teacher_id": teacher.pk,
            "room_id": center["room"].pk,
            "start_date": today.isoformat(),
            "end_date": (today + timedelta(days=120)).isoformat(),
            "status": "active",
        },
    )
    assert group.status_code == 201, group.text
    group_id = group.json()["id"]
    joined = staff.post(f"/groups/{group_id}/members", json={"student_id": student.pk})
    assert joined.status_code in (200, 201), joined.text

    weekday = (today + timedelta(days=1)).weekday()
    slot = staff.post(f"/groups/{group_id}/schedules", json={"weekday": weekday, "start_time": "15:00"})
    assert slot.status_code == 201, slot.text

    start, end = horizon_range(today)
    days = expected_days(start, end, weekday)
    assert days, "the horizon holds at least one slot"

    def lessons_of(client):
        res = client.get("/lessons", params={"group": group_id, "limit": 100})
        assert res.status_code == 200, res.text
        return res.json()["items"]

    items = poll(lambda: lessons_of(staff), lambda v: len(v) >= len(days), what="lessons generated")
    local = [timezone.localtime(timezone.datetime.fromisoformat(i["starts_at"])) for i in items]
    assert [d.date() for d in local] == days
    assert {(d.hour, d.minute) for d in local} == {(15, 0)}
    assert {i["status"] for i in items} == {"scheduled"}
    # the member sees the same lessons, over the same real HTTP stack
    assert [i["id"] for i in lessons_of(http(daphne_server, student))] == [i["id"] for i in items]

    # the generate endpoint, past the horizon, on PostgreSQL in autocommit
    later_from, later_to = end + timedelta(days=1), end + timedelta(days=35)
    res = staff.post(
        f"/groups/{group_id}/lessons/generate",
        json={"date_from": later_from.isoformat(), "date_to": later_to.isoformat()},
    )
    assert res.status_code == 200, res.text
    assert res.json()["created"] == len(expected_days(later_from, later_to, weekday))
    again = staff.post(
        f"/groups/{group_id}/lessons/generate",
        json={"date_from": later_from.isoformat(), "date_to": later_to.isoformat()},
    )
    assert again.status_code == 200 and again.json()["created"] == 0
