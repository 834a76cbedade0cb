"""Open-loop load: requests arrive on their own schedule, as payments and page views do, instead of
each client sending its next request the moment the last one answered.

Why both kinds. A closed loop of N clients keeps the server saturated, so by Little's law every
request waits behind the others: mean latency = N / throughput. On this 2-core machine 16 clients
can never see a p99 within 8x of one client's p50, nor 20 gateway clients a p99 under 50 ms, however
fast each request is: a saturated queue of N is N / X long. The closed loop measures capacity (how
many calls per second); latency under concurrency is measured here, below saturation: arrivals are a
Poisson process at a set rate, served by N clients (N connections at most in flight), and each
call's latency is counted from when it was handed to the clients, so one that waited for a free
client carries its wait (no coordinated omission)."""

from __future__ import annotations

import queue
import random
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any


def poisson_offsets(count: int, per_second: float, seed: int = 11) -> list[float]:
    rng = random.Random(seed)
    offsets, t = [], 0.0
    for _ in range(count):
        t += rng.expovariate(per_second)
        offsets.append(t)
    return offsets


def run_open_loop(
    items: Sequence[Any],
    *,
    per_second: float,
    clients: int,
    session: Callable[[], Any],
    serve: Callable[[Any, Any], list[float]],
) -> tuple[list[float], float]:
    """Item i arrives at a Poisson time (`per_second` items a second on average) and is served by one
    of `clients` threads, each with its own `session()` (an HTTP client with its connection);
    `serve(session, item)` makes the item's calls and returns their latencies in ms. The first call
    of an item also carries the time the item waited for a free client. Returns every call's latency
    and the wall time in seconds."""
    if not items:
        raise ValueError("an open loop needs items to send")
    jobs: queue.Queue = queue.Queue()
    latencies: list[float] = []
    lock = threading.Lock()
    failures: list[BaseException] = []

    def client() -> None:
        with session() as own:
            while (job := jobs.get()) is not None:
                due, item = job
                waited = max(0.0, time.perf_counter() - due) * 1000
                try:
                    calls = serve(own, item)
                except Exception as exc:  # raised below: a client's failure must fail the run
                    failures.append(exc)
                    continue
                if calls:
                    calls[0] += waited
                with lock:
                    latencies.extend(calls)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for t in threads:
        t.start()
    start = time.perf_counter() + 0.05
    for offset, item in zip(poisson_offsets(len(items), per_second), items, strict=True):
        due = start + offset
        time.sleep(max(0.0, due - time.perf_counter()))  # pacing the arrivals is the point here
        # counted from when it was handed out: a dispatcher that woke late (this process's own
        # threads hold the GIL) is the load generator's delay, not the server's
        jobs.put((max(due, time.perf_counter()), item))
    for _ in threads:
        jobs.put(None)
    for t in threads:
        t.join()
    if failures:
        raise RuntimeError(f"{len(failures)} open-loop requests failed") from failures[0]
    return latencies, time.perf_counter() - start
