"""End to end on the production layout: HTTP served by gunicorn's WSGI workers, WebSocket by daphne,
both on PostgreSQL and Redis. A ticket issued by a gunicorn worker is redeemed (once) by daphne, and
an event published by a gunicorn worker after its commit reaches a socket held by daphne."""

from __future__ import annotations

import json
from datetime import timedelta

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from core.auth import issue_access_token
from tests.e2e.harness import next_event
from tests.e2e.layout import Gunicorn

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def gunicorn_server(e2e_env):
    server = Gunicorn(e2e_env["env"], e2e_env["log_dir"])
    yield server
    server.stop()


@pytest.fixture
async def wsgi_api(gunicorn_server):
    clients: list[httpx.AsyncClient] = []

    def make(user) -> httpx.AsyncClient:
        headers = {"Authorization": f"Bearer {issue_access_token(user)}"}
        client = httpx.AsyncClient(base_url=f"{gunicorn_server.url}/api/v1", headers=headers, timeout=20)
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.aclose()


@pytest.fixture
def lesson_with_member(transactional_db, student):
    from tests.factories.courses import GroupFactory, MembershipFactory, local_dt, local_today
    from tests.factories.lessons import LessonFactory

    group = GroupFactory()
    MembershipFactory(group=group, student=student)
    return LessonFactory(group=group, starts_at=local_dt(local_today() + timedelta(days=7)))


async def _ticket(api: httpx.AsyncClient) -> str:
    response = await api.post("/realtime/ticket")
    assert response.status_code == 200, response.text
    assert response.headers["server"].startswith("gunicorn")  # served by a WSGI worker, not daphne
    return response.json()["ticket"]


async def test_http_on_gunicorn_reaches_sockets_on_daphne_through_redis(
    gunicorn_server, daphne_server, wsgi_api, lesson_with_member, student, admin
):
    assert len(gunicorn_server.worker_pids()) == 2
    lesson = lesson_with_member
    channel = f"group:{lesson.group_id}"
    ticket = await _ticket(wsgi_api(student))
    socket = await connect(f"{daphne_server.ws_url}?ticket={ticket}", origin=daphne_server.origin)
    welcome = json.loads(await socket.recv())
    assert welcome["data"]["user_id"] == student.pk
    await socket.send(json.dumps({"action": "subscribe", "channel": channel}))
    assert (await next_event(socket, type="subscribed"))["channel"] == channel

    me = await wsgi_api(student).get("/auth/me")
    assert me.status_code == 200 and me.json()["id"] == student.pk

    response = await wsgi_api(admin).post(f"/lessons/{lesson.pk}/cancel", json={"reason": "teacher is ill"})
    assert response.status_code == 200, response.text
    assert response.headers["server"].startswith("gunicorn")

    event = await next_event(socket, type="lesson.updated", timeout=15)
    assert event["channel"] == channel
    assert event["data"]["id"] == lesson.pk and event["data"]["status"] == "cancelled"
    await socket.close()

    # the ticket lived in Redis, shared by both servers: daphne redeemed it once, never twice
    again = await connect(f"{daphne_server.ws_url}?ticket={ticket}", origin=daphne_server.origin)
    with pytest.raises(ConnectionClosed) as closed:
        await again.recv()
    assert closed.value.rcvd.code == 4401
