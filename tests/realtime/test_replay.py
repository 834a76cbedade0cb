"""Per-channel `seq`, and `subscribe` with `since`: missed events replayed exactly once, `resync` when
they are no longer kept, and never anything the live feed would not have delivered."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine
from channels.layers import get_channel_layer

from realtime.groups import group_name
from realtime.publish import layer_message
from realtime.sequence import MemorySequencer
from tests.realtime.conftest import welcomed, ws_test
from tests.realtime.test_events import publish
from tests.security.test_row01_group_channel_hides_classmates import drain, mark, sheet  # noqa: F401

pytestmark = pytest.mark.django_db


async def ping(channel: str, n: int) -> dict:
    return await publish(channel, "test.ping", {"n": n})


async def subscribe(socket, channel: str, since=None) -> dict:
    frame = {"action": "subscribe", "channel": channel}
    if since is not None:
        frame["since"] = since
    return await socket.request(frame)


@ws_test
async def test_seq_counts_each_channel_on_its_own(student, room_kind):
    socket = await welcomed(student)
    await subscribe(socket, "room:1")
    for n, channel in enumerate(["room:1", f"user:{student.pk}", "room:1", "room:1", f"user:{student.pk}"]):
        await ping(channel, n)
    seen = [await socket.receive() for _ in range(5)]
    assert [(e["channel"].split(":")[0], e["seq"]) for e in seen] == [
        ("room", 1),
        ("user", 1),
        ("room", 2),
        ("room", 3),
        ("user", 2),
    ]


@ws_test
async def test_a_reconnect_with_since_gets_what_it_missed_exactly_once(student, room_kind):
    socket = await welcomed(student)
    await subscribe(socket, "room:1")
    await ping("room:1", 1)
    last_seen = (await socket.receive())["seq"]
    # away: the channel is not heard (one socket stands in for the old and the new connection, as
    # channels closes the test's database connection when a consumer in the test's thread ends)
    await socket.request({"action": "unsubscribe", "channel": "room:1"})
    for n in (2, 3):
        await ping("room:1", n)

    assert await subscribe(socket, "room:1", since=last_seen) == {
        "type": "subscribed",
        "channel": "room:1",
        "seq": 3,
    }
    replayed = [await socket.receive(), await socket.receive()]
    assert [(e["seq"], e["data"]["n"]) for e in replayed] == [(2, 2), (3, 3)]
    await ping("room:1", 4)
    assert (await socket.receive())["seq"] == 4
    assert await socket.communicator.receive_nothing(timeout=0.2)


@ws_test
async def test_a_live_copy_of_a_replayed_event_is_dropped(student, room_kind):
    """The race a replay opens: an event logged before the log was read but delivered by the layer
    after the socket joined arrives twice, once replayed and once live; the live copy is dropped."""
    await ping("room:1", 1)
    socket = await welcomed(student)
    await subscribe(socket, "room:1", since=0)
    replayed = await socket.receive()
    await get_channel_layer().group_send(group_name("room:1"), layer_message("room:1", 1, "late copy"))
    await ping("room:1", 2)
    assert replayed["seq"] == 1
    assert (await socket.receive())["seq"] == 2  # the late copy never reached the client


@ws_test
async def test_own_channels_replay_up_to_where_the_socket_hears_them_live(student):
    await ping(f"user:{student.pk}", 1)
    await ping(f"user:{student.pk}", 2)
    socket = await welcomed(student)  # welcome says user:N stood at 2 when the socket joined it
    await ping(f"user:{student.pk}", 3)  # live
    assert (await socket.receive())["seq"] == 3
    reply = await subscribe(socket, f"user:{student.pk}", since=1)
    assert reply == {"type": "subscribed", "channel": f"user:{student.pk}", "seq": 3}
    assert (await socket.receive())["seq"] == 2  # only the missed one: 3 came live already
    assert await socket.communicator.receive_nothing(timeout=0.2)


@ws_test
async def test_the_welcome_tells_where_the_own_channels_stand(student):
    await ping(f"user:{student.pk}", 1)
    connected = await welcomed(student)
    reply = await subscribe(connected, f"user:{student.pk}")
    assert reply["seq"] == 1


@ws_test
async def test_since_older_than_the_window_is_a_resync(student, room_kind):
    with time_machine.travel("2026-03-01 09:00:00+00:00", tick=False) as clock:
        await ping("room:1", 1)
        await ping("room:1", 2)
        clock.shift(timedelta(minutes=11))
        socket = await welcomed(student)
        assert (await subscribe(socket, "room:1", since=0))["seq"] == 2
        assert await socket.receive() == {"type": "resync", "channel": "room:1", "seq": 2}
        await ping("room:1", 3)
        assert (await socket.receive())["seq"] == 3  # live events go on after a resync


@ws_test
async def test_since_beyond_what_is_kept_is_a_resync(student, room_kind, settings):
    settings.REALTIME_REPLAY_MAX_EVENTS = 3
    for n in range(1, 8):
        await ping("room:1", n)
    socket = await welcomed(student)
    await subscribe(socket, "room:1", since=1)
    assert (await socket.receive())["type"] == "resync"


@ws_test
async def test_since_ahead_of_the_channel_is_a_resync(student, room_kind):
    """A cursor from before the counters were reset (Redis flushed): the client must refetch."""
    await ping("room:1", 1)
    socket = await welcomed(student)
    await subscribe(socket, "room:1", since=40)
    assert await socket.receive() == {"type": "resync", "channel": "room:1", "seq": 1}


@ws_test
async def test_since_equal_to_the_latest_replays_nothing(student, room_kind):
    await ping("room:1", 1)
    socket = await welcomed(student)
    assert (await subscribe(socket, "room:1", since=1))["seq"] == 1
    assert await socket.communicator.receive_nothing(timeout=0.2)


@pytest.mark.parametrize("since", [-1, "3", 1.5, True, None])
@ws_test
async def test_a_bad_since_is_refused(student, room_kind, since):
    socket = await welcomed(student)
    reply = await socket.request({"action": "subscribe", "channel": "room:1", "since": since})
    if since is None:  # null is the same as leaving it out
        assert reply["type"] == "subscribed"
    else:
        assert (reply["type"], reply["code"], reply["channel"]) == ("error", "invalid_since", "room:1")


@ws_test
async def test_a_replay_is_authorized_like_a_subscription(student, room_kind):
    await ping("room:2", 1)  # even rooms are refused by the room rule
    socket = await welcomed(student)
    reply = await subscribe(socket, "room:2", since=0)
    assert (reply["type"], reply["code"]) == ("error", "forbidden")
    assert await socket.communicator.receive_nothing(timeout=0.2)


@ws_test
async def test_someone_elses_user_channel_is_never_replayed(student, outsider):
    await ping(f"user:{outsider.pk}", 1)
    socket = await welcomed(student)
    assert (await subscribe(socket, f"user:{outsider.pk}", since=0))["code"] == "forbidden"
    assert await socket.communicator.receive_nothing(timeout=0.2)


@ws_test
async def test_replayed_attendance_keeps_the_group_and_staff_split(sheet, teacher, student):  # noqa: F811
    group, lesson, classmate = sheet["group"], sheet["lesson"], sheet["classmate"]
    await mark(lesson, teacher, [{"student_id": classmate.pk, "status": "absent", "note": "flu"}])

    member = await welcomed(student)
    await subscribe(member, f"group:{group.pk}", since=0)
    heard = await drain(member)
    [event] = [f for f in heard if f["type"] == "attendance.updated"]
    assert event["data"]["records"] == []
    assert "flu" not in json.dumps(heard) and "+998901110022" not in json.dumps(heard)
    assert (await subscribe(member, f"group_staff:{group.pk}", since=0))["code"] == "forbidden"
    assert await member.communicator.receive_nothing(timeout=0.2)

    staff = await welcomed(teacher)
    await subscribe(staff, f"group_staff:{group.pk}", since=0)
    [sheet_event] = [f for f in await drain(staff) if f["type"] == "attendance.updated"]
    assert sheet_event["data"]["records"][0]["note"] == "flu"


def test_the_in_memory_sequencer_numbers_logs_and_trims(settings):
    settings.REALTIME_REPLAY_MAX_EVENTS = 2
    memory = MemorySequencer()
    stamped = memory.stamp([("room:1", '{"type":"a"'), ("room:1", '{"type":"b"'), ("room:2", '{"type":"c"')])
    assert stamped == [(1, '{"type":"a","seq":1}'), (2, '{"type":"b","seq":2}'), (1, '{"type":"c","seq":1}')]
    memory.stamp([("room:1", '{"type":"d"')])
    assert memory.replay("room:1", 1).texts == ['{"type":"b","seq":2}', '{"type":"d","seq":3}']
    assert memory.replay("room:1", 0).texts is None  # seq 1 was trimmed
    assert memory.replay("room:1", 2, upto=2).texts == []
    assert memory.latest_many(["room:1", "room:9"]) == {"room:1": 3, "room:9": 0}
