"""The real-time layer under load: one daphne process, 2,000 authenticated sockets (tickets, as a
browser gets them), events published through the Redis channel layer from this process.

Measured: connect rate (handshake + ticket + welcome), delivery latency publish → receipt for a
30-member channel, a 2,000-member broadcast and `dashboard`, messages lost, and daphne's resident
memory per idle connection (VmRSS before and after, from /proc). Needs PostgreSQL and Redis."""

from __future__ import annotations

import asyncio
import json
import os
import resource
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

from tests.benchmarks import Result, p50, p99

SOCKETS = int(os.environ.get("BENCH_REALTIME_SOCKETS", 2000))
SMALL = 30  # members of the small channel
ADMINS = 50  # sockets that also join dashboard
IN_FLIGHT = 20  # handshakes at once (a reconnect storm after a deploy, not one at a time)
SMALL_EVENTS, BROADCAST_EVENTS, DASHBOARD_EVENTS, BURST = 100, 5, 30, 100
EMAIL = "rt-bench-{}@bench.markaz.uz"


def run(ctx) -> list[Result]:
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        return [Result("realtime (needs PostgreSQL and Redis)", "skipped", "-", None)]
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # daphne inherits it
    if hard < 2 * SOCKETS + 500:
        return [Result("realtime", f"open-file limit {hard} too low", "-", False)]
    from tests.e2e.harness import Daphne, process_env

    data = _create_data()
    server = None
    try:
        env = process_env(os.environ["DATABASE_URL"], settings.REDIS_URL, LOG_LEVEL="WARNING")
        env["DJANGO_ALLOWED_HOSTS"] = "127.0.0.1"
        server = Daphne(env, Path(tempfile.mkdtemp(prefix="bench-realtime-")))
        return asyncio.run(_measure(server, data))
    finally:
        if server is not None:
            server.stop()
        _delete_data(data)


# --- data -----------------------------------------------------------------------------------------


def _create_data() -> dict:
    from django.contrib.auth.hashers import make_password

    from modules.accounts.models import User
    from modules.courses.models import Membership
    from tests.factories.courses import GroupFactory

    _delete_data({"emails": True})
    password = make_password(None)
    users = User.objects.bulk_create(
        User(
            phone=f"+99877{n:07d}",
            email=EMAIL.format(n),
            first_name=f"Bench{n}",
            role=User.Role.ADMIN if n < ADMINS else User.Role.STUDENT,
            password=password,
        )
        for n in range(SOCKETS)
    )
    small, everyone = GroupFactory(name="rt-bench small"), GroupFactory(name="rt-bench all")
    students = [u for u in users if u.role == User.Role.STUDENT]
    today = small.start_date
    Membership.objects.bulk_create(
        [Membership(group=small, student=u, joined_on=today) for u in students[:SMALL]]
        + [Membership(group=everyone, student=u, joined_on=today) for u in students]
    )
    return {"users": users, "small": small, "everyone": everyone, "small_members": students[:SMALL]}


def _delete_data(data: dict) -> None:
    from modules.accounts.models import User
    from modules.courses.models import Group, Membership

    bench_users = User.objects.filter(email__startswith="rt-bench-", email__endswith="@bench.markaz.uz")
    Membership.objects.filter(student__in=bench_users).delete()
    groups = Group.objects.filter(name__startswith="rt-bench ")
    extra = [
        (g.branch, g.course, g.teacher, g.room)
        for g in groups.select_related("branch", "course", "teacher", "room")
    ]
    groups.delete()
    for branch, course, teacher, room in extra:
        for obj in (room, course, branch, teacher):
            obj.delete()
    bench_users.delete()


# --- measurement ----------------------------------------------------------------------------------


class Client:
    def __init__(self, user_id: int):
        self.user_id = user_id
        self.socket = None
        self.latencies: dict[str, list[float]] = {}
        self.replies: asyncio.Queue = asyncio.Queue()
        self.task = None

    async def open(self, server, ticket: str) -> None:
        from websockets.asyncio.client import connect

        self.socket = await connect(
            f"{server.ws_url}?ticket={ticket}", origin=server.origin, ping_interval=None, max_queue=None
        )
        welcome = json.loads(await self.socket.recv())
        assert welcome["type"] == "welcome", welcome
        self.task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for raw in self.socket:
            now = time.perf_counter()
            frame = json.loads(raw)
            if frame.get("type") == "bench.event":
                self.latencies.setdefault(frame["channel"], []).append(now - frame["data"]["t"])
            else:
                self.replies.put_nowait(frame)

    async def subscribe(self, channel: str) -> None:
        await self.socket.send(json.dumps({"action": "subscribe", "channel": channel}))
        reply = await asyncio.wait_for(self.replies.get(), 30)
        assert (reply["type"], reply["channel"]) == ("subscribed", channel), reply


