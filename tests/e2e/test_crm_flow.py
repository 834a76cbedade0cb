"""End to end on PostgreSQL and Redis, through daphne and the qcluster worker: a front desk takes an
enquiry, books a trial, the teacher marks the guest (the worker moves the lead on), the lead is
converted into a billed student in one call (repeating it changes nothing), and the website form
answers 202 while the worker tells the admins."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.db import connection
from django.utils import timezone

pytestmark = pytest.mark.e2e


def _orm(fn):
    """An ORM read or write from the async test, on a helper thread whose connection is closed after
    (the test database is dropped at the end, and an idle connection would block that)."""

    def run(*args):
        try:
            return fn(*args)
        finally:
            connection.close()

    return sync_to_async(run)


async def _poll(fetch, done, *, timeout: float = 30, what: str):
    """Calls `fetch` until `done(result)`, at most `timeout` seconds (the worker runs the tasks)."""
    deadline = time.monotonic() + timeout
    while True:
        result = await fetch()
        if done(result):
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not reached in {timeout}s (last: {result!r})")
        await asyncio.sleep(0.2)


@pytest.fixture
def front_desk(transactional_db, teacher):
    from tests.factories.courses import GroupFactory, RoomFactory, local_dt, local_today
    from tests.factories.lessons import LessonFactory

    room = RoomFactory(capacity=10)
    group = GroupFactory(teacher=teacher, room=room, branch=room.branch)
    lesson = LessonFactory(group=group, starts_at=local_dt(local_today() + timedelta(days=2)))
    return group, lesson


@_orm
def _lesson_has_started(lesson_id: int) -> None:
    """The booked lesson's hour has come (moved, instead of waiting two days)."""
    from modules.lessons.models import Lesson

    now = timezone.now()
    Lesson.objects.filter(pk=lesson_id).update(
        starts_at=now - timedelta(minutes=10), ends_at=now + timedelta(minutes=80)
    )


@_orm
def _billing_of(membership_id: int) -> int:
    from modules.payments.models import PaymentSchedule

    return PaymentSchedule.objects.filter(membership_id=membership_id, is_active=True).count()


@_orm
def _announcements_for(user_id: int) -> list:
    from modules.notifications.models import Notification

    return list(Notification.objects.filter(user_id=user_id, kind="broadcast").values_list("data", flat=True))


async def test_enquiry_to_billed_student(
    daphne_server, qcluster_worker, live_api, front_desk, admin, teacher
):
    group, lesson = front_desk
    desk = live_api(admin)
    created = await desk.post(
        "/leads", json={"first_name": "Zarina", "phone": "94 111 22 33", "source": "phone_call"}
    )
    assert created.status_code == 201, created.text
    lead_id = created.json()["id"]
    booked = await desk.post(f"/leads/{lead_id}/trial", json={"lesson_id": lesson.pk})
    assert booked.status_code == 200, booked.text
    assert booked.json()["status"] == "trial_scheduled"

    await _lesson_has_started(lesson.pk)
    marked = await live_api(teacher).put(
        f"/lessons/{lesson.pk}/attendance", json={"trials": [{"lead_id": lead_id, "status": "present"}]}
    )
    assert marked.status_code == 200, marked.text
    assert marked.json()["trials"][0]["status"] == "present"
    attended = await _poll(
        lambda: desk.get(f"/leads/{lead_id}"),
        lambda r: r.json()["status"] == "trial_attended",
        what="the worker moves the lead to trial_attended",
    )
    assert attended.json()["trials"][0]["status"] == "present"

    body = {"group_id": group.pk, "discount_type": "fixed", "discount_value": 5_000_000}
    converted = await desk.post(f"/leads/{lead_id}/convert", json=body)
    assert converted.status_code == 200, converted.text
    result = converted.json()
    assert result["student"]["phone"] == "+998941112233"
    assert (
        result["membership"]["group_id"] == group.pk and result["membership"]["discount_value"] == 5_000_000
    )
    again = await desk.post(f"/leads/{lead_id}/convert", json=body)
    assert again.json()["student"]["id"] == result["student"]["id"]
    assert again.json()["membership"]["id"] == result["membership"]["id"]
    assert (await desk.get(f"/leads/{lead_id}")).json()["status"] == "won"
    membership_id = result["membership"]["id"]
    await _poll(  # billing opens in the worker, from the membership signal's task
        lambda: _billing_of(membership_id), lambda count: count == 1, what="the membership's billing schedule"
    )


async def test_website_form_reaches_the_admins(
    daphne_server, qcluster_worker, live_api, transactional_db, admin
):
    anonymous = live_api()
    answer = await anonymous.post("/public/leads", json={"first_name": "Ulug'bek", "phone": "+998945556677"})
    assert answer.status_code == 202, answer.text
    found = await live_api(admin).get("/leads", params={"search": "945556677"})
    lead = found.json()["items"][0]
    assert lead["source"] == "website"
    notes = await _poll(
        lambda: _announcements_for(admin.pk),
        lambda rows: any(d.get("lead_id") == lead["id"] for d in rows),
        what="the worker announces the web lead",
    )
    assert {"event": "lead_new", "lead_id": lead["id"]} in notes
