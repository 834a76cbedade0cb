"""publish_on_commit(): the one way code tells WebSocket clients that something changed.

The event leaves only after the surrounding transaction commits, so no client ever hears of data that
was rolled back. With Redis configured it reaches clients of every process (web or worker).

The envelope is encoded to JSON once, here, and every recipient's consumer sends that text as is: a
broadcast to 2,000 sockets costs one json.dumps, and a payload that cannot be encoded fails in the
caller (inside its transaction), not later in a consumer."""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import json
import logging
import os
import threading
import uuid
from datetime import UTC, datetime
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from realtime.groups import group_name

logger = logging.getLogger("markaz.realtime")


def make_envelope(*, channel: str, type: str, data: dict[str, Any], id: str | None = None) -> dict[str, Any]:
    return {
        "type": type,
        "channel": channel,
        "id": id or str(uuid.uuid4()),
        "ts": datetime.now(UTC).isoformat(),
        "data": data,
    }


def encode(envelope: dict[str, Any]) -> str:
    return json.dumps(envelope, cls=DjangoJSONEncoder, separators=(",", ":"))


def layer_message(envelope: dict[str, Any], text: str | None = None) -> dict[str, Any]:
    """What travels through the channel layer to RealtimeConsumer.realtime_event."""
    return {"type": "realtime.event", "text": text if text is not None else encode(envelope)}


class _PublisherLoop:
    """One event loop on a daemon thread per process, for publishing from sync code (the qcluster
    worker, sync views, commands). async_to_sync from a plain thread builds a new loop per call, and
    channels-redis then opens (and closes) a new Redis connection for every event: 12 ms per event on
    the loaded CI machine against about 1 ms on a loop that lives on.

    Publishing does not wait for Redis: the write has committed and the caller (a request, a task)
    has nothing to do with the answer but log a failure, so waiting only added a Redis round trip and
    two thread hops to every request that published. Events are started in the order they were
    submitted on one loop and one connection, so they leave in that order; at exit the process
    waits (briefly) for the ones still on their way."""

    def __init__(self):
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pid = 0
        self._pending: set[concurrent.futures.Future] = set()

    def _current_loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None or self._pid != os.getpid():  # first use, or a forked worker
                self._loop, self._pid = asyncio.new_event_loop(), os.getpid()
                self._pending = set()
                threading.Thread(target=self._loop.run_forever, name="realtime-publish", daemon=True).start()
            return self._loop

    def submit(self, coro, what: str) -> None:
        future = asyncio.run_coroutine_threadsafe(coro, self._current_loop())
        with self._lock:
            self._pending.add(future)
        future.add_done_callback(lambda f: self._finished(f, what))

    def _finished(self, future: concurrent.futures.Future, what: str) -> None:
        with self._lock:
            self._pending.discard(future)
        if not future.cancelled() and future.exception() is not None:
            logger.error("could not send %s", what, exc_info=future.exception())

    def drain(self, timeout: float = 5) -> bool:
        """Waits until every submitted event has left (or `timeout`); True when none is left."""
        with self._lock:
            pending = set(self._pending) if self._pid == os.getpid() else set()
        done, not_done = concurrent.futures.wait(pending, timeout=timeout)
        return not not_done


_publisher = _PublisherLoop()
atexit.register(_publisher.drain)


def drain_publications(timeout: float = 5) -> bool:
    """Blocks until the events this process published have reached the channel layer (for the
    end of a command or task run, and for tests that read the layer right after a write)."""
    return _publisher.drain(timeout)


def group_send_now(channel: str, message: dict[str, Any]) -> None:
    """Hand one channel-layer message to every socket of `channel` (from sync code). A dead layer
    is logged, never raised: the write that caused the message has already committed."""
    layer = get_channel_layer()
    if layer is None:
        return
    group = group_name(channel)
    try:
        if isinstance(layer, InMemoryChannelLayer):
            # Only this process's clients can hear it: deliver on the loop they live on.
            async_to_sync(layer.group_send)(group, message)
        else:
            _publisher.submit(layer.group_send(group, message), f"{message.get('type')} on {channel}")
    except Exception:
        logger.exception("could not send %s on %s", message.get("type"), channel)


def send_now(envelope: dict[str, Any], text: str | None = None) -> None:
    group_send_now(envelope["channel"], layer_message(envelope, text))


def publish_on_commit(
    *, channel: str, type: str, data: dict[str, Any], id: str | None = None
) -> dict[str, Any]:
    """Queue an event for after the current transaction commits (at once outside a transaction).
    `id` lets a retried task send the same event again under the same id, so clients can drop the
    duplicate; by default every call is a new event."""
    group_name(channel)  # reject a bad channel name now, inside the caller's transaction
    envelope = make_envelope(channel=channel, type=type, data=data, id=id)
    text = encode(envelope)
    transaction.on_commit(lambda: send_now(envelope, text))
    return envelope


def send_many_now(pairs: list[tuple[dict[str, Any], str]]) -> None:
    """Sends many encoded envelopes in one go (concurrently on the publisher loop)."""
    layer = get_channel_layer()
    if layer is None or not pairs:
        return

    async def send_all():
        await asyncio.gather(
            *(layer.group_send(group_name(e["channel"]), layer_message(e, text)) for e, text in pairs)
        )

    try:
        if isinstance(layer, InMemoryChannelLayer):
            async_to_sync(send_all)()
        else:
            _publisher.submit(send_all(), f"{len(pairs)} events")
    except Exception:  # a dead layer must never break the write that already committed
        logger.exception("could not publish %d events", len(pairs))


def publish_many_on_commit(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """publish_on_commit for a batch: `events` are dicts of channel, type, data (and optionally id).
    Every envelope is built and encoded now (a bad channel or payload fails in the caller) and all of
    them leave together after commit, in one hop to the publisher loop instead of one per event."""
    pairs = []
    for event in events:
        group_name(event["channel"])
        envelope = make_envelope(
            channel=event["channel"], type=event["type"], data=event["data"], id=event.get("id")
        )
        pairs.append((envelope, encode(envelope)))
    if pairs:
        transaction.on_commit(lambda: send_many_now(pairs))
    return [envelope for envelope, _ in pairs]
