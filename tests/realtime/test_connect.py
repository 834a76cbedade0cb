"""The handshake: tickets (valid, reused, expired, forged), Bearer tokens, origins, the welcome."""

from __future__ import annotations

import threading

import pytest
from asgiref.sync import sync_to_async
from channels.routing import URLRouter

from core.auth import issue_access_token
from realtime import registry, tickets
from realtime.middleware import TicketAuthMiddleware, allowed_origin_validator
from realtime.routing import websocket_urlpatterns
from tests.realtime.conftest import connect, ticket_for, welcomed, ws_test

pytestmark = pytest.mark.django_db


@ws_test
async def test_valid_ticket_gets_welcome_with_own_channel(student):
    connected, socket = await connect(ticket=ticket_for(student))
    assert connected
    assert await socket.receive() == {
        "type": "welcome",
        "data": {"user_id": student.pk, "channels": [f"user:{student.pk}"], "seq": {f"user:{student.pk}": 0}},
    }


@ws_test
async def test_admin_also_joins_the_dashboard(admin):
    _, socket = await connect(ticket=ticket_for(admin))
    welcome = await socket.receive()
    assert welcome["data"]["channels"] == [f"user:{admin.pk}", "dashboard"]


@pytest.fixture(params=["teacher", "student", "parent"])
def non_admin(request):
    return request.getfixturevalue(request.param)


@ws_test
async def test_other_roles_do_not_join_the_dashboard(non_admin):
    user = non_admin
    _, socket = await connect(ticket=ticket_for(user))
    assert (await socket.receive())["data"]["channels"] == [f"user:{user.pk}"]


@ws_test
async def test_reused_ticket_is_closed_with_4401(student):
    ticket = ticket_for(student)
    _, first = await connect(ticket=ticket)
    assert (await first.receive())["type"] == "welcome"
    connected, second = await connect(ticket=ticket)
    assert connected  # accepted only so that the client can read the close code
    assert await second.close_code() == 4401


@ws_test
async def test_expired_ticket_is_closed_with_4401(student, monkeypatch):
    ticket = ticket_for(student)
    issued = tickets._now()
    monkeypatch.setattr(tickets, "_now", lambda: issued + 61)
    _, socket = await connect(ticket=ticket)
    assert await socket.close_code() == 4401


@pytest.mark.parametrize("ticket", ["forged-but-well-formed-ticket-0123456789abc", "bad", "%00%ff"])
@ws_test
async def test_forged_ticket_is_closed_with_4401(db, ticket):
    _, socket = await connect(ticket=ticket)
    assert await socket.close_code() == 4401


@ws_test
async def test_no_credentials_is_closed_with_4401(db):
    _, socket = await connect()
    assert await socket.close_code() == 4401


@ws_test
async def test_a_deactivated_users_ticket_is_refused(student):
    ticket = ticket_for(student)
    student.is_active = False
    await sync_to_async(student.save)()
    _, socket = await connect(ticket=ticket)
    assert await socket.close_code() == 4401


@ws_test
async def test_bearer_access_token_works_for_non_browser_clients(teacher):
    _, socket = await connect(token=issue_access_token(teacher), headers=())
    assert (await socket.receive())["data"]["user_id"] == teacher.pk


@ws_test
async def test_a_bad_bearer_token_is_closed_with_4401(teacher):
    token = issue_access_token(teacher)
    _, socket = await connect(token=token[:-4] + "AAAA")
    assert await socket.close_code() == 4401


@ws_test
async def test_a_bad_ticket_is_not_rescued_by_a_good_header(teacher):
    _, socket = await connect(
        ticket="forged-but-well-formed-ticket-0123456789abc", token=issue_access_token(teacher)
    )
    assert await socket.close_code() == 4401


@ws_test
async def test_a_foreign_origin_is_rejected_before_the_handshake(student):
    connected, _ = await connect(
        ticket=ticket_for(student), headers=[(b"origin", b"https://evil.example.com")]
    )
    assert not connected


@ws_test
async def test_the_front_ends_origin_and_origin_less_clients_are_allowed(student, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.markaz.uz"]
    app = allowed_origin_validator(TicketAuthMiddleware(URLRouter(websocket_urlpatterns)))
    for headers in ([(b"origin", b"https://app.markaz.uz")], []):
        connected, socket = await connect(ticket=ticket_for(student), headers=headers, app=app)
        assert connected
        assert (await socket.receive())["type"] == "welcome"
    evil = [(b"origin", b"https://app.evil.uz")]
    assert (await connect(ticket=ticket_for(student), headers=evil, app=app))[0] is False


@ws_test
async def test_unknown_path_is_not_routed(student):
    with pytest.raises(ValueError):
        await connect(ticket=ticket_for(student), path="/ws/elsewhere/", timeout=0.5)


@pytest.mark.django_db(transaction=True)
@ws_test
async def test_the_database_reads_run_on_realtimes_own_threads(student, settings):
    settings.REALTIME_DB_THREADS = 2  # as in production; committed rows, so other threads see them
    seen_threads = []
    registry.register("probe", lambda user, key: seen_threads.append(threading.current_thread().name) or True)
    try:
        socket = await welcomed(student)
        assert (await socket.request({"action": "subscribe", "channel": "probe:1"}))["type"] == "subscribed"
        assert seen_threads and seen_threads[0].startswith("realtime-db")
    finally:
        registry._authorizers.pop("probe", None)
        await sync_to_async(_close_pool_connections)()


def _close_pool_connections():
    from concurrent.futures import wait

    from django.db import connections

    from realtime.db import _pools

    for pool in _pools.values():  # each pool thread holds a connection; let the test db be dropped
        size = pool._max_workers
        barrier = threading.Barrier(size)  # one task per thread: each waits until all have closed

        def close_then_wait(barrier=barrier):
            connections.close_all()
            barrier.wait(timeout=10)

        wait([pool.submit(close_then_wait) for _ in range(size)])
