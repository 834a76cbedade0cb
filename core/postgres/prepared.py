"""A cursor for the few hot statements whose planning costs more than their execution.

Django turns psycopg's prepared statements off (`prepare_threshold=None`, so that transaction-mode
poolers keep working) and binds parameters on the client, so Postgres plans every statement afresh.
The one-statement coin award (an UPDATE and a ledger INSERT with seven indexes, in one CTE) ran in
0.53-0.67 ms that way and in 0.13-0.19 ms prepared (same connection, same rows, psycopg alone).
`prepared_cursor()` is Django's cursor wrapper (so the statement is logged, counted by query
budgets, passes execute wrappers and raises Django's errors) around psycopg's server-side binding
cursor, told to prepare what it runs; psycopg keeps the prepared statements per connection.

Server-side binding types parameters as psycopg dumps them: a None reaches Postgres untyped, so a
statement that selects parameters into columns casts them (`CAST(%s AS bigint)`). Behind a pooler
in transaction mode that cannot keep prepared statements (PgBouncer before 1.21, or without
`max_prepared_statements`), set DB_PREPARED_STATEMENTS=false: this is then Django's usual cursor."""

from __future__ import annotations

import psycopg
from django.conf import settings
from django.db import connection

_ONLY_WHEN_ASKED = 1_000_000  # a threshold no statement reaches by count: only prepare=True prepares


class _PreparingCursor(psycopg.Cursor):
    def execute(self, query, params=None, *, prepare=None, binary=None):
        # psycopg ignores prepare=True while the connection's threshold is None (Django's setting);
        # lifting it for this one call leaves every other statement unprepared, as Django wants
        conn = self.connection
        saved = conn.prepare_threshold
        conn.prepare_threshold = _ONLY_WHEN_ASKED if saved is None else saved
        try:
            return super().execute(query, params, prepare=True, binary=binary)
        finally:
            conn.prepare_threshold = saved


def prepared_cursor():
    """A cursor (use it as a context manager) that prepares its statements on Postgres."""
    if connection.vendor != "postgresql" or not settings.DB_PREPARED_STATEMENTS:
        return connection.cursor()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    raw = _PreparingCursor(connection.connection)
    return connection.make_debug_cursor(raw) if connection.queries_logged else connection.make_cursor(raw)
