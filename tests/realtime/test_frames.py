"""After the welcome: subscribe, unsubscribe, ping, and every way a client frame can be wrong."""

from __future__ import annotations

import json

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer

from realtime import registry
from tests.realtime.conftest import connect, ticket_for, welcomed, ws_test

pytestmark = pytest.mark.django_db


@ws_test
async def test_subscribe_allowed(student, room_kind):
    socket = await welcomed(student)
    assert await socket.request({"action": "subscribe", "channel": "room:7"}) == {
        "type": "subscribed",
        "channel": "room:7",
        "seq": 0,
    }


@ws_test
async def test_subscribe_refused_by_the_registered_authorizer(student, room_kind):
    socket = await welcomed(student)
    reply = await socket.request({"action": "subscribe", "channel": "room:8"})
    assert reply["type"] == "error"
    assert reply["code"] == "forbidden"
    assert reply["channel"] == "room:8"


@pytest.mark.parametrize("channel", ["nosuchkind:1", "room", "dashboard"])
@ws_test
async def test_unknown_kind_missing_key_and_dashboard_for_non_admin_are_forbidden(
    student, room_kind, channel
):
    socket = await welcomed(student)
    reply = await socket.request({"action": "subscribe", "channel": channel})
    assert (reply["code"], reply["channel"]) == ("forbidden", channel)


@ws_test
async def test_someone_elses_user_channel_is_forbidden(student, outsider):
    socket = await welcomed(student)
    reply = await socket.request({"action": "subscribe", "channel": f"user:{outsider.pk}"})
    assert reply["code"] == "forbidden"


@ws_test
async def test_own_channel_is_already_subscribed(student):
    socket = await welcomed(student)
    reply = await socket.request({"action": "subscribe", "channel": f"user:{student.pk}"})
    assert reply == {"type": "subscribed", "channel": f"user:{student.pk}", "seq": 0}


@pytest.mark.parametrize("channel", [None, 12, "", "Group:1", "group:1 2", "group:" + "9" * 60, "a" * 300])
@ws_test
async def test_invalid_channel_names(student, channel):
    socket = await welcomed(student)
    reply = await socket.request({"action": "subscribe", "channel": channel})
    assert reply["code"] == "invalid_channel"
    if isinstance(channel, str):
        assert len(reply["channel"]) <= 100


@ws_test
async def test_an_authorizer_that_crashes_refuses(student):
    def broken(user, key):
        raise RuntimeError("bug in a module")

    registry.register("broken", broken)
    try:
        socket = await welcomed(student)
        assert (await socket.request({"action": "subscribe", "channel": "broken:1"}))["code"] == "forbidden"
        assert await socket.request({"action": "ping"}) == {"type": "pong"}
    finally:
        registry._authorizers.pop("broken", None)


@ws_test
async def test_the_authorizer_sees_the_current_user_row(teacher):
    seen = []
    registry.register("probe", lambda user, key: seen.append(user.role) or True)
    try:
        socket = await welcomed(teacher)
        teacher.role = "admin"
        await sync_to_async(teacher.save)()
        await socket.request({"action": "subscribe", "channel": "probe:1"})
        assert seen == ["admin"]
    finally:
        registry._authorizers.pop("probe", None)


@ws_test
async def test_a_user_deactivated_since_connecting_is_closed_on_subscribe(student, room_kind):
    socket = await welcomed(student)
    student.is_active = False
    await sync_to_async(student.save)()
    reply = await socket.request({"action": "subscribe", "channel": "room:1"})
    assert reply["code"] == "not_authenticated"
    assert await socket.close_code() == 4401


