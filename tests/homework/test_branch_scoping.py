"""Homework and submissions per branch: through the group. Another branch's homework, submissions
and students are 404; assigning to another branch's group is a 422 `branch_forbidden`."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories.branches import two_branches
from tests.factories.homework import HomeworkFactory, SubmissionFactory


@pytest.fixture
def world(db):
    w = two_branches()
    for side in (w.a, w.b):
        side.homework = HomeworkFactory(group=side.group)
        side.submission = SubmissionFactory(homework=side.homework, student=side.student)
    return w


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["items"]}


def test_each_lists_their_branchs_homework(api, world):
    a, b = world.a, world.b
    assert _ids(api(a.admin).get("/homework")) == {a.homework.id}
    assert _ids(api(world.director).get("/homework")) == {a.homework.id, b.homework.id}
    assert _ids(api(a.admin).get(f"/homework/{a.homework.id}/submissions")) == {a.submission.id}


def test_another_branchs_homework_and_submissions_are_404(api, world):
    client, b = api(world.a.admin), world.b
    assert client.get(f"/homework/{b.homework.id}").status_code == 404
    assert client.patch(f"/homework/{b.homework.id}", {"title": "X"}).status_code == 404
    assert client.get(f"/homework/{b.homework.id}/submissions").status_code == 404
    assert client.get(f"/groups/{b.group.id}/homework").status_code == 404
    assert client.get(f"/submissions/{b.submission.id}").status_code == 404
    assert (
        client.post(f"/submissions/{b.submission.id}/review", {"score": 1, "feedback": "x"}).status_code
        == 404
    )
    assert client.get(f"/students/{b.student.id}/submissions").status_code == 404
    assert b.submission.id not in _ids(client.get("/submissions/review-queue"))
    b.homework.refresh_from_db()
    assert b.homework.title != "X"


def test_assigning_to_another_branchs_group_is_refused(api, world):
    body = {
        "group_id": world.b.group.id,
        "title": "Essay",
        "kind": "text",
        "due_at": (timezone.now() + timedelta(days=2)).isoformat(),
        "max_score": 10,
    }
    r = api(world.a.admin).post("/homework", body)
    assert r.status_code == 422 and r.json()["code"] == "branch_forbidden"
    r = api(world.a.admin).post("/homework", {**body, "group_id": world.a.group.id})
    assert r.status_code == 201, r.content
