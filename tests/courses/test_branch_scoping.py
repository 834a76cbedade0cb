"""Courses and branches: a branch admin sees their own branches, rooms, groups and rosters; another
branch's object is a 404 and a body naming one is a 422 `branch_forbidden`; the director sees all."""

from __future__ import annotations

import pytest

from modules.courses.models import Membership
from modules.courses.selectors import can_subscribe_group, can_subscribe_group_staff
from tests.factories.accounts import StudentFactory, TeacherFactory
from tests.factories.branches import two_branches
from tests.factories.courses import CourseFactory, local_today


@pytest.fixture
def world(db):
    return two_branches()


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["items"]}


def _forbidden(response, field: str) -> None:
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "branch_forbidden"
    assert response.json()["detail"][0]["loc"] == ["body", field]


def test_each_sees_their_branches_rooms_and_groups(api, world):
    a, b = world.a, world.b
    assert _ids(api(a.admin).get("/branches")) == {a.branch.id}
    assert _ids(api(a.admin).get("/rooms")) == {a.room.id}
    assert _ids(api(a.admin).get("/groups")) == {a.group.id}
    assert _ids(api(b.admin).get("/groups")) == {b.group.id}
    assert _ids(api(world.director).get("/groups")) == {a.group.id, b.group.id}
    assert _ids(api(world.director).get("/groups", {"branch": b.branch.id})) == {b.group.id}
    assert _ids(api(world.shared_teacher).get("/groups")) == {a.group.id, b.group.id}


def test_another_branchs_objects_are_404(api, world):
    client, b = api(world.a.admin), world.b
    assert client.get(f"/groups/{b.group.id}").status_code == 404
    assert client.patch(f"/groups/{b.group.id}", {"name": "X"}).status_code == 404
    assert client.get(f"/groups/{b.group.id}/members").status_code == 404
    r = client.post(f"/groups/{b.group.id}/members/{b.student.id}/remove", {})
    assert r.status_code == 404
    assert client.patch(f"/rooms/{b.room.id}", {"name": "X"}).status_code == 404
    assert client.delete(f"/rooms/{b.room.id}").status_code == 404
    assert client.patch(f"/branches/{b.branch.id}", {"name": "X"}).status_code == 404
    assert Membership.objects.get(group=b.group, student=b.student).status == "active"


def test_a_body_naming_another_branch_is_refused(api, world):
    a, b = world.a, world.b
    client = api(a.admin)
    _forbidden(client.post("/rooms", {"branch_id": b.branch.id, "name": "R9"}), "branch_id")
    group = {
        "name": "New",
        "branch_id": b.branch.id,
        "course_id": a.group.course_id,
        "teacher_id": world.shared_teacher.id,
        "start_date": local_today().isoformat(),
    }
    _forbidden(client.post("/groups", group), "branch_id")
    _forbidden(client.post("/groups", {**group, "branch_id": a.branch.id, "room_id": b.room.id}), "room_id")
    _forbidden(client.patch(f"/groups/{a.group.id}", {"room_id": b.room.id}), "room_id")
    b_teacher = TeacherFactory()
    b.branch.staff.add(b_teacher)
    _forbidden(client.patch(f"/groups/{a.group.id}", {"teacher_id": b_teacher.id}), "teacher_id")
    _forbidden(client.post(f"/groups/{a.group.id}/members", {"student_id": b.student.id}), "student_id")
    r = client.post(f"/groups/{a.group.id}/members/{a.student.id}/move", {"to_group_id": b.group.id})
    _forbidden(r, "to_group_id")
    assert (
        client.post("/groups", {**group, "branch_id": a.branch.id, "room_id": a.room.id}).status_code == 201
    )


def test_a_branch_admin_enrolls_an_unenrolled_student(api, world):
    newcomer = StudentFactory()
    r = api(world.a.admin).post(f"/groups/{world.a.group.id}/members", {"student_id": newcomer.id})
    assert r.status_code == 201, r.content
    assert api(world.b.admin).get(f"/users/{newcomer.id}").status_code == 404  # now branch A's


def test_shared_catalog_and_branches_are_the_directors_to_change(api, world):
    client = api(world.a.admin)
    course = CourseFactory()
    r = client.post("/branches", {"name": "Sergeli"})
    assert r.status_code == 403 and r.json()["code"] == "director_only"
    assert client.delete(f"/branches/{world.a.branch.id}").status_code == 403
    assert client.patch(f"/courses/{course.id}", {"name": "X"}).status_code == 403
    assert (
        client.post(
            "/holidays", {"name": "Closed", "start_date": "2026-12-31", "end_date": "2026-12-31"}
        ).status_code
        == 403
    )
    assert client.patch(f"/branches/{world.a.branch.id}", {"phone": "+998712000001"}).status_code == 200
    assert api(world.director).post("/branches", {"name": "Sergeli"}).status_code == 201


def test_group_channels_follow_the_branch(world):
    a, b = world.a, world.b
    assert can_subscribe_group(a.admin, str(a.group.id))
    assert not can_subscribe_group(a.admin, str(b.group.id))
    assert not can_subscribe_group_staff(a.admin, str(b.group.id))
    assert can_subscribe_group_staff(world.director, str(b.group.id))


@pytest.mark.parametrize("path", ["/groups", "/rooms", "/lessons", "/users", "/homework"])
def test_scoping_costs_one_query_a_request_not_one_a_row(api, world, path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories.courses import GroupFactory, MembershipFactory

    def count(user) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert api(user).get(path, {"limit": 100}).status_code == 200
        return len(ctx.captured_queries)

    before = count(world.a.admin)
    for _ in range(5):
        MembershipFactory(group=GroupFactory(branch=world.a.branch, teacher=world.shared_teacher))
    assert count(world.a.admin) == before  # more rows, same queries
    assert before <= count(world.director) + 1  # the branches of the admin, read once
