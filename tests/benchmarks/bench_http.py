"""HTTP load on the hottest reads against one daphne process on the scale demo: concurrent clients,
throughput and p50/p99, next to the time of the raw SQL each endpoint needs (the ratio is the
framework's overhead: routing, auth, validation, serialization)."""

from __future__ import annotations

import asyncio
import time

import httpx
from django.conf import settings
from django.core.signals import request_started
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext

from core.auth import issue_access_token
from tests.benchmarks import Result, p50, p99

CONCURRENCY = 20
REQUESTS = 600


def _targets():
    from modules.accounts.models import User
    from modules.courses.models import Group

    admin = User.objects.get(email="admin@demo.markaz.uz")
    student = User.objects.filter(email__endswith="@scale.markaz.uz", role="student").first()
    group = Group.objects.filter(memberships__student=student).first()
    return [
        ("GET /lessons (100 rows, admin)", f"/api/v1/lessons?group={group.pk}&limit=100", admin),
        ("GET /groups/{id}/leaderboard", f"/api/v1/groups/{group.pk}/leaderboard?period=month", student),
        ("GET /auth/me", "/api/v1/auth/me", student),
    ]


def _raw_sql_ms(path: str, token: str) -> float:
    """Replays, on one connection, exactly the SQL the endpoint ran in-process; median of 20 runs."""
    client = Client()
    # request_started resets connection.queries_log, which would empty the capture.
    request_started.disconnect(reset_queries)
    try:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path, headers={"Authorization": f"Bearer {token}"})
    finally:
        request_started.connect(reset_queries)
    assert response.status_code == 200, response.content[:300]
    statements = [q["sql"] for q in ctx.captured_queries]
    times = []
    with connection.cursor() as cursor:
        for _ in range(20):
            start = time.perf_counter()
            for sql in statements:
                cursor.execute(sql)
                cursor.fetchall()
            times.append((time.perf_counter() - start) * 1000)
    return p50(times)


async def _load(base: str, path: str, token: str) -> tuple[list[float], float, int]:
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    async with httpx.AsyncClient(
        base_url=base, limits=limits, timeout=30, headers={"Authorization": f"Bearer {token}"}
    ) as client:
        queue: asyncio.Queue[int] = asyncio.Queue()
        for i in range(REQUESTS):
            queue.put_nowait(i)

        async def worker():
            nonlocal errors
            while not queue.empty():
                queue.get_nowait()
                start = time.perf_counter()
                response = await client.get(path)
                latencies.append((time.perf_counter() - start) * 1000)
                errors += response.status_code != 200

        await client.get(path)  # warm-up
        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
        elapsed = time.perf_counter() - started
    return latencies, REQUESTS / elapsed, errors


def _sequential(base: str, path: str, token: str, n: int = 50) -> float:
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}) as client:
        client.get(path)
        times = []
        for _ in range(n):
            start = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - start) * 1000)
    return p50(times)


def run(ctx) -> list[Result]:
    ctx.ensure_scale_demo()
    base = "http://" + ctx.start_daphne(
        {
            "THROTTLE_USER": "1000000/min",
            "DB_POOL": "true",
            "LOG_LEVEL": "WARNING",
            "DJANGO_DEBUG": "false",  # production mode: no query log, no debug pages
            "DJANGO_SECRET_KEY": "bench-" + "x" * 60,
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "JWT_SIGNING_KEY": settings.JWT_SIGNING_KEY,  # tokens are issued by this process
        }
    )
    results = []
    for name, path, user in _targets():
        token = issue_access_token(user)
        sql_ms = _raw_sql_ms(path, token)
        latencies, rps, errors = asyncio.run(_load(base, path, token))
        results.append(
            Result(
                f"{name}: {CONCURRENCY} clients",
                f"{rps:.0f} req/s, p50 {p50(latencies):.1f} ms, p99 {p99(latencies):.1f} ms, errors {errors}",
                "0 errors",
                errors == 0,
            )
        )
        single = _sequential(base, path, token)
        results.append(
            Result(
                f"{name}: endpoint vs its raw SQL (1 client)",
                f"{single:.2f} ms vs SQL {sql_ms:.2f} ms (x{single / max(sql_ms, 0.01):.1f})",
                "reported",
                None,
            )
        )
    return results
