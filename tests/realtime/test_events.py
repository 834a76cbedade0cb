"""publish_on_commit(): the envelope, delivery after commit only, who receives what, the worker task."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
from asgiref.sync import sync_to_async
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.test import TestCase
from pydantic import BaseModel, ValidationError

from realtime import contract, publish_on_commit
from realtime.publish import drain_publications
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
    drain_publications()  # publishing does not wait for the layer; a test that reads it next does
    return envelope


@ws_test
async def test_an_event_arrives_with_the_envelope_after_commit(student):
    socket = await welcomed(student)
    sent = await publish(f"user:{student.pk}", "test.ping", {"n": 40})
    event = await socket.receive()
    assert set(event) == {"type", "channel", "id", "seq", "ts", "data"}
    assert (event["type"], event["channel"], event["id"]) == (sent["type"], sent["channel"], sent["id"])
    assert event["data"] == {"n": 40, "note": ""}  # through the declared model: defaults filled in
    assert uuid.UUID(event["id"]).version == 4
    assert event["seq"] == 1
    assert event["ts"].endswith("Z") and datetime.fromisoformat(event["ts"]).tzinfo is not None


async def rollback_scenario(student) -> None:
    socket = await welcomed(student)
    await publish(f"user:{student.pk}", "test.ping", {"n": 999}, rollback=True)
    await publish(f"user:{student.pk}", "test.ping", {"n": 40})
    # Delivery keeps order on one socket, so had the first been sent it would arrive first.
    event = await socket.receive()
    assert event["data"]["n"] == 40
    assert event["seq"] == 1  # a rolled-back event takes no number either
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
            publish_on_commit(channel=f"user:{student.pk}", type="test.ping", data={})
            return socket.communicator.output_queue.qsize()

    assert await publish_then_wait() == 0
    assert (await socket.receive())["type"] == "test.ping"


@ws_test
async def test_user_channels_reach_only_their_user(student, outsider):
    mine, theirs = await welcomed(student), await welcomed(outsider)
    await publish(f"user:{outsider.pk}", "test.ping", {"note": "outsider"})
    await publish(f"user:{student.pk}", "test.ping", {"note": "student"})
    assert (await mine.receive())["data"]["note"] == "student"
    assert (await theirs.receive())["data"]["note"] == "outsider"
    assert await mine.communicator.receive_nothing(timeout=0.2)


@ws_test
async def test_dashboard_reaches_admins_only(admin, teacher):
    admin_socket, teacher_socket = await welcomed(admin), await welcomed(teacher)
    await publish("dashboard", "test.ping", {"n": 1})
    await publish(f"user:{teacher.pk}", "test.ping", {"n": 2})
    assert (await admin_socket.receive())["data"]["n"] == 1
    assert (await teacher_socket.receive())["data"]["n"] == 2


@ws_test
async def test_subscribed_channel_events_reach_every_member(student, outsider, room_kind):
    sockets = [await welcomed(student), await welcomed(outsider)]
    for socket in sockets:
        await socket.request({"action": "subscribe", "channel": "room:3"})
    sent = await publish("room:3", "test.ping", {"n": 5})
    for socket in sockets:
        event = await socket.receive()
        assert (event["id"], event["data"]["n"], event["seq"]) == (sent["id"], 5, 1)


class WhenData(BaseModel):
    at: datetime
    on: date
    maybe: datetime | None = None


@ws_test
async def test_times_are_written_as_the_rest_api_writes_them(student):
    contract.event_type("test.when", WhenData, channels=("user",), summary="tests only")
    try:
        socket = await welcomed(student)
        when = datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)
        sent = await publish(f"user:{student.pk}", "test.when", {"at": when, "on": date(2026, 1, 2)})
        event = await socket.receive()
    finally:
        contract._types.pop("test.when", None)
    # one format for `ts` and every time inside `data`: UTC, milliseconds, Z (DjangoJSONEncoder's)
    assert event["data"] == {"at": "2026-01-02T03:04:05.678Z", "on": "2026-01-02", "maybe": None}
    assert event["ts"] == DjangoJSONEncoder().default(sent["ts"])


def test_a_bad_channel_type_or_payload_fails_in_the_caller():
    with pytest.raises(ValueError):
        publish_on_commit(channel="room 12", type="test.ping", data={})
    with pytest.raises(ValueError):  # a channel kind the type is not declared for
        publish_on_commit(channel="group:12", type="test.ping", data={})
    with pytest.raises(LookupError):  # nobody declared it: it would be missing from the contract
        publish_on_commit(channel="user:1", type="x.unknown", data={})
    with pytest.raises(ValidationError):
        publish_on_commit(channel="user:1", type="test.ping", data={"n": "many"})


def test_declaring_a_type_again_with_another_model_is_refused():
    with pytest.raises(ValueError):
        contract.event_type("test.ping", WhenData, channels=("user",), summary="tests only")


@sync_to_async
def run_task(*args):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return broadcast(*args)


@ws_test
async def test_the_broadcast_task_publishes_and_keeps_a_given_id(student):
    socket = await welcomed(student)
    event_id = str(uuid.uuid4())
    for _ in range(2):  # a retried task sends the same event id again
        assert await run_task(f"user:{student.pk}", "test.ping", {"n": 1}, event_id) == event_id
    first, second = await socket.receive(), await socket.receive()
    assert first["id"] == second["id"] == event_id
    assert (first["seq"], second["seq"]) == (1, 2)  # each sending is numbered: clients drop by id
