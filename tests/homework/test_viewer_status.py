"""The viewer's own submission on each homework: `my_submission` for a student, one entry per child
in `children_submissions` for a parent, null for staff; a page costs the same queries at 1 and 20."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories.accounts import StudentFactory, link_parent
from tests.factories.courses import MembershipFactory
from tests.factories.homework import HomeworkFactory, SubmissionFactory


@pytest.fixture
def sibling(group, parent):
    other = StudentFactory(first_name="Sib")
    MembershipFactory(group=group, student=other)
    link_parent(parent, other)
    return other


def test_a_student_sees_their_current_submission_only(api, student, text_homework):
    SubmissionFactory(homework=text_homework, student=student, attempt=1, is_current=False)
    current = SubmissionFactory(
        homework=text_homework, student=student, attempt=2, status="scored", score=7.5
    )
    SubmissionFactory(homework=text_homework, student=StudentFactory())  # a classmate's
    body = api(student).get(f"/homework/{text_homework.pk}").json()
    mine = body["my_submission"]
    assert (mine["id"], mine["attempt"], mine["status"], mine["score"]) == (current.pk, 2, "scored", 7.5)
    assert set(mine) == {"id", "attempt", "status", "score", "is_late", "submitted_at"}
    assert body["children_submissions"] is None
    assert api(student).get("/homework").json()["items"][0]["my_submission"]["id"] == current.pk


def test_before_submitting_it_is_null(api, student, text_homework):
    assert api(student).get(f"/homework/{text_homework.pk}").json()["my_submission"] is None


def test_a_parent_sees_each_child_who_submitted(api, parent, student, sibling, text_homework):
    mine = SubmissionFactory(homework=text_homework, student=student, status="reviewed", score=9)
    theirs = SubmissionFactory(homework=text_homework, student=sibling)
    SubmissionFactory(homework=text_homework, student=StudentFactory())  # not their child
    body = api(parent).get(f"/homework/{text_homework.pk}").json()
    assert body["my_submission"] is None
    got = {(c["student_id"], c["id"], c["status"]) for c in body["children_submissions"]}
    assert got == {(student.pk, mine.pk, "reviewed"), (sibling.pk, theirs.pk, "submitted")}


@pytest.mark.parametrize("persona", ["teacher", "admin"])
def test_staff_get_nulls(api, request, persona, student, text_homework):
    SubmissionFactory(homework=text_homework, student=student)
    body = api(request.getfixturevalue(persona)).get(f"/homework/{text_homework.pk}").json()
    assert body["my_submission"] is None and body["children_submissions"] is None


@pytest.mark.parametrize("persona", ["student", "parent"])
def test_the_list_runs_the_same_queries_for_1_and_20_homework(api, request, persona, student, group):
    def add():
        SubmissionFactory(homework=HomeworkFactory(group=group, kind="text"), student=student)

    add()
    client = api(request.getfixturevalue(persona))
    with CaptureQueriesContext(connection) as one:
        assert client.get("/homework", {"limit": 100}).json()["count"] == 1
    for _ in range(19):
        add()
    with CaptureQueriesContext(connection) as twenty:
        items = client.get("/homework", {"limit": 100}).json()["items"]
    assert len(items) == 20
    assert all((item["my_submission"] or item["children_submissions"][0]) for item in items)
    assert len(twenty) == len(one)
