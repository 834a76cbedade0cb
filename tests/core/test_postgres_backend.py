"""core.postgres: timestamptz columns come back through psycopg's C loader, and exactly as Django's own
loader returns them (aware, `datetime.timezone.utc`, microseconds kept)."""

from __future__ import annotations

import datetime
from contextlib import nullcontext

import pytest
from django.conf import settings
from django.db import connection
from django.db.backends.postgresql.psycopg_any import BaseTzLoader

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not settings.IS_POSTGRES, reason="the backend is Postgres's"),
]

VALUES = "SELECT '2026-12-02 13:45:01.123456+00'::timestamptz, '1999-01-01 00:00:00+05'::timestamptz"


class DjangosLoader(BaseTzLoader):
    timezone = datetime.UTC


def test_the_engine_is_ours_and_its_timestamp_loader_is_psycopgs_c_one():
    from psycopg.adapt import PyFormat  # noqa: F401 (psycopg imported before its C module is asked for)
    from psycopg.pq import Format

    assert settings.DATABASES["default"]["ENGINE"] == "core.postgres"
    connection.ensure_connection()
    loader = connection.connection.adapters.get_loader(1184, Format.TEXT)  # timestamptz
    assert loader.__module__.startswith("psycopg_binary"), loader


def test_it_reads_what_djangos_loader_reads():
    with connection.cursor() as cursor:
        cursor.execute(VALUES)
        ours = cursor.fetchone()
    with connection.cursor() as cursor:
        cursor.cursor.adapters.register_loader("timestamptz", DjangosLoader)
        cursor.execute(VALUES)
        django = cursor.fetchone()
    assert ours == django
    assert [v.tzinfo for v in ours] == [datetime.UTC, datetime.UTC] == [v.tzinfo for v in django]
    assert ours[0].microsecond == 123456
    assert ours[1] == datetime.datetime(1998, 12, 31, 19, tzinfo=datetime.UTC)


def test_a_model_round_trip_keeps_the_instant_and_the_zone():
    from modules.accounts.models import User
    from tests.factories.accounts import StudentFactory

    moment = datetime.datetime(2026, 3, 1, 7, 30, 15, 654321, tzinfo=datetime.UTC)
    student = StudentFactory(last_login=moment)
    read = User.objects.get(pk=student.pk).last_login
    assert read == moment and read.tzinfo is datetime.UTC


@pytest.mark.parametrize("in_transaction", [False, True])
def test_a_streamed_queryset_reads_through_a_named_cursor_the_same(in_transaction):
    from django.db import transaction

    from modules.accounts.models import User
    from tests.factories.accounts import StudentFactory

    moment = datetime.datetime(2025, 5, 5, 5, 5, 5, 5, tzinfo=datetime.UTC)
    StudentFactory.create_batch(3, last_login=moment)
    with transaction.atomic() if in_transaction else nullcontext():
        read = [u.last_login for u in User.objects.filter(last_login=moment).iterator(chunk_size=2)]
    assert read == [moment] * 3 and {v.tzinfo for v in read} == {datetime.UTC}
