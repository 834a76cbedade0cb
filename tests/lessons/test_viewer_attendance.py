"""The viewer's own mark on each lesson: `my_attendance` for a student, `children_attendance` for a
parent, null for staff; a page of lessons costs the same queries at 1 and 20."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories.accounts import StudentFactory, link_parent
from tests.factories.attendance import AttendanceRecordFactory
from tests.factories.courses import MembershipFactory, make_group_with_students


@pytest.fixture
def group(teacher, student):
    return make_group_with_students(teacher, [student], lessons=2)


@pytest.fixture
def lessons(group):
    return list(group.lessons.order_by("starts_at"))


def test_a_student_sees_their_own_mark(api, student, lessons):
    first, second = lessons
    AttendanceRecordFactory(lesson=first, student=student, status="late", note="bus")
    AttendanceRecordFactory(lesson=first, student=StudentFactory(), status="absent")  # a classmate
    items = api(student).get("/lessons").json()["items"]
    assert [item["my_attendance"] for item in items] == [{"status": "late", "note": "bus"}, None]
    assert {item["children_attendance"] for item in items} == {None}
    detail = api(student).get(f"/lessons/{first.pk}").json()
    assert detail["my_attendance"] == {"status": "late", "note": "bus"}


def test_a_parent_sees_each_marked_child(api, parent, student, group, lessons):
    sibling = StudentFactory()
    MembershipFactory(group=group, student=sibling)
    link_parent(parent, sibling)
    first, _ = lessons
    AttendanceRecordFactory(lesson=first, student=student, status="absent")
    AttendanceRecordFactory(lesson=first, student=sibling, status="present")
    AttendanceRecordFactory(lesson=first, student=StudentFactory(), status="excused")  # not theirs
    body = api(parent).get(f"/lessons/{first.pk}").json()
    assert body["my_attendance"] is None
    assert sorted(body["children_attendance"], key=lambda c: c["student_id"]) == sorted(
        [
            {"student_id": student.pk, "status": "absent", "note": ""},
            {"student_id": sibling.pk, "status": "present", "note": ""},
        ],
        key=lambda c: c["student_id"],
    )
    listed = api(parent).get("/lessons").json()["items"]
    assert [len(item["children_attendance"]) for item in listed] == [2, 0]


@pytest.mark.parametrize("persona", ["teacher", "admin"])
def test_staff_get_nulls(api, request, persona, student, lessons):
    AttendanceRecordFactory(lesson=lessons[0], student=student)
    client = api(request.getfixturevalue(persona))
    item = client.get("/lessons", {"group": lessons[0].group_id}).json()["items"][0]
    assert item["my_attendance"] is None and item["children_attendance"] is None
    assert client.get(f"/lessons/{lessons[0].pk}").json()["my_attendance"] is None


@pytest.mark.parametrize("persona", ["student", "parent"])
def test_the_list_runs_the_same_queries_for_1_and_20_lessons(api, request, persona, student, teacher):
    def lessons_of(count):
        group = make_group_with_students(teacher, [student], lessons=count)
        for lesson in group.lessons.all():
            AttendanceRecordFactory(lesson=lesson, student=student)

    lessons_of(1)
    client = api(request.getfixturevalue(persona))
    with CaptureQueriesContext(connection) as one:
        assert client.get("/lessons", {"limit": 100}).json()["count"] == 1
    lessons_of(19)
    with CaptureQueriesContext(connection) as twenty:
        items = client.get("/lessons", {"limit": 100}).json()["items"]
    assert len(items) == 20
    assert all(item["my_attendance"] or item["children_attendance"] for item in items)
    assert len(twenty) == len(one)
