"""Every list endpoint of courses and lessons runs the same number of queries for 1 row or 100."""

from __future__ import annotations

import pytest

from tests.factories.courses import (
    CourseFactory,
    FreezePeriodFactory,
    GroupFactory,
    HolidayFactory,
    MembershipFactory,
    RoomFactory,
)
from tests.factories.lessons import LessonFactory
from tests.page_queries import queries_for_one_and_many


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
    url = path.format(g=center.pk)
    listed = client.get(url, {"limit": 100}).json()
    assert listed["count"] >= 2 and len(listed["items"]) == listed["count"]
    one, many = queries_for_one_and_many(lambda limit: client.get(url, {"limit": limit}))
    assert one == many