@ws_test
async def test_subscriptions_per_connection_are_limited(student, room_kind, settings):
    settings.REALTIME_MAX_SUBSCRIPTIONS = 2
    socket = await welcomed(student)
    for n in (1, 3):
        assert (await socket.request({"action": "subscribe", "channel": f"room:{n}"}))["type"] == "subscribed"
    reply = await socket.request({"action": "subscribe", "channel": "room:5"})
    assert (reply["code"], reply["channel"]) == ("too_many_subscriptions", "room:5")
    # Re-subscribing to a joined channel is not a new subscription; unsubscribing frees a slot.
    assert (await socket.request({"action": "subscribe", "channel": "room:3"}))["type"] == "subscribed"
    await socket.request({"action": "unsubscribe", "channel": "room:1"})
    assert (await socket.request({"action": "subscribe", "channel": "room:5"}))["type"] == "subscribed"


@ws_test
async def test_unsubscribe_stops_events(student, room_kind):
    from tests.realtime.test_events import publish

    socket = await welcomed(student)
    await socket.request({"action": "subscribe", "channel": "room:1"})
    assert await socket.request({"action": "unsubscribe", "channel": "room:1"}) == {
        "type": "unsubscribed",
        "channel": "room:1",
    }
    await publish("room:1", "test.ping", {"n": 1})
    await publish(f"user:{student.pk}", "test.ping", {"n": 2})
    # Events keep their order on one socket: the next frame is the user-channel event.
    assert (await socket.receive())["data"]["n"] == 2


@ws_test
async def test_unsubscribe_from_something_never_joined_is_harmless(student):
    socket = await welcomed(student)
    reply = await socket.request({"action": "unsubscribe", "channel": "room:99"})
    assert reply == {"type": "unsubscribed", "channel": "room:99"}


@ws_test
async def test_ping(student):
    socket = await welcomed(student)
    assert await socket.request({"action": "ping"}) == {"type": "pong"}


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("not json", "malformed"),
        ("{", "malformed"),
        ("[1, 2]", "malformed"),
        ('"ping"', "malformed"),
        ("{}", "unknown_action"),
        ('{"action": "dance"}', "unknown_action"),
        ('{"action": ["ping"]}', "unknown_action"),
        ('{"action": "__init__"}', "unknown_action"),
    ],
)
@ws_test
async def test_malformed_frames_get_an_error_and_the_socket_stays_open(student, frame, code):
    socket = await welcomed(student)
    reply = await socket.request(frame)
    assert reply["type"] == "error"
    assert reply["code"] == code
    assert await socket.request({"action": "ping"}) == {"type": "pong"}


@ws_test
async def test_binary_frames_are_refused(student):
    socket = await welcomed(student)
    await socket.communicator.send_to(bytes_data=b'{"action": "ping"}')
    assert (await socket.receive())["code"] == "unsupported_frame"
    assert await socket.request({"action": "ping"}) == {"type": "pong"}


@ws_test
async def test_oversize_frames_are_refused_without_being_parsed(student, settings):
    settings.REALTIME_MAX_FRAME_BYTES = 64
    socket = await welcomed(student)
    big = json.dumps({"action": "ping", "pad": "x" * 100})
    assert (await socket.request(big))["code"] == "frame_too_large"
    # Multi-byte characters count as bytes, not characters.
    wide = json.dumps({"action": "ping", "pad": "ж" * 30}, ensure_ascii=False)
    assert len(wide) < 64 < len(wide.encode())
    assert (await socket.request(wide))["code"] == "frame_too_large"
    assert await socket.request({"action": "ping"}) == {"type": "pong"}


@ws_test
async def test_disconnect_leaves_every_joined_group(admin, room_kind):

    layer = get_channel_layer()
    discarded = []
    original = layer.group_discard

    async def spy(group, channel):
        discarded.append(group)
        return await original(group, channel)

    layer.group_discard = spy
    try:
        _, socket = await connect(ticket=ticket_for(admin))
        await socket.receive()
        await socket.request({"action": "subscribe", "channel": "room:1"})
        await socket.communicator.disconnect()
        assert sorted(discarded) == sorted([f"rt.user.{admin.pk}", "rt.dashboard", "rt.room.1"])
    finally:
        del layer.group_discard
