"""Django's PostgreSQL backend, reading `timestamptz` columns with psycopg's C loader.

Django registers its own timestamptz loader, a Python subclass of psycopg's, so that values come back
in the connection's time zone; being a subclass, it is not swapped for psycopg's C implementation.
Parsing 60,000 values took 200 ms with it and 20 ms with the C loader (same rows, same process);
a 100-lesson page parses about 240. With USE_TZ the connection's TimeZone is UTC (Django sets it when
it connects), and the C loader then returns exactly what Django's does: aware datetimes with
`datetime.timezone.utc`. tests/core/test_postgres_backend.py holds both to that."""

from __future__ import annotations

from django.conf import settings
from django.db.backends.postgresql import base, operations
from psycopg import adapt
from psycopg.types.datetime import TimestamptzLoader


class DatabaseOperations(operations.DatabaseOperations):
    def last_executed_query(self, cursor, sql, params):
        # Django reads the text psycopg kept, which a prepared statement (core/postgres/prepared.py)
        # does not keep: the query log and the query budgets then compose it from the parameters
        return super().last_executed_query(cursor, sql, params) or self.compose_sql(sql, params)


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations

    def _fast_timestamps(self) -> bool:
        return settings.USE_TZ and self.timezone_name == "UTC"

    def get_connection_params(self):
        params = super().get_connection_params()
        if self._fast_timestamps():
            context = adapt.AdaptersMap(params["context"])
            # registering psycopg's own class is what makes psycopg pick its C version
            context.register_loader("timestamptz", TimestamptzLoader)
            params["context"] = context
        return params

    def create_cursor(self, name=None):
        """Django 5.2's create_cursor without its time-zone step: Django compares the registered
        loader's `timezone` with the connection's, to register a per-cursor loader when they differ;
        psycopg's loader follows the connection's TimeZone, which Django set to this same UTC, so
        there is nothing to register (and the C loader has no such attribute to compare)."""
        if not self._fast_timestamps():
            return super().create_cursor(name)
        if not name:
            return self.connection.cursor()
        withhold = self.connection.autocommit  # outside a transaction the cursor must outlive it
        if self.settings_dict["OPTIONS"].get("server_side_binding") is True:
            return self.connection.cursor(name, scrollable=False, withhold=withhold)
        # psycopg forces server-side binding on named cursors; Django's class keeps client-side binding
        return base.ServerSideCursor(self.connection, name=name, scrollable=False, withhold=withhold)
