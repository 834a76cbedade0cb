"""End to end: daphne and qcluster as real processes on PostgreSQL and Redis, a `websockets` client.

Events reach the socket from a django-q2 task run by the worker process and from an HTTP request
served by daphne; a used ticket is refused with 4401 by the real server."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.db import connection
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.e2e.harness import next_event, open_socket

pytestmark = pytest.mark.e2e


@sync_to_async
def enqueue_through_the_broker(*args) -> None:
    """Queue a real django-q2 task in the ORM broker (the test process runs tasks inline otherwise)."""
    from django_q.tasks import async_task

    try:
        async_task("realtime.tasks.broadcast", *args, sync=False)
    finally:
        connection.close()  # this helper thread's connection; the test database is dropped later


async def test_a_task_run_by_the_worker_publishes_to_the_socket(
    daphne_server, qcluster_worker, live_api, transactional_db, student
):
    socket, welcome = await open_socket(daphne_server, live_api(student))
    assert welcome["data"]["user_id"] == student.pk
    assert welcome["data"]["channels"] == [f"user:{student.pk}"]
    event_id = str(uuid.uuid4())
    await enqueue_through_the_broker(f"user:{student.pk}", "payment.updated", payment(1), event_id)
    event = await next_event(socket, type="payment.updated")
    assert event["id"] == event_id
    assert event["channel"] == f"user:{student.pk}"
    assert event["data"]["id"] == 1
    assert event["seq"] == welcome["data"]["seq"][f"user:{student.pk}"] + 1
    await socket.close()


def payment(n: int) -> dict:
    """A `payment.updated` payload its declared model accepts, told apart by `id`."""
    return {
        "id": n,
        "student_id": 1,
        "group_id": None,
        "amount": 100 * n,
        "currency": "UZS",
        "status": "paid",
        "previous_status": "pending",
        "due_date": "2026-03-05",
        "period": None,
        "paid_at": "2026-03-01T09:00:00Z",
        "method": "cash",
    }


@sync_to_async
def publish_from_this_process(channel: str, n: int) -> None:
    """Publishes as a service in another process would: through Redis, numbered in the same sequence."""
    from realtime import publish_on_commit

    publish_on_commit(channel=channel, type="payment.updated", data=payment(n))


async def test_a_reconnect_with_since_replays_what_was_missed_exactly_once(
    daphne_server, live_api, transactional_db, student
):
    channel = f"user:{student.pk}"
    first, welcome = await open_socket(daphne_server, live_api(student))
    start = welcome["data"]["seq"][channel]
    await publish_from_this_process(channel, 1)
    last_seen = (await next_event(first, type="payment.updated"))["seq"]
    assert last_seen == start + 1
    await first.close()
    for n in (2, 3):  # while no socket is open
        await publish_from_this_process(channel, n)

    again, welcome = await open_socket(daphne_server, live_api(student))
    assert welcome["data"]["seq"][channel] == start + 3  # it can tell that it missed two
    await again.send(json.dumps({"action": "subscribe", "channel": channel, "since": last_seen}))
    assert (await next_event(again, type="subscribed"))["seq"] == start + 3
    replayed = [await next_event(again, type="payment.updated") for _ in range(2)]
    assert [(e["seq"], e["data"]["id"]) for e in replayed] == [(start + 2, 2), (start + 3, 3)]
    await publish_from_this_process(channel, 4)
    assert (await next_event(again, type="payment.updated"))["seq"] == start + 4
    await again.send(json.dumps({"action": "ping"}))
    assert json.loads(await again.recv()) == {"type": "pong"}  # nothing was sent twice before it

    await again.send(json.dumps({"action": "subscribe", "channel": channel, "since": start + 99}))
    assert (await next_event(again, type="subscribed"))["seq"] == start + 4
    assert json.loads(await again.recv()) == {"type": "resync", "channel": channel, "seq": start + 4}
    await again.close()


@pytest.fixture
def lesson_with_member(transactional_db, student):
    from tests.factories.courses import GroupFactory, MembershipFactory, local_dt, local_today
    from tests.factories.lessons import LessonFactory

    group = GroupFactory()
    MembershipFactory(group=group, student=student)
    return LessonFactory(group=group, starts_at=local_dt(local_today() + timedelta(days=7)))


async def test_an_http_request_publishes_to_subscribers_after_commit(
    daphne_server, live_api, lesson_with_member, student, outsider, admin
):
    lesson = lesson_with_member
    channel = f"group:{lesson.group_id}"
    member, _ = await open_socket(daphne_server, live_api(student))
    stranger, _ = await open_socket(daphne_server, live_api(outsider))
    await member.send(json.dumps({"action": "subscribe", "channel": channel}))
    assert (await next_event(member, type="subscribed"))["channel"] == channel
    await stranger.send(json.dumps({"action": "subscribe", "channel": channel}))
    assert (await next_event(stranger, type="error"))["code"] == "forbidden"

    response = await live_api(admin).post(f"/lessons/{lesson.pk}/cancel", json={"reason": "teacher is ill"})
    assert response.status_code == 200, response.text

    event = await next_event(member, type="lesson.updated")
    assert event["channel"] == channel
    assert event["data"]["id"] == lesson.pk
    assert event["data"]["status"] == "cancelled"
    await stranger.send(json.dumps({"action": "ping"}))
    assert json.loads(await stranger.recv()) == {"type": "pong"}  # nothing else was queued before it
    for socket in (member, stranger):
        await socket.close()


async def test_the_real_server_closes_a_used_ticket_with_4401(
    daphne_server, live_api, transactional_db, teacher
):
    ticket = (await live_api(teacher).post("/realtime/ticket")).json()["ticket"]
    url = f"{daphne_server.ws_url}?ticket={ticket}"
    async with connect(url, origin=daphne_server.origin) as first:
        assert json.loads(await first.recv())["type"] == "welcome"
    async with connect(url, origin=daphne_server.origin) as second:
        with pytest.raises(ConnectionClosed) as closed:
            await second.recv()
    assert closed.value.rcvd.code == 4401
