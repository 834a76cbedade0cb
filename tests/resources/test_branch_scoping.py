"""Materials per branch: a branch admin sees their branches' lesson and group materials and every
course's (courses are the whole center's); uploading to a course is the director's."""

from __future__ import annotations

import pytest

from modules.resources.models import Resource
from tests.factories.branches import two_branches
from tests.resources.conftest import pdf_bytes, upload


@pytest.fixture
def world(db, media_root):
    return two_branches()


def _resource(**target) -> Resource:
    return Resource.objects.create(
        title="Unit",
        file="r.pdf",
        kind="document",
        content_type="application/pdf",
        extension="pdf",
        size=1,
        **target,
    )


def test_each_sees_their_branchs_materials(api, world):
    a, b = world.a, world.b
    mine, theirs = _resource(group=a.group), _resource(lesson=b.lesson)
    shared = _resource(course=a.group.course)
    listed = {r["id"] for r in api(a.admin).get("/resources").json()["items"]}
    assert listed == {mine.id, shared.id}
    assert api(a.admin).get(f"/resources/{theirs.id}").status_code == 404
    assert api(a.admin).delete(f"/resources/{theirs.id}").status_code == 404
    assert api(world.director).get(f"/resources/{theirs.id}").status_code == 200


def test_uploads_follow_the_branch(api, world):
    a, b = world.a, world.b
    client = api(a.admin)
    f = upload("unit.pdf", pdf_bytes(), "application/pdf")
    r = client.upload("/resources", {"title": "U", "file": f, "group_id": b.group.id})
    assert r.status_code == 422 and r.json()["code"] == "branch_forbidden"
    f = upload("unit.pdf", pdf_bytes(), "application/pdf")
    r = client.upload("/resources", {"title": "U", "file": f, "lesson_id": b.lesson.id})
    assert r.status_code == 422 and r.json()["code"] == "branch_forbidden"
    f = upload("unit.pdf", pdf_bytes(), "application/pdf")
    assert (
        client.upload("/resources", {"title": "U", "file": f, "course_id": a.group.course_id}).status_code
        == 403
    )
    f = upload("unit.pdf", pdf_bytes(), "application/pdf")
    assert client.upload("/resources", {"title": "U", "file": f, "group_id": a.group.id}).status_code == 201
