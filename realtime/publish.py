"""publish_on_commit(): the one way code tells WebSocket clients that something changed.

The event leaves only after the surrounding transaction commits, so no client ever hears of data that
was rolled back. With Redis configured it reaches clients of every process (web or worker).

`data` goes through the model its event type declares (realtime/contract.py), and the envelope is
encoded to JSON once, here, by the REST API's own encoder, core.renderers (times as
`2026-03-01T09:00:00.123Z`, as REST writes them). A payload that does not fit fails in the caller, inside its transaction. After the
commit the channel's sequencer (realtime/sequence.py) appends `seq` and logs the text for replay,
and every recipient's consumer sends that text as is: a broadcast to 2,000 sockets costs one
encoding."""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import logging
import os
import queue
import threading
import uuid
from datetime import UTC, datetime
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.db import transaction
from pydantic import BaseModel

from core.renderers import dumps
from realtime import contract
from realtime.groups import group_name
from realtime.sequence import sequencer

logger = logging.getLogger("markaz.realtime")


def make_envelope(
    *, channel: str, type: str, data: BaseModel | dict[str, Any], id: str | None = None
) -> dict[str, Any]:
    """The envelope of a declared event type, `data` checked and dumped by the type's model (`seq` is
    added when it leaves)."""
    event = contract.get(type)
    event.check_channel(channel)
    group_name(channel)  # a bad channel name fails now, inside the caller's transaction
    return {
        "type": type,
        "channel": channel,
        "id": id or str(uuid.uuid4()),
        "ts": datetime.now(UTC),
        "data": event.payload(data),
    }


def encode_head(envelope: dict[str, Any]) -> str:
    """The envelope's JSON without its closing brace: `seq` is appended once it is known."""
    return dumps(envelope).decode()[:-1]


def layer_message(channel: str, seq: int, text: str) -> dict[str, Any]:
    """What travels through the channel layer to RealtimeConsumer.realtime_event (channel and seq
    beside the text, so a consumer drops a live copy of an event it has just replayed)."""
    return {"type": "realtime.event", "text": text, "channel": channel, "seq": seq}


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
        self._blocking: queue.SimpleQueue | None = None

    def _current_loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None or self._pid != os.getpid():  # first use, or a forked worker
                self._loop, self._pid = asyncio.new_event_loop(), os.getpid()
                self._pending = set()
                # One thread, so blocking steps (numbering in Redis) run in submission order. Not a
                # ThreadPoolExecutor: those refuse work once interpreter shutdown begins, which is
                # before atexit's drain, so the events of a process's last moments were lost.
                self._blocking = queue.SimpleQueue()
                threading.Thread(
                    target=_run_jobs, args=(self._blocking,), name="realtime-seq", daemon=True
                ).start()
                threading.Thread(target=self._loop.run_forever, name="realtime-publish", daemon=True).start()
            return self._loop

    async def blocking(self, fn, *args):
        """Runs a blocking call off the loop, in submission order."""
        loop = asyncio.get_running_loop()
        outcome = loop.create_future()

        def job():
            try:
                result = fn(*args)
            except BaseException as exc:  # handed to the awaiting coroutine, which logs it
                loop.call_soon_threadsafe(_settle, outcome, None, exc)
            else:
                loop.call_soon_threadsafe(_settle, outcome, result, None)

        self._blocking.put(job)
        return await outcome

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


def _run_jobs(jobs: queue.SimpleQueue) -> None:
    while True:
        jobs.get()()


def _settle(future: asyncio.Future, result: Any, exc: BaseException | None) -> None:
    if future.cancelled():
        return
    if exc is not None:
        future.set_exception(exc)
    else:
        future.set_result(result)


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


def _numbered(pairs: list[tuple[dict[str, Any], str]]) -> list[tuple[str, dict[str, Any]]]:
    """Numbers and logs the encoded envelopes [(envelope, head)] in one Redis round trip:
    [(channel, layer message)]."""
    stamped = sequencer().stamp([(envelope["channel"], head) for envelope, head in pairs])
    return [
        (envelope["channel"], layer_message(envelope["channel"], seq, text))
        for (envelope, _), (seq, text) in zip(pairs, stamped, strict=True)
    ]


async def _send_all(layer, messages: list[tuple[str, dict[str, Any]]]) -> None:
    await asyncio.gather(*(layer.group_send(group_name(ch), message) for ch, message in messages))


def send_many_now(pairs: list[tuple[dict[str, Any], str]]) -> None:
    """Numbers the envelopes and hands each to its channel's sockets. With Redis both happen on the
    publisher loop (numbering on its one blocking thread, so in submission order): the caller, whose
    write has committed, waits for neither. A dead layer or Redis is logged, never raised."""
    layer = get_channel_layer()
    if layer is None or not pairs:
        return
    if isinstance(layer, InMemoryChannelLayer):
        try:  # only this process's clients can hear it: deliver on the loop they live on
            async_to_sync(_send_all)(layer, _numbered(pairs))
        except Exception:
            logger.exception("could not publish %d events", len(pairs))
        return

    async def number_and_send():
        await _send_all(layer, await _publisher.blocking(_numbered, pairs))

    _publisher.submit(number_and_send(), f"{len(pairs)} events")


def send_now(envelope: dict[str, Any], head: str) -> None:
    send_many_now([(envelope, head)])


def publish_on_commit(
    *, channel: str, type: str, data: BaseModel | dict[str, Any], id: str | None = None
) -> dict[str, Any]:
    """Queue an event for after the current transaction commits (at once outside a transaction).
    `id` lets a retried task send the same event again under the same id, so clients can drop the
    duplicate; by default every call is a new event. Returns the envelope (without `seq`)."""
    envelope = make_envelope(channel=channel, type=type, data=data, id=id)
    head = encode_head(envelope)
    transaction.on_commit(lambda: send_now(envelope, head))
    return envelope


def publish_many_on_commit(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """publish_on_commit for a batch: `events` are dicts of channel, type, data (and optionally id).
    Every envelope is built and encoded now (a bad channel or payload fails in the caller) and all of
    them leave together after commit, in one hop to the publisher loop instead of one per event."""
    envelopes = [
        make_envelope(channel=e["channel"], type=e["type"], data=e["data"], id=e.get("id")) for e in events
    ]
    pairs = [(envelope, encode_head(envelope)) for envelope in envelopes]
    if pairs:
        transaction.on_commit(lambda: send_many_now(pairs))
    return envelopes