async def _measure(server, data) -> list[Result]:
    from channels.layers import get_channel_layer
    from pydantic import BaseModel

    from realtime import event_type
    from realtime.groups import group_name
    from realtime.publish import encode_head, layer_message, make_envelope
    from realtime.sequence import with_seq

    class BenchData(BaseModel):
        n: int
        t: float

    event_type("bench.event", BenchData, channels=("group", "dashboard"), summary="benchmark only")
    from realtime.tickets import issue_ticket

    users = data["users"]
    # One connection first: the channel layer and its Redis connections exist before the baseline.
    warm = Client(users[0].pk)
    await warm.open(server, (await asyncio.to_thread(issue_ticket, users[0]))[0])
    await warm.socket.close()
    await asyncio.sleep(0.5)
    rss_before = _rss_kb(server.pid)
    clients = [Client(u.pk) for u in users]
    gate = asyncio.Semaphore(IN_FLIGHT)
    failures: list[str] = []

    async def open_one(client, user):
        async with gate:
            ticket, _ = await asyncio.to_thread(issue_ticket, user)
            try:
                await client.open(server, ticket)
            except Exception as exc:  # counted and reported: a refused socket is a result, not a crash
                failures.append(repr(exc))

    started = time.perf_counter()
    await asyncio.gather(*(open_one(c, u) for c, u in zip(clients, users, strict=True)))
    connect_s = time.perf_counter() - started
    if failures:
        return [
            Result(
                f"realtime: open {SOCKETS} sockets",
                f"{len(failures)} failed: {failures[0][:80]}",
                f"{SOCKETS} held",
                False,
            )
        ]

    small_channel, all_channel = f"group:{data['small'].pk}", f"group:{data['everyone'].pk}"
    small_ids = {u.pk for u in data["small_members"]}
    by_id = {c.user_id: c for c in clients}

    async def subscribe_all(channel, members):
        async def one(c):
            async with gate:
                await c.subscribe(channel)

        await asyncio.gather(*(one(c) for c in members))

    started = time.perf_counter()
    await subscribe_all(small_channel, [by_id[i] for i in small_ids])
    await subscribe_all(all_channel, clients)
    subscribe_s = time.perf_counter() - started
    await asyncio.sleep(1)  # let daphne settle before reading its memory
    rss_after = _rss_kb(server.pid)

    layer = get_channel_layer()

    def lat(channel, members):
        return [x * 1000 for c in members for x in c.latencies.get(channel, [])]

    async def publish(channel, count, interval):
        for n in range(count):
            envelope = make_envelope(
                channel=channel, type="bench.event", data={"n": n, "t": time.perf_counter()}
            )
            text = with_seq(encode_head(envelope), n + 1)  # straight to the layer: numbered here
            await layer.group_send(group_name(channel), layer_message(channel, n + 1, text))
            await asyncio.sleep(interval)

    async def drained(channel, members, count, timeout=30):
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if all(len(c.latencies.get(channel, ())) >= count for c in members):
                return
            await asyncio.sleep(0.002)

    async def one_by_one(channel, members, count) -> list[float]:
        """Latency: each event published once the previous one reached every member (how a class
        sees events: a few a minute, not a flood), with the wall time of each full delivery."""
        already = len(members[0].latencies.get(channel, ()))
        walls = []
        for n in range(count):
            sent = time.perf_counter()
            await publish(channel, 1, 0)
            await drained(channel, members, already + n + 1)
            walls.append(time.perf_counter() - sent)
            await asyncio.sleep(0.01)
        return walls

    admins = clients[:ADMINS]
    small_members = [by_id[i] for i in small_ids]
    await one_by_one(small_channel, small_members, SMALL_EVENTS)
    small_lat = lat(small_channel, small_members)
    # Throughput: a burst of events at once to the small channel (deliveries per second).
    started = time.perf_counter()
    await publish(small_channel, BURST, 0)
    await drained(small_channel, small_members, SMALL_EVENTS + BURST)
    burst_s = time.perf_counter() - started
    await one_by_one("dashboard", admins, DASHBOARD_EVENTS)
    broadcast_s = await one_by_one(all_channel, clients, BROADCAST_EVENTS)

    for c in clients:
        await c.socket.close()
        c.task.cancel()

    dash_lat, all_lat = lat("dashboard", admins), lat(all_channel, clients)
    lost = (
        SMALL * (SMALL_EVENTS + BURST)
        - len(lat(small_channel, small_members))
        + ADMINS * DASHBOARD_EVENTS
        - len(dash_lat)
        + SOCKETS * BROADCAST_EVENTS
        - len(all_lat)
    )
    per_conn_kb = (rss_after - rss_before) / SOCKETS
    return [
        Result(
            f"realtime: open {SOCKETS} sockets (ticket + welcome)",
            f"{SOCKETS / connect_s:.0f}/s ({connect_s:.1f} s)",
            f"{SOCKETS} held",
            True,
        ),
        Result(
            f"realtime: {SOCKETS + SMALL} subscribes (group authorizer)",
            f"{(SOCKETS + SMALL) / subscribe_s:.0f}/s",
            "-",
            None,
        ),
        Result(
            f"realtime: {SMALL}-member channel, {SMALL_EVENTS} events",
            f"p50 {p50(small_lat):.1f} ms, p99 {p99(small_lat):.1f} ms",
            "p99 < 50 ms",
            p99(small_lat) < 50,
        ),
        Result(
            f"realtime: burst of {BURST} events to the {SMALL}-member channel",
            f"{SMALL * BURST / burst_s:.0f} deliveries/s",
            "-",
            None,
        ),
        Result(
            f"realtime: dashboard ({ADMINS} admins), {DASHBOARD_EVENTS} events",
            f"p50 {p50(dash_lat):.1f} ms, p99 {p99(dash_lat):.1f} ms",
            "-",
            None,
        ),
        Result(
            f"realtime: {SOCKETS}-member broadcast, {BROADCAST_EVENTS} events",
            f"p50 {p50(all_lat):.0f} ms, p99 {p99(all_lat):.0f} ms, all in {max(broadcast_s) * 1000:.0f} ms",
            "fully delivered",
            len(all_lat) == SOCKETS * BROADCAST_EVENTS,
        ),
        Result("realtime: messages lost", str(lost), "0", lost == 0),
        Result(
            "realtime: daphne memory per idle connection",
            f"{per_conn_kb:.1f} KB (RSS {rss_before // 1024} → {rss_after // 1024} MB)",
            "< 60 KB",
            per_conn_kb < 60,
        ),
    ]


def _rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")
