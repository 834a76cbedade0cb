"""How many queries a list runs for one row and for many, both pages full.

A page shorter than its limit is the list's last and tells its count, so the pagination skips the
COUNT(*) there (core/pagination.known_count); comparing `limit=1` with `limit=100` over 30 rows would
then differ by that query, not by an N+1. The second page asks for exactly the whole list (at most
the largest page), so both pages are full and both count."""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.pagination import MAX_LIMIT


def one_and_many(get: Callable[[int], object]) -> tuple[tuple[int, int], tuple[int, int]]:
    """`get(limit)` makes the request: ((status, queries) of a one-row page, (status, queries) of a
    page as long as the whole list). When the first is not a 200 the second is not requested."""
    with CaptureQueriesContext(connection) as one:
        first = get(1)
    if first.status_code != 200:
        return (first.status_code, len(one)), (first.status_code, 0)
    limit = max(1, min(first.json()["count"], MAX_LIMIT))
    with CaptureQueriesContext(connection) as many:
        second = get(limit)
    return (first.status_code, len(one)), (second.status_code, len(many))


def queries_for_one_and_many(get: Callable[[int], object]) -> tuple[int, int]:
    """The queries of a one-row page and of a full page of many rows (both must answer 200)."""
    (status_one, one), (status_many, many) = one_and_many(get)
    assert status_one == status_many == 200, (status_one, status_many)
    return one, many
