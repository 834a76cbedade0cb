"""The benchmarks' load generator (tests/benchmarks/open_loop.py) against a real local HTTP server: its
figures are only as good as its counting."""

from __future__ import annotations

import time
from itertools import pairwise

import pytest

from tests.benchmarks.open_loop import client, poisson_offsets, run_closed_loop, run_open_loop


@pytest.fixture
def server(httpserver):
    httpserver.expect_request("/ping").respond_with_json({"ok": True})
    return httpserver.url_for("").rstrip("/")


def _serve(seen: list):
    async def serve(own, item) -> list[float]:
        start = time.perf_counter()
        reply = await own.get("/ping")
        assert reply.status_code == 200 and reply.json() == {"ok": True}
        seen.append(item)
        return [(time.perf_counter() - start) * 1000]

    return serve


def test_poisson_arrivals_average_the_rate_asked_for():
    offsets = poisson_offsets(20_000, per_second=50)
    assert offsets == sorted(offsets)
    assert 49 < len(offsets) / offsets[-1] < 51


def test_the_open_loop_serves_every_item_once_and_takes_the_arrivals_time(server):
    seen: list = []
    items = list(range(30))
    latencies, wall = run_open_loop(
        items, per_second=300, clients=4, session=lambda: client(server, clients=4), serve=_serve(seen)
    )
    assert sorted(seen) == items and len(latencies) == 30
    assert all(ms > 0 for ms in latencies)
    assert wall >= poisson_offsets(30, 300)[-1]  # it paced the arrivals instead of firing them at once


def test_an_item_that_waits_for_a_client_carries_its_wait(server):
    seen: list = []
    # every item due at once and one client: each waits for all before it, so latencies only grow
    latencies, _ = run_open_loop(
        list(range(12)),
        per_second=1e6,
        clients=1,
        session=lambda: client(server, clients=1),
        serve=_serve(seen),
    )
    assert seen == list(range(12))
    # handed out together (the generator does not yield for an item already due) and served in turn:
    # each one's latency is the one before it plus its own service time
    assert all(earlier < later for earlier, later in pairwise(latencies))


def test_the_closed_loop_serves_each_clients_items_in_order(server):
    seen: list = []
    per_client = [[(c, n) for n in range(4)] for c in range(3)]
    latencies, wall = run_closed_loop(
        per_client, session=lambda: client(server, clients=3), serve=_serve(seen)
    )
    assert len(latencies) == 12 and wall > 0
    for c in range(3):
        assert [n for who, n in seen if who == c] == [0, 1, 2, 3]


def test_a_failing_call_fails_the_run(server):
    async def broken(own, item):
        raise ConnectionError("the server went away")

    with pytest.raises(RuntimeError, match="1 open-loop requests failed"):
        run_open_loop([0], per_second=100, clients=1, session=lambda: client(server, clients=1), serve=broken)
