"""The benchmarks' HTTP load: an open loop (requests arrive on their own schedule, as payments and page
views do) and a closed loop (each client sends its next request the moment the last one answered).

Why both kinds. A closed loop of N clients keeps the server saturated, so by Little's law every
request waits behind the others: mean latency = N / throughput. On this 2-core machine 16 clients
can never see a p99 within 8x of one client's p50, nor 20 gateway clients a p99 under 50 ms, however
fast each request is: a saturated queue of N is N / X long. The closed loop measures capacity (how
many calls per second); latency under concurrency is measured in the open loop, below saturation:
arrivals are a Poisson process at a set rate, served by N clients (N connections at most in flight),
and each call's latency is counted from when it was due, so one that waited for a free client
carries its wait (no coordinated omission).

One event loop drives every client (aiohttp): the generator shares the machine's two cores with the
server, and 16-20 client threads in one Python process queued on their own GIL; the same server at
the same rate measured an open-loop p99 of 84-184 ms from threads and 13-23 ms from one loop."""

from __future__ import annotations

import asyncio
import json as jsonlib
import random
import time
from collections.abc import Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

Serve = Callable[[Any, Any], Awaitable[list[float]]]


@dataclass
class Reply:
    status_code: int
    text: str

    def json(self) -> Any:
        return jsonlib.loads(self.text)


class Client:
    """What a flow needs of an HTTP client: `await get/post(path, ...)` with the reply read whole."""

    def __init__(self, session):
        self._session = session

    async def get(self, path: str, **kw) -> Reply:
        async with self._session.get(path, **kw) as response:
            return Reply(response.status, await response.text())

    async def post(self, path: str, **kw) -> Reply:
        async with self._session.post(path, **kw) as response:
            return Reply(response.status, await response.text())


@asynccontextmanager
async def client(base: str, *, clients: int, headers: dict | None = None):
    """One session for all clients: at most `clients` connections, each closed after its response
    (gunicorn runs keepalive = 0, as behind the proxy)."""
    import aiohttp

    connector = aiohttp.TCPConnector(limit=clients, force_close=True)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(base, headers=headers, connector=connector, timeout=timeout) as s:
        yield Client(s)


def poisson_offsets(count: int, per_second: float, seed: int = 11) -> list[float]:
    rng = random.Random(seed)
    offsets, t = [], 0.0
    for _ in range(count):
        t += rng.expovariate(per_second)
        offsets.append(t)
    return offsets


def run_open_loop(
    items: Sequence[Any], *, per_second: float, clients: int, session: Callable, serve: Serve
) -> tuple[list[float], float]:
    """Item i arrives at a Poisson time (`per_second` items a second on average) and is served when
    one of `clients` slots is free: `await serve(client, item)` makes the item's calls on the shared
    `session()` client and returns their latencies in ms. The first call of an item also carries the
    time the item waited for a slot. Returns every call's latency and the wall time in seconds."""
    if not items:
        raise ValueError("an open loop needs items to send")
    return asyncio.run(_open_loop(items, per_second, clients, session, serve))


async def _open_loop(items, per_second, clients, session, serve) -> tuple[list[float], float]:
    latencies: list[float] = []
    failures: list[BaseException] = []
    slots = asyncio.Semaphore(clients)

    async def one(own, due: float, item) -> None:
        async with slots:
            waited = max(0.0, time.perf_counter() - due) * 1000
            try:
                calls = await serve(own, item)
            except Exception as exc:  # raised below: a client's failure must fail the run
                failures.append(exc)
                return
        if calls:
            calls[0] += waited
        latencies.extend(calls)

    async with session() as own:
        start = time.perf_counter() + 0.05
        tasks = []
        for offset, item in zip(poisson_offsets(len(items), per_second), items, strict=True):
            due = start + offset
            if due > time.perf_counter():  # pacing the arrivals is the point; one already due goes now
                await asyncio.sleep(due - time.perf_counter())
            # counted from when it was handed out: a loop that woke late is the generator's delay
            tasks.append(asyncio.create_task(one(own, max(due, time.perf_counter()), item)))
        await asyncio.gather(*tasks)
    if failures:
        raise RuntimeError(f"{len(failures)} open-loop requests failed") from failures[0]
    return latencies, time.perf_counter() - start


def run_closed_loop(per_client: Sequence[Sequence[Any]], *, session: Callable, serve: Serve):
    """Each list of `per_client` is one client's items, served one after another with no pause (the
    capacity run): every call's latency in ms and the wall time in seconds."""
    return asyncio.run(_closed_loop(per_client, session, serve))


async def _closed_loop(per_client, session, serve) -> tuple[list[float], float]:
    latencies: list[float] = []

    async def one_client(own, items) -> None:
        for item in items:
            latencies.extend(await serve(own, item))

    async with session() as own:
        start = time.perf_counter()
        await asyncio.gather(*(one_client(own, items) for items in per_client))
    return latencies, time.perf_counter() - start
