"""Every list endpoint of courses and lessons runs the same number of queries for 1 row or 100."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories.courses import (
    CourseFactory,
    FreezePeriodFactory,
    GroupFactory,
    HolidayFactory,
    MembershipFactory,
    RoomFactory,
)
from tests.factories.lessons import LessonFactory


@pytest.fixture
def center(db):
    group = GroupFactory(capacity=20)
    for _ in range(5):
        FreezePeriodFactory(membership=MembershipFactory(group=group))
        CourseFactory()
        RoomFactory(branch=group.branch)
        HolidayFactory()
        LessonFactory(group=group)
    GroupFactory()  # a second branch and group
    return group


@pytest.mark.parametrize(
    "path", ["/courses", "/branches", "/rooms", "/holidays", "/groups", "/groups/{g}/members", "/lessons"]
)
def test_list_query_count_is_constant(api, admin, center, path):
    client = api(admin)
    counts = []
    for limit in (1, 100):
        with CaptureQueriesContext(connection) as ctx:
            res = client.get(path.format(g=center.pk), {"limit": limit})
        assert res.status_code == 200
        assert (
            len(res.json()["items"]) == (1 if limit == 1 else res.json()["count"])
            and res.json()["count"] >= 2
        )
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
