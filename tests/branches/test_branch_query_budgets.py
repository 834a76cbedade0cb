"""Scoping costs no query per row: every list of the OpenAPI document runs as many queries for a
branch admin at limit=1 as at limit=100, and at most a few more than for the director (the scope is
read once per request and cached on the user)."""

from __future__ import annotations

from tests.branches.conftest import World
from tests.branches.walker import operations, resolve
from tests.conftest import ApiClient
from tests.page_queries import one_and_many

SCOPE_QUERIES = 2  # the caller's branches, read once; a subquery never counts


def _pages(client, url: str) -> tuple[tuple[int, int], tuple[int, int]]:
    return one_and_many(lambda limit: client.get(url, {"limit": limit}))


def test_lists_run_a_constant_number_of_queries_for_a_branch_admin(world: World):
    admin, director = ApiClient(world.a.admin), ApiClient(world.director)
    checked, failures = [], []
    for op in operations()[0]:
        url = resolve(op, world.a.ids)
        if op.method != "get" or url is None or "limit" not in op.query:
            continue
        (status_one, one), (status_many, many) = _pages(admin, url)
        if status_one != 200 or status_many != 200:
            continue
        checked.append(op.name)
        _, (_, unscoped) = _pages(director, url)
        if one != many or many > unscoped + SCOPE_QUERIES:
            failures.append(
                f"{op.name}: {one} for one row, {many} for the page of all, the director {unscoped}"
            )
    assert len(checked) >= 15, checked
    assert not failures, "\n".join(failures)
