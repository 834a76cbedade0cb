"""Feeds page by an opaque cursor that inserts cannot shift; lists a UI sorts take `?ordering=` from
an allow-list (unknown values are a 422), ties broken by id."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from modules.notifications.models import Notification
from tests.factories.accounts import StudentFactory
from tests.factories.courses import make_group_with_students
from tests.factories.homework import HomeworkFactory, SubmissionFactory
from tests.factories.notifications import NotificationFactory

pytestmark = pytest.mark.django_db


def _feed(client, **params):
    response = client.get("/notifications", {"limit": 2, **params})
    assert response.status_code == 200, response.content
    return response.json()


def test_a_cursor_walks_a_feed_once_while_new_rows_arrive(api, student):
    rows = NotificationFactory.create_batch(5, user=student)
    same = timezone.now() - timedelta(hours=1)
    # three rows in one microsecond: only the id tells them apart, and no page may repeat or skip one
    Notification.objects.filter(pk__in=[r.pk for r in rows[1:4]]).update(created_at=same)
    expected = list(
        Notification.objects.filter(user=student).order_by("-created_at", "-id").values_list("id", flat=True)
    )
    client = api(student)

    first = _feed(client)
    NotificationFactory(user=student)  # newer than everything: an offset would now repeat a row
    second = _feed(client, cursor=first["next_cursor"])
    third = _feed(client, cursor=second["next_cursor"])

    seen = [item["id"] for page in (first, second, third) for item in page["items"]]
    assert seen == expected
    assert [first["count"], second["count"], third["count"]] == [5, 6, 6]
    assert third["next_cursor"] is None


def test_offset_pages_of_a_feed_still_work_and_hand_out_a_cursor(api, student):
    NotificationFactory.create_batch(3, user=student)
    client = api(student)
    page = _feed(client, offset=1)
    assert len(page["items"]) == 2 and page["count"] == 3
    assert page["next_cursor"] is None  # the last page
    assert _feed(client)["next_cursor"]


@pytest.mark.parametrize("params", [{"cursor": "not-a-cursor"}, {"cursor": "WyJ4IiwxXQ"}, {"offset": 2}])
def test_a_bad_cursor_or_a_cursor_with_an_offset_is_a_422(api, student, params):
    NotificationFactory.create_batch(3, user=student)
    client = api(student)
    if "offset" in params:
        params["cursor"] = _feed(client)["next_cursor"]
    response = client.get("/notifications", params)
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


@pytest.mark.parametrize(
    "path", ["/audit-logs", "/notifications", "/students/{student}/coins/transactions"], ids=lambda p: p
)
def test_every_feed_answers_next_cursor(api, admin, student, path):
    body = api(admin).get(path.format(student=student.pk)).json()
    assert set(body) == {"items", "count", "next_cursor"}


def test_lessons_order_newest_first_on_request(api, admin):
    group = make_group_with_students(lessons=3)
    client = api(admin)
    ascending = [item["id"] for item in client.get("/lessons", {"group": group.pk}).json()["items"]]
    descending = client.get("/lessons", {"group": group.pk, "ordering": "-starts_at"}).json()["items"]
    assert [item["id"] for item in descending] == ascending[::-1]
    refused = client.get("/lessons", {"ordering": "topic"})
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"][-1] == "ordering"


def test_users_order_by_join_date_with_ties_by_id(api, admin):
    joined = timezone.now() - timedelta(days=3)
    made = [StudentFactory(date_joined=joined) for _ in range(3)]
    items = api(admin).get("/users", {"role": "student", "ordering": "-date_joined"}).json()["items"]
    assert [u["id"] for u in items] == sorted((u.pk for u in made), reverse=True)


def test_submissions_order_by_score_with_unscored_last(api, teacher):
    students = StudentFactory.create_batch(3)
    homework = HomeworkFactory(group=make_group_with_students(teacher=teacher, students=students))
    low, high, unscored = (
        SubmissionFactory(homework=homework, student=student, score=score)
        for student, score in zip(students, (3, 9, None), strict=True)
    )
    body = api(teacher).get(f"/homework/{homework.pk}/submissions", {"ordering": "-score"}).json()
    assert [s["id"] for s in body["items"]] == [high.pk, low.pk, unscored.pk]


def test_homework_orders_by_title(api, teacher):
    group = make_group_with_students(teacher=teacher)
    for title in ("b", "c", "a"):
        HomeworkFactory(group=group, title=title)
    items = api(teacher).get("/homework", {"group": group.pk, "ordering": "title"}).json()["items"]
    assert [h["title"] for h in items] == ["a", "b", "c"]
    assert api(teacher).get("/homework", {"ordering": "-secret"}).status_code == 422


def _counted(client, url: str, params: dict) -> tuple[dict, bool]:
    """The page and whether it ran a COUNT(*)."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200, response.content
    return response.json(), any("COUNT(*)" in q["sql"] for q in ctx.captured_queries)


@pytest.mark.parametrize(
    "params,rows,counts",
    [
        ({"limit": 10}, 5, False),  # the whole list in one short page
        ({"limit": 5}, 5, True),  # a full page: more may follow
        ({"limit": 3, "offset": 3}, 2, False),  # the last page: offset + rows
        ({"limit": 3, "offset": 9}, 0, True),  # past the end: an empty page tells nothing
    ],
)
def test_a_page_shorter_than_its_limit_tells_the_count_without_counting(api, admin, params, rows, counts):
    StudentFactory.create_batch(5)
    page, counted = _counted(api(admin), "/users", {"role": "student", **params})
    assert (len(page["items"]), page["count"], counted) == (rows, 5, counts)


def test_a_short_feed_page_after_a_cursor_still_counts_the_whole_feed(api, student):
    NotificationFactory.create_batch(3, user=student)
    client = api(student)
    first, counted_first = _counted(client, "/notifications", {"limit": 2})
    last, counted_last = _counted(client, "/notifications", {"limit": 2, "cursor": first["next_cursor"]})
    assert (first["count"], counted_first) == (3, True)
    assert (len(last["items"]), last["count"], counted_last) == (1, 3, True)
    whole, counted_whole = _counted(client, "/notifications", {"limit": 5})
    assert (whole["count"], whole["next_cursor"], counted_whole) == (3, None, False)
