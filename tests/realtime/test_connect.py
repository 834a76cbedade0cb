"""The handshake: tickets (valid, reused, expired, forged), Bearer tokens, origins, the welcome."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from core.auth import issue_access_token
from realtime import tickets
from realtime.middleware import TicketAuthMiddleware, allowed_origin_validator
from realtime.routing import websocket_urlpatterns
from tests.realtime.conftest import ticket_for

pytestmark = pytest.mark.django_db(transaction=True)


async def test_valid_ticket_gets_welcome_with_own_channel(ws, student):
    connected, socket = await ws(ticket=ticket_for(student))
    assert connected
    assert await socket.receive() == {
        "type": "welcome",
        "data": {"user_id": student.pk, "channels": [f"user:{student.pk}"]},
    }


async def test_admin_also_joins_the_dashboard(ws, admin):
    _, socket = await ws(ticket=ticket_for(admin))
    welcome = await socket.receive()
    assert welcome["data"]["channels"] == [f"user:{admin.pk}", "dashboard"]


@pytest.fixture(params=["teacher", "student", "parent"])
def non_admin(request):
    return request.getfixturevalue(request.param)


async def test_other_roles_do_not_join_the_dashboard(ws, non_admin):
    user = non_admin
    _, socket = await ws(ticket=ticket_for(user))
    assert (await socket.receive())["data"]["channels"] == [f"user:{user.pk}"]


async def test_reused_ticket_is_closed_with_4401(ws, student):
    ticket = ticket_for(student)
    _, first = await ws(ticket=ticket)
    assert (await first.receive())["type"] == "welcome"
    connected, second = await ws(ticket=ticket)
    assert connected  # accepted only so that the client can read the close code
    assert await second.close_code() == 4401


async def test_expired_ticket_is_closed_with_4401(ws, student, monkeypatch):
    ticket = ticket_for(student)
    issued = tickets._now()
    monkeypatch.setattr(tickets, "_now", lambda: issued + 61)
    _, socket = await ws(ticket=ticket)
    assert await socket.close_code() == 4401


@pytest.mark.parametrize("ticket", ["forged-but-well-formed-ticket-0123456789abc", "bad", "%00%ff"])
async def test_forged_ticket_is_closed_with_4401(ws, db, ticket):
    _, socket = await ws(ticket=ticket)
    assert await socket.close_code() == 4401


async def test_no_credentials_is_closed_with_4401(ws, db):
    _, socket = await ws()
    assert await socket.close_code() == 4401


async def test_a_deactivated_users_ticket_is_refused(ws, student):
    ticket = ticket_for(student)
    student.is_active = False
    await sync_to_async(student.save)()
    _, socket = await ws(ticket=ticket)
    assert await socket.close_code() == 4401


async def test_bearer_access_token_works_for_non_browser_clients(ws, teacher):
    _, socket = await ws(token=issue_access_token(teacher), headers=())
    assert (await socket.receive())["data"]["user_id"] == teacher.pk


async def test_a_bad_bearer_token_is_closed_with_4401(ws, teacher):
    token = issue_access_token(teacher)
    _, socket = await ws(token=token[:-4] + "AAAA")
    assert await socket.close_code() == 4401


async def test_a_bad_ticket_is_not_rescued_by_a_good_header(ws, teacher):
    _, socket = await ws(
        ticket="forged-but-well-formed-ticket-0123456789abc", token=issue_access_token(teacher)
    )
    assert await socket.close_code() == 4401


async def test_a_foreign_origin_is_rejected_before_the_handshake(ws, student):
    connected, _ = await ws(ticket=ticket_for(student), headers=[(b"origin", b"https://evil.example.com")])
    assert not connected


async def test_the_front_ends_origin_and_origin_less_clients_are_allowed(student, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.markaz.uz"]
    app = allowed_origin_validator(TicketAuthMiddleware(URLRouter(websocket_urlpatterns)))
    for headers in ([(b"origin", b"https://app.markaz.uz")], []):
        communicator = WebsocketCommunicator(app, f"/ws/?ticket={ticket_for(student)}", headers=headers)
        connected, _ = await communicator.connect()
        assert connected
        assert (await communicator.receive_json_from())["type"] == "welcome"
        await communicator.disconnect()
    evil = WebsocketCommunicator(
        app, f"/ws/?ticket={ticket_for(student)}", headers=[(b"origin", b"https://app.evil.uz")]
    )
    assert (await evil.connect())[0] is False


async def test_unknown_path_is_not_routed(ws, student):
    with pytest.raises(ValueError):
        await ws(ticket=ticket_for(student), path="/ws/elsewhere/")
