"""Audit: what recording costs a write (a user saved with and without an open audit context), the
audit-log list over 20,000 entries (page of 100, and filtered by object), and the cached settings read.
Everything runs in one transaction rolled back at the end."""

from __future__ import annotations

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.benchmarks import Result, p50, timed

ENTRIES = 20_000
WRITES = 200


class _Rollback(Exception):
    pass


def _context(user):
    from django.test import RequestFactory

    from modules.audit.context import AuditContext

    request = RequestFactory().patch("/api/v1/auth/me", HTTP_USER_AGENT="bench")
    request.id = "bench"
    request.user = user
    return AuditContext.from_request(request)


def _write_cost(user) -> tuple[float, float, int]:
    from modules.audit.context import audit_context

    def save(i=[0]):  # noqa: B006 - a counter kept across calls, so every save changes a field
        i[0] += 1
        user.first_name = f"Bench{i[0]}"
        user.save()

    plain = p50(timed(save, WRITES))
    with audit_context(_context(user)):
        user.refresh_from_db()  # loaded inside the context: snapshot taken, no extra query on save
        audited = p50(timed(save, WRITES))
        with CaptureQueriesContext(connection) as queries:
            save()
    return plain, audited, len(queries)


def _python_cost(user) -> float:
    """The receivers' own work per save, without the database: two snapshots and a diff."""
    from modules.audit.snapshots import diff, snapshot

    before = snapshot(user)
    return p50(timed(lambda: diff(user, before, snapshot(user)), 2000))


def _entries(admin) -> None:
    from modules.audit.models import AuditLog

    AuditLog.objects.bulk_create(
        AuditLog(
            actor=admin,
            actor_repr="bench",
            action=("create", "update", "delete")[i % 3],
            object_type="bench.thing",
            object_id=str(i % 500),
            changes={"name": [f"a{i}", f"b{i}"]},
            source="api",
        )
        for i in range(ENTRIES)
    )


def run(ctx) -> list[Result]:
    from core.auth import issue_access_token
    from modules.center.selectors import get_system_settings
    from tests.factories.accounts import AdminFactory

    rows: list[Result] = []
    try:
        with transaction.atomic():
            admin = AdminFactory(phone="+998979999901", email="bench-audit@example.uz")
            plain, audited, queries = _write_cost(admin)
            rows.append(Result("save without audit context", f"p50 {plain:.2f} ms", "-", None))
            rows.append(
                Result(
                    "save with audit entry",
                    f"p50 {audited:.2f} ms, {queries} queries",
                    "one INSERT more (2 queries)",
                    queries == 2,
                )
            )
            cpu = _python_cost(admin)
            rows.append(
                Result("audit snapshot + diff (Python)", f"p50 {cpu * 1000:.0f} µs", "< 250 µs", cpu < 0.25)
            )
            _entries(admin)
            client = Client(headers={"Authorization": f"Bearer {issue_access_token(admin)}"})
            page = timed(lambda: client.get("/api/v1/audit-logs", {"limit": 100}), 20)
            rows.append(
                Result(
                    f"GET /audit-logs limit=100 ({ENTRIES} rows)",
                    f"p50 {p50(page):.1f} ms",
                    "< 100 ms",
                    p50(page) < 100,
                )
            )
            one = timed(
                lambda: client.get("/api/v1/audit-logs", {"object_type": "bench.thing", "object_id": "42"}),
                20,
            )
            rows.append(
                Result("GET /audit-logs by object", f"p50 {p50(one):.1f} ms", "< 30 ms", p50(one) < 30)
            )
            get_system_settings()
            read = timed(get_system_settings, 1000)
            rows.append(
                Result(
                    "get_system_settings (cached)",
                    f"p50 {p50(read) * 1000:.0f} µs",
                    "< 500 µs",
                    p50(read) < 0.5,
                )
            )
            raise _Rollback
    except _Rollback:
        pass
    return rows
