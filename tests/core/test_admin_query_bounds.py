"""The heaviest admin pages run the same number of queries however many rows they show: a group
with 5 or 25 members and schedules, 5 or 30 lessons and invoices in a list. The benchmark
(tests/benchmarks/bench_admin.py) measures their time on the 10,000-student demo."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories.courses import (
    GroupFactory,
    LessonScheduleFactory,
    MembershipFactory,
    RoomFactory,
    local_dt,
)
from tests.factories.lessons import LessonFactory
from tests.factories.payments import PaymentFactory

pytestmark = pytest.mark.django_db


def _queries(client, url: str) -> int:
    client.get(url)  # the session and the settings cache warm
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_group_change_page_is_bounded_by_its_inline_page(client, admin):
    group = GroupFactory()
    rooms = [RoomFactory(branch=group.branch) for _ in range(4)]
    client.force_login(admin)
    url = f"/admin/courses/group/{group.pk}/change/"

    def grow(members: int, schedules: int):
        for _ in range(members):
            MembershipFactory(group=group)
        for n in range(schedules):
            LessonScheduleFactory(group=group, weekday=n % 7, room=rooms[n % 4])

    grow(12, 2)  # more than a page of members (MembershipInline.per_page)
    few = _queries(client, url)
    grow(18, 5)
    many = _queries(client, url)
    assert many == few, f"{few} queries with 12 members, {many} with 30"
    assert many <= 30


@pytest.mark.parametrize(
    ("url", "make"),
    [
        (
            "/admin/lessons/lesson/",
            lambda n: [
                LessonFactory(starts_at=local_dt(local_dt_day(i), time(9, 0)), room=RoomFactory())
                for i in range(n)
            ],
        ),
        ("/admin/payments/payment/", lambda n: [PaymentFactory(group=GroupFactory()) for _ in range(n)]),
    ],
)
def test_changelists_are_bounded(client, admin, url, make):
    client.force_login(admin)
    make(5)
    few = _queries(client, url)
    make(25)
    many = _queries(client, url)
    assert many == few, f"{few} queries with 5 rows, {many} with 30"
    assert many <= 12


def test_large_lists_never_count_the_table(client, admin):
    PaymentFactory()
    client.force_login(admin)
    client.get("/admin/payments/payment/")
    with CaptureQueriesContext(connection) as captured:
        client.get("/admin/payments/payment/")
    assert not [q["sql"] for q in captured if "COUNT(" in q["sql"].upper()]


def local_dt_day(i: int):
    from tests.factories.courses import local_today

    return local_today() + timedelta(days=i)


def test_a_large_list_offers_no_select_all_without_a_total(client, admin):
    PaymentFactory()
    client.force_login(admin)
    html = client.get("/admin/payments/payment/").content.decode()
    assert "Select all 9999999999" not in html
    # Unfold's stand-in total appears only in the "all selected" note, hidden, which nothing can show
    assert html.count("9999999999") == html.count('<span class="all hidden">') == 1


def test_the_branch_staff_picker_lists_admins_and_teachers_only(client, admin, teacher, student):
    """A branch's staff are its admins and teachers: the picker never holds the (10,000) students."""
    group = GroupFactory(teacher=teacher)
    client.force_login(admin)
    page = client.get(f"/admin/courses/branch/{group.branch.pk}/change/").content.decode()
    assert f'value="{teacher.pk}"' in page and f'value="{admin.pk}"' in page
    assert f'value="{student.pk}"' not in page
