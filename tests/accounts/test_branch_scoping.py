"""Users endpoints and branches: a branch admin sees and changes the people of their branches, only
the director sets branch_ids or makes admins, and GET /users/{id} shows branch_ids."""

from __future__ import annotations

import pytest

from modules.accounts.models import User
from tests.factories.accounts import ParentFactory, StudentFactory, TeacherFactory
from tests.factories.branches import two_branches

NEW_TEACHER = {
    "role": "teacher",
    "first_name": "Gulnora",
    "phone": "+998 93 111 22 33",
    "password": "t-secret-4242",
}


@pytest.fixture
def world(db):
    return two_branches()


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {u["id"] for u in response.json()["items"]}


def test_a_branch_admin_lists_the_people_of_their_branch(api, world):
    a, b = world.a, world.b
    unenrolled = StudentFactory()  # signed up, never enrolled: every branch's pool
    b_only_teacher = TeacherFactory()
    b.branch.staff.add(b_only_teacher)
    seen = _ids(api(a.admin).get("/users", {"limit": 100}))
    assert {a.admin.id, a.student.id, a.parent.id, world.shared_teacher.id, unenrolled.id} <= seen
    assert not seen & {b.admin.id, b.student.id, b.parent.id, b_only_teacher.id, world.director.id}
    everyone = _ids(api(world.director).get("/users", {"limit": 100}))
    assert {b.admin.id, b.student.id, a.student.id, world.director.id} <= everyone


def test_another_branchs_person_is_a_404_for_every_user_endpoint(api, world):
    client, other = api(world.a.admin), world.b.student
    assert client.get(f"/users/{other.id}").status_code == 404
    assert client.patch(f"/users/{other.id}", {"first_name": "X"}).status_code == 404
    assert client.post(f"/users/{other.id}/deactivate").status_code == 404
    assert client.post(f"/users/{other.id}/activate").status_code == 404
    assert client.post(f"/users/{world.b.parent.id}/children", {"student_id": other.id}).status_code == 404
    assert client.post(f"/users/{world.a.parent.id}/children", {"student_id": other.id}).status_code == 404
    assert client.delete(f"/users/{world.b.parent.id}/children/{other.id}").status_code == 404
    other.refresh_from_db()
    assert other.is_active and other.first_name != "X"


def test_a_branch_admin_changes_the_people_of_their_branch(api, world):
    client = api(world.a.admin)
    assert client.patch(f"/users/{world.a.student.id}", {"first_name": "Renamed"}).status_code == 200
    assert client.post(f"/users/{world.a.student.id}/deactivate").json()["is_active"] is False


def test_get_user_shows_branch_ids(api, world):
    body = api(world.director).get(f"/users/{world.shared_teacher.id}").json()
    assert body["branch_ids"] == sorted([world.a.branch.id, world.b.branch.id])
    assert api(world.director).get(f"/users/{world.director.id}").json()["branch_ids"] == []
    assert api(world.a.admin).get(f"/users/{world.a.admin.id}").json()["branch_ids"] == [world.a.branch.id]


def test_the_director_makes_a_branch_admin_and_moves_a_teacher(api, world):
    client = api(world.director)
    r = client.post(
        "/users",
        {**NEW_TEACHER, "role": "admin", "phone": "+998931112299", "branch_ids": [world.b.branch.id]},
    )
    assert r.status_code == 201, r.content
    assert r.json()["branch_ids"] == [world.b.branch.id]
    new_admin = User.objects.get(pk=r.json()["id"])
    assert _ids(api(new_admin).get("/users", {"limit": 100})) >= {world.b.student.id}
    assert world.a.student.id not in _ids(api(new_admin).get("/users", {"limit": 100}))
    r = client.patch(f"/users/{world.shared_teacher.id}", {"branch_ids": [world.a.branch.id]})
    assert r.status_code == 200 and r.json()["branch_ids"] == [world.a.branch.id]
    assert client.patch(f"/users/{new_admin.id}", {"branch_ids": []}).json()["branch_ids"] == []


def test_only_the_director_sets_branch_ids_or_makes_admins(api, world):
    client = api(world.a.admin)
    r = client.post("/users", {**NEW_TEACHER, "branch_ids": [world.a.branch.id]})
    assert r.status_code == 403 and r.json()["code"] == "director_only"
    assert client.post("/users", {**NEW_TEACHER, "role": "admin"}).status_code == 403
    r = client.patch(f"/users/{world.shared_teacher.id}", {"branch_ids": [world.a.branch.id]})
    assert r.status_code == 403
    r = client.patch(f"/users/{world.a.admin.id}", {"branch_ids": []})  # promoting oneself to director
    assert r.status_code == 403
    assert world.a.admin.staff_branches.count() == 1
    assert not User.objects.filter(first_name="Gulnora").exists()


def test_a_branch_admin_reads_but_never_changes_a_fellow_admin(api, world):
    colleague = User.objects.create(role="admin", first_name="Colleague", phone="+998935550011")
    world.a.branch.staff.add(colleague)
    client = api(world.a.admin)
    assert client.get(f"/users/{colleague.id}").status_code == 200
    assert client.patch(f"/users/{colleague.id}", {"first_name": "X"}).status_code == 403
    assert client.post(f"/users/{colleague.id}/deactivate").status_code == 403
    colleague.refresh_from_db()
    assert colleague.is_active and colleague.first_name == "Colleague"


def test_a_teacher_a_branch_admin_creates_works_in_that_branch(api, world):
    r = api(world.a.admin).post("/users", NEW_TEACHER)
    assert r.status_code == 201, r.content
    assert r.json()["branch_ids"] == [world.a.branch.id]
    assert api(world.b.admin).get(f"/users/{r.json()['id']}").status_code == 404


def test_branch_ids_are_checked(api, world):
    client = api(world.director)
    r = client.post("/users", {**NEW_TEACHER, "role": "student", "branch_ids": [world.a.branch.id]})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "branch_ids"]
    r = client.post("/users", {**NEW_TEACHER, "branch_ids": [world.a.branch.id, 10**9]})
    assert r.status_code == 422 and r.json()["code"] == "unknown_reference"
    assert (
        client.patch(f"/users/{world.a.student.id}", {"branch_ids": [world.a.branch.id]}).status_code == 422
    )


def test_a_parent_is_seen_through_a_child_of_the_branch(api, world):
    lone_parent = ParentFactory()  # no children yet: in every branch's pool
    seen = _ids(api(world.a.admin).get("/users", {"role": "parent", "limit": 100}))
    assert seen == {world.a.parent.id, lone_parent.id}


def test_the_user_list_runs_a_constant_number_of_queries(api, world, django_assert_max_num_queries):
    StudentFactory.create_batch(20)
    with django_assert_max_num_queries(4):  # the admin, their branches, count, page
        assert api(world.a.admin).get("/users", {"limit": 100}).status_code == 200
