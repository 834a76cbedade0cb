"""What the HTTP benchmarks share: the hot endpoints on the scale demo, a closed-loop load generator
(N clients, each sends its next request when the last one answered; tests/benchmarks/open_loop.py's
one-event-loop client), the endpoint's time in-process
and the time of the raw SQL it runs, and a sampler of the Postgres connections a load holds."""

from __future__ import annotations

import asyncio
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.signals import request_started
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from tests.benchmarks import p50, p99

CLIENTS = 16
REQUESTS = 480
SINGLE_REQUESTS = 60


def production_env(**extra: str) -> dict[str, str]:
    """The settings a deployment runs with (DEBUG off, the pool, Redis from the bench's env)."""
    return {
        "THROTTLE_USER": "1000000/min",
        "DB_POOL": "true",
        "LOG_LEVEL": "WARNING",
        "DJANGO_DEBUG": "false",  # production mode: no query log, no debug pages
        "DJANGO_SECRET_KEY": "bench-" + "x" * 60,
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "JWT_SIGNING_KEY": settings.JWT_SIGNING_KEY,  # tokens are issued by this process
        **extra,
    }


@dataclass
class Target:
    name: str
    path: str
    user: object
    is_list: bool


def targets() -> list[Target]:
    from modules.accounts.models import User
    from modules.courses.models import Group

    admin = User.objects.get(email="admin@demo.markaz.uz")
    student = User.objects.filter(email__endswith="@scale.markaz.uz", role="student").order_by("pk").first()
    group = Group.objects.filter(memberships__student=student).order_by("pk").first()
    return [
        Target("GET /lessons (100 rows, admin)", f"/api/v1/lessons?group={group.pk}&limit=100", admin, True),
        Target(
            "GET /groups/{id}/leaderboard",
            f"/api/v1/groups/{group.pk}/leaderboard?period=month",
            student,
            False,
        ),
        Target("GET /auth/me", "/api/v1/auth/me", student, False),
        Target("GET /payments (admin, default order)", "/api/v1/payments", admin, True),
    ]


def in_process(path: str, token: str, repeat: int = 20) -> tuple[float, list[str]]:
    """Median time of the endpoint through Django's full stack in this process, and its SQL. Throttle
    rates are lifted as for the servers: the load just run shares their windows in Redis."""
    from django.conf import settings

    with override_settings(THROTTLE_RATES={scope: "1000000/min" for scope in settings.THROTTLE_RATES}):
        return _in_process(path, token, repeat)


def _in_process(path: str, token: str, repeat: int) -> tuple[float, list[str]]:
    client = Client()
    headers = {"Authorization": f"Bearer {token}"}
    # request_started resets connection.queries_log, which would empty the capture.
    request_started.disconnect(reset_queries)
    try:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path, headers=headers)
    finally:
        request_started.connect(reset_queries)
    assert response.status_code == 200, response.content[:300]
    statements = [q["sql"] for q in ctx.captured_queries]  # now: the next request clears the log
    times = []
    with override_settings(DEBUG=False):  # as the servers run: no query log
        for _ in range(repeat):
            start = time.perf_counter()
            client.get(path, headers=headers)
            times.append((time.perf_counter() - start) * 1000)
    return p50(times), statements


def raw_sql_ms(statements: list[str], repeat: int = 20) -> float:
    """Replays, on one connection, exactly the SQL the endpoint ran; median of `repeat` runs."""
    times = []
    with connection.cursor() as cursor:
        for _ in range(repeat):
            start = time.perf_counter()
            for sql in statements:
                cursor.execute(sql)
                cursor.fetchall()
            times.append((time.perf_counter() - start) * 1000)
    return p50(times)


@dataclass
class Load:
    clients: int
    rps: float
    p50: float
    p99: float
    errors: int

    def figure(self) -> str:
        return f"{self.rps:.0f} req/s, p50 {self.p50:.1f} ms, p99 {self.p99:.1f} ms, errors {self.errors}"


async def _closed_loop(base: str, path: str, token: str, clients: int, requests: int) -> Load:
    from tests.benchmarks.open_loop import client as http_client

    latencies: list[float] = []
    errors = 0
    async with http_client(base, clients=clients, headers={"Authorization": f"Bearer {token}"}) as client:
        remaining = requests

        async def one_client():
            nonlocal errors, remaining
            while remaining > 0:
                remaining -= 1
                start = time.perf_counter()
                response = await client.get(path)
                latencies.append((time.perf_counter() - start) * 1000)
                errors += response.status_code != 200

        # warm-up: every worker process and thread has served the path once
        await asyncio.gather(*(client.get(path) for _ in range(clients)))
        started = time.perf_counter()
        await asyncio.gather(*(one_client() for _ in range(clients)))
        elapsed = time.perf_counter() - started
    return Load(clients, len(latencies) / elapsed, p50(latencies), p99(latencies), errors)


def load(base: str, path: str, token: str, *, clients: int = CLIENTS, requests: int = REQUESTS) -> Load:
    return asyncio.run(_closed_loop(base, path, token, clients, requests))


_TICK = os.sysconf("SC_CLK_TCK")


def process_tree(pid: int) -> list[int]:
    """`pid` and its children (a gunicorn or uvicorn master and its workers), from /proc."""
    children = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                children.append(int(entry))
    return [pid, *children]


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU the processes have used so far."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / _TICK


class ConnectionSampler:
    """Peak number of one server's connections to this database while the block runs (every 50 ms):
    those whose application_name is the server's (BenchContext gives each process it starts its
    own, through libpq's PGAPPNAME), so servers an earlier benchmark left running are not counted."""

    def __init__(self, application_name: str):
        self.application_name = application_name
        self.peak = 0
        self._stop = threading.Event()

    def _sample(self):
        import psycopg

        db = settings.DATABASES["default"]
        params = {
            k: db.get(v) for k, v in [("host", "HOST"), ("port", "PORT"), ("user", "USER")] if db.get(v)
        }
        with psycopg.connect(dbname=db["NAME"], autocommit=True, **params) as conn:
            while not self._stop.is_set():
                (count,) = conn.execute(
                    # client connections only: a parallel query's workers are backends too
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    " AND backend_type = 'client backend' AND application_name = %s",
                    [self.application_name],
                ).fetchone()
                self.peak = max(self.peak, count)
                self._stop.wait(0.05)

    def __enter__(self):
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=5)
