"""WebSocket test helpers: `ws(...)` opens a channels WebsocketCommunicator on the real ASGI
application (origin check, ticket / Bearer middleware, routing, consumer) and closes it afterwards."""

from __future__ import annotations

import json

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.db import connections

from core.asgi import application
from realtime import registry
from realtime.tickets import issue_ticket

ORIGIN = (b"origin", b"http://testserver")


class Socket:
    """A connected communicator with JSON helpers."""

    def __init__(self, communicator: WebsocketCommunicator):
        self.communicator = communicator

    async def send(self, payload) -> None:
        await self.communicator.send_to(
            text_data=payload if isinstance(payload, str) else json.dumps(payload)
        )

    async def receive(self, timeout: float = 2) -> dict:
        return json.loads(await self.communicator.receive_from(timeout=timeout))

    async def request(self, payload, timeout: float = 2) -> dict:
        await self.send(payload)
        return await self.receive(timeout)

    async def close_code(self, timeout: float = 2) -> int | None:
        message = await self.communicator.receive_output(timeout=timeout)
        assert message["type"] == "websocket.close", message
        return message.get("code")


@pytest.fixture
async def ws():
    opened: list[WebsocketCommunicator] = []

    async def connect(*, ticket=None, token=None, path="/ws/", headers=(ORIGIN,)) -> tuple[bool, Socket]:
        if ticket is not None:
            path = f"{path}?ticket={ticket}"
        all_headers = list(headers)
        if token is not None:
            all_headers.append((b"authorization", f"Bearer {token}".encode()))
        communicator = WebsocketCommunicator(application, path, headers=all_headers)
        connected, _ = await communicator.connect(timeout=5)
        opened.append(communicator)
        return connected, Socket(communicator)

    yield connect
    for communicator in opened:
        await communicator.disconnect()


@pytest.fixture
async def welcomed(ws):
    """ws connected as `user` with a fresh ticket, the welcome frame already read."""

    async def connect(user) -> Socket:
        connected, socket = await ws(ticket=ticket_for(user))
        assert connected
        welcome = await socket.receive()
        assert welcome["type"] == "welcome"
        return socket

    return connect


def ticket_for(user) -> str:
    return issue_ticket(user)[0]


@pytest.fixture
def room_kind():
    """A channel kind `room:<n>` whose authorizer allows odd numbers, like a module would register."""
    registry.register("room", lambda user, key: int(key) % 2 == 1)
    yield "room"
    registry._authorizers.pop("room", None)


@pytest.fixture(autouse=True)
async def _fresh_layer():
    layer = get_channel_layer()
    if hasattr(layer, "flush"):
        await layer.flush()
    yield
    # Consumers query the database from channels' single sync thread; close its connection so the
    # test database can be dropped at the end of the session.
    await database_sync_to_async(connections.close_all)()
