"""WebSocket test helpers.

`ws(...)` opens a channels WebsocketCommunicator on the real ASGI application (origin check, ticket /
Bearer middleware, routing, consumer). Tests using it are written `@ws_test async def test_...`:
the body runs through async_to_sync from the test's own thread, so the consumer's database calls
(which channels runs in the calling sync thread) use the test's connection and see its uncommitted
rows. Tests then stay inside pytest-django's rolled-back transaction instead of truncating every
table after each one (seconds per test on Postgres)."""

from __future__ import annotations

import functools
import json

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from pydantic import BaseModel

from core.asgi import application
from realtime import contract, registry
from realtime.sequence import sequencer
from realtime.tickets import issue_ticket

ORIGIN = (b"origin", b"http://testserver")

_opened: list[WebsocketCommunicator] = []  # sockets the running test opened; closed by ws_test


class Socket:
    """A connected communicator with JSON helpers."""

    def __init__(self, communicator: WebsocketCommunicator):
        self.communicator = communicator

    async def send(self, payload) -> None:
        text = payload if isinstance(payload, str) else json.dumps(payload)
        await self.communicator.send_to(text_data=text)

    async def receive(self, timeout: float = 3) -> dict:
        return json.loads(await self.communicator.receive_from(timeout=timeout))

    async def request(self, payload, timeout: float = 3) -> dict:
        await self.send(payload)
        return await self.receive(timeout)

    async def close_code(self, timeout: float = 3) -> int | None:
        message = await self.communicator.receive_output(timeout=timeout)
        assert message["type"] == "websocket.close", message
        return message.get("code")


def ws_test(fn):
    @functools.wraps(fn)
    def run(*args, **kwargs):
        async def body():
            try:
                await fn(*args, **kwargs)
            finally:
                while _opened:
                    communicator = _opened.pop()
                    if not communicator.future.done():  # a refused socket has already ended
                        await communicator.disconnect()

        async_to_sync(body)()

    return run


async def connect(*, ticket=None, token=None, path="/ws/", headers=(ORIGIN,), app=None, timeout=5):
    """(accepted?, Socket)"""
    if ticket is not None:
        path = f"{path}?ticket={ticket}"
    all_headers = list(headers)
    if token is not None:
        all_headers.append((b"authorization", f"Bearer {token}".encode()))
    communicator = WebsocketCommunicator(app or application, path, headers=all_headers)
    _opened.append(communicator)
    connected, _ = await communicator.connect(timeout=timeout)
    return connected, Socket(communicator)


async def welcomed(user) -> Socket:
    """A socket connected as `user` with a fresh ticket, the welcome frame already read."""
    connected, socket = await connect(ticket=ticket_for(user))
    assert connected
    welcome = await socket.receive()
    assert welcome["type"] == "welcome", welcome
    return socket


def ticket_for(user) -> str:
    return issue_ticket(user)[0]


@pytest.fixture
def room_kind():
    """A channel kind `room:<n>` whose authorizer allows odd numbers, like a module would register."""
    registry.register("room", lambda user, key: int(key) % 2 == 1)
    yield "room"
    registry._authorizers.pop("room", None)


@pytest.fixture(autouse=True)
def _db_on_the_test_thread(settings):
    """The consumer's reads on channels' shared thread, i.e. the test's own (see realtime/db.py)."""
    settings.REALTIME_DB_THREADS = 0


@pytest.fixture(autouse=True)
def _fresh_layer():
    layer = get_channel_layer()
    if hasattr(layer, "flush"):
        async_to_sync(layer.flush)()
    sequencer().clear()  # every test's channels count from 1 again
    yield


class PingData(BaseModel):
    n: int = 0
    note: str = ""


@pytest.fixture(autouse=True)
def test_ping_event():
    """`test.ping` ({n, note}) on user, dashboard and room channels: events for tests of the layer
    itself, apart from any module's contract."""
    declared = contract.event_type(
        "test.ping", PingData, channels=("user", "dashboard", "room"), summary="tests only"
    )
    yield declared
    contract._types.pop("test.ping", None)
