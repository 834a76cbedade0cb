"""publish_on_commit(): the envelope, delivery after commit only, who receives what, the worker task."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
from asgiref.sync import sync_to_async
from django.db import transaction
from django.test import TestCase

from realtime import publish_on_commit
from realtime.tasks import broadcast
from tests.realtime.conftest import welcomed, ws_test

pytestmark = pytest.mark.django_db


class Rollback(Exception):
    pass


@sync_to_async
def publish(channel: str, type: str, data: dict, *, rollback: bool = False) -> dict:
    """Publishes inside a transaction, as a service would, then commits or rolls back. Inside the
    test's own transaction the on-commit callbacks are run when the block ends (as a commit would);
    in `transaction=True` tests the commit is real."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        try:
            with transaction.atomic():
                envelope = publish_on_commit(channel=channel, type=type, data=data)
                if rollback:
                    raise Rollback
        except Rollback:
            pass
    return envelope


@ws_test
async def test_an_event_arrives_with_the_envelope_after_commit(student):
    socket = await welcomed(student)
    sent = await publish(f"user:{student.pk}", "coins.updated", {"balance": 40})
    event = await socket.receive()
    assert event == sent
    assert set(event) == {"type", "channel", "id", "ts", "data"}
    assert event["type"] == "coins.updated"
    assert event["channel"] == f"user:{student.pk}"
    assert uuid.UUID(event["id"]).version == 4
    assert datetime.fromisoformat(event["ts"]).tzinfo is not None


async def rollback_scenario(student) -> None:
    socket = await welcomed(student)
    await publish(f"user:{student.pk}", "coins.updated", {"balance": 999}, rollback=True)
    await publish(f"user:{student.pk}", "coins.updated", {"balance": 40})
    # Delivery keeps order on one socket, so had the first been sent it would arrive first.
    assert (await socket.receive())["data"] == {"balance": 40}
    assert await socket.communicator.receive_nothing(timeout=0.2)


@ws_test
async def test_rolled_back_work_sends_nothing(student):
    await rollback_scenario(student)


@pytest.mark.django_db(transaction=True)
@ws_test
async def test_rolled_back_work_sends_nothing_with_real_commits(student):
    await rollback_scenario(student)


@pytest.mark.django_db(transaction=True)
@ws_test
async def test_nothing_leaves_before_the_commit(student):
    socket = await welcomed(student)

    @sync_to_async
    def publish_then_wait():
        with transaction.atomic():
            publish_on_commit(channel=f"user:{student.pk}", type="coins.updated", data={})
            return socket.communicator.output_queue.qsize()

    assert await publish_then_wait() == 0
    assert (await socket.receive())["type"] == "coins.updated"


@ws_test
async def test_user_channels_reach_only_their_user(student, outsider):
    mine, theirs = await welcomed(student), await welcomed(outsider)
    await publish(f"user:{outsider.pk}", "homework.updated", {"for": "outsider"})
    await publish(f"user:{student.pk}", "homework.updated", {"for": "student"})
    assert (await mine.receive())["data"] == {"for": "student"}
    assert (await theirs.receive())["data"] == {"for": "outsider"}
    assert await mine.communicator.receive_nothing(timeout=0.2)


@ws_test
async def test_dashboard_reaches_admins_only(admin, teacher):
    admin_socket, teacher_socket = await welcomed(admin), await welcomed(teacher)
    await publish("dashboard", "payment.updated", {"id": 1})
    await publish(f"user:{teacher.pk}", "notification.created", {"id": 2})
    assert (await admin_socket.receive())["data"] == {"id": 1}
    assert (await teacher_socket.receive())["data"] == {"id": 2}


@ws_test
async def test_subscribed_channel_events_reach_every_member(student, outsider, room_kind):
    sockets = [await welcomed(student), await welcomed(outsider)]
    for socket in sockets:
        await socket.request({"action": "subscribe", "channel": "room:3"})
    sent = await publish("room:3", "lesson.updated", {"lesson": 5})
    for socket in sockets:
        assert await socket.receive() == sent


@ws_test
async def test_payloads_with_dates_are_encoded(student):
    socket = await welcomed(student)
    when = datetime(2026, 1, 2, 3, 4, tzinfo=UTC)
    await publish(f"user:{student.pk}", "lesson.updated", {"at": when, "on": date(2026, 1, 2)})
    assert (await socket.receive())["data"] == {"at": "2026-01-02T03:04:00Z", "on": "2026-01-02"}


def test_a_bad_channel_or_payload_fails_in_the_caller():
    with pytest.raises(ValueError):
        publish_on_commit(channel="group 12", type="x", data={})
    with pytest.raises(TypeError):
        publish_on_commit(channel="group:12", type="x", data={"x": object()})


@sync_to_async
def run_task(*args):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return broadcast(*args)


@ws_test
async def test_the_broadcast_task_publishes_and_keeps_a_given_id(student):
    socket = await welcomed(student)
    event_id = str(uuid.uuid4())
    for _ in range(2):  # a retried task sends the same event id again
        assert await run_task(f"user:{student.pk}", "coins.updated", {"b": 1}, event_id) == event_id
    first, second = await socket.receive(), await socket.receive()
    assert first["id"] == second["id"] == event_id
