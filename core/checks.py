"""The Postgres connection budget: every process of the layout at its peak must fit the server.

A web process (gunicorn worker or daphne) holds at most DB_POOL_MAX connections with DB_POOL=true;
the qcluster holds one per worker plus its sentinel, pusher and monitor; RESERVED_CONNECTIONS are
left for `migrate`, shell sessions and the admin's exports. Without the pool a daphne was measured
holding 57 connections and exhausting max_connections for every service on the server, so the
layout is refused before it starts (gunicorn's on_starting hook; `migrate` runs database checks
too) rather than failing under load."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.checks import Error, Tags, register

RESERVED_CONNECTIONS = 5
QCLUSTER_OVERHEAD = 3  # sentinel (scheduler), pusher, monitor


@dataclass(frozen=True)
class Budget:
    web: int
    ws: int
    worker: int
    reserved: int = RESERVED_CONNECTIONS

    @property
    def total(self) -> int:
        return self.web + self.ws + self.worker + self.reserved

    def describe(self) -> str:
        return (
            f"web {settings.WEB_CONCURRENCY}×{settings.DB_POOL_MAX} = {self.web}, "
            f"ws {settings.WS_PROCESSES}×{settings.DB_POOL_MAX} = {self.ws}, "
            f"worker {self.worker}, reserved {self.reserved}: {self.total}"
        )


def connection_budget() -> Budget:
    per_process = settings.DB_POOL_MAX
    return Budget(
        web=settings.WEB_CONCURRENCY * per_process,
        ws=settings.WS_PROCESSES * per_process,
        worker=settings.Q_CLUSTER["workers"] + QCLUSTER_OVERHEAD,
    )


_LIMIT_SQL = (
    "SELECT current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int"
)


def server_connection_limit(*, fresh: bool = False) -> int:
    """max_connections minus the slots only superusers may use. `fresh` reads it over a connection
    of its own: Django's would build the psycopg pool in gunicorn's master, before it forks."""
    if not fresh:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(_LIMIT_SQL)
            return cursor.fetchone()[0]
    import psycopg

    db = settings.DATABASES["default"]
    params = {
        "dbname": db["NAME"],
        "user": db.get("USER"),
        "password": db.get("PASSWORD"),
        "host": db.get("HOST"),
        "port": db.get("PORT"),
    }
    with psycopg.connect(connect_timeout=5, **{k: v for k, v in params.items() if v}) as conn:
        return conn.execute(_LIMIT_SQL).fetchone()[0]


def budget_errors(limit: int | None = None, *, fresh: bool = False) -> list[Error]:
    if not settings.IS_POSTGRES:
        return []
    limit = limit or settings.DB_MAX_CONNECTIONS or server_connection_limit(fresh=fresh)
    budget = connection_budget()
    if budget.total <= limit:
        return []
    return [
        Error(
            f"the process layout needs up to {budget.total} Postgres connections but the server allows "
            f"{limit} ({budget.describe()})",
            hint="lower WEB_CONCURRENCY, WS_PROCESSES, DB_POOL_MAX or Q_WORKERS, or raise the server's "
            "max_connections (docs/deployment-processes.md)",
            id="markaz.E001",
        )
    ]


@register(Tags.database)
def check_connection_budget(app_configs=None, databases=None, **kwargs):
    """Runs with `migrate` and `check --database default` (database checks need a server)."""
    if not databases or "default" not in databases:
        return []
    return budget_errors()


def refuse_unfit_layout() -> None:
    """For process entry points: exit with the check's message instead of starting."""
    errors = budget_errors(fresh=True)
    if errors:
        raise SystemExit(f"{errors[0].msg}\nhint: {errors[0].hint}")
