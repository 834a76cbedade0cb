from __future__ import annotations

import pytest

from modules.courses.selectors import can_subscribe_group
from realtime import registry
from tests.factories.accounts import ParentFactory, StudentFactory, TeacherFactory, link_parent
from tests.factories.courses import BranchFactory, CourseFactory, GroupFactory, MembershipFactory, RoomFactory
from tests.page_queries import queries_for_one_and_many


def test_group_list_shape_follows_the_contract(api, admin, group):
    res = api(admin).get(f"/groups/{group.pk}")
    assert res.status_code == 200
    body = res.json()
    assert body["id"] == group.pk and body["name"] == group.name
    assert body["course"]["id"] == group.course_id
    assert body["teacher"]["id"] == group.teacher_id
    assert body["student_count"] == 1 and body["currency"] == "UZS"


@pytest.mark.parametrize(
    "who,sees",
    [
        ("admin", {"mine", "other"}),
        ("teacher", {"mine"}),
        ("student", {"mine"}),
        ("parent", {"mine"}),
        ("outsider", set()),
    ],
)
def test_who_sees_which_group(api, request, group, other_group, who, sees):
    user = request.getfixturevalue(who)
    names = {group.pk: "mine", other_group.pk: "other"}
    listed = {names[g["id"]] for g in api(user).get("/groups").json()["items"]}
    assert listed == sees
    for pk, name in names.items():
        assert api(user).get(f"/groups/{pk}").status_code == (200 if name in sees else 404)


def test_group_filters(api, admin):
    branch = BranchFactory()
    teacher = TeacherFactory()
    a = GroupFactory(branch=branch, teacher=teacher, name="Alpha IELTS", status="forming")
    GroupFactory(name="Beta")
    client = api(admin)
    assert [g["id"] for g in client.get("/groups", {"branch": branch.pk}).json()["items"]] == [a.pk]
    assert [g["id"] for g in client.get("/groups", {"teacher": teacher.pk}).json()["items"]] == [a.pk]
    assert [g["id"] for g in client.get("/groups", {"status": "forming"}).json()["items"]] == [a.pk]
    assert [g["id"] for g in client.get("/groups", {"course": a.course_id}).json()["items"]] == [a.pk]
    assert [g["id"] for g in client.get("/groups", {"search": "alpha"}).json()["items"]] == [a.pk]
    assert client.get("/groups", {"status": "bogus"}).status_code == 422


def test_group_list_query_count_is_constant(api, admin):
    for _ in range(6):
        g = GroupFactory()
        MembershipFactory(group=g)
    client = api(admin)
    one, many = queries_for_one_and_many(lambda limit: client.get("/groups", {"limit": limit}))
    assert one == many


def test_admin_creates_and_updates_a_group(api, admin, teacher, student):
    branch, course = BranchFactory(), CourseFactory(monthly_price=42_000_000)
    room = RoomFactory(branch=branch)
    body = {
        "name": "Kids A1",
        "branch_id": branch.pk,
        "course_id": course.pk,
        "teacher_id": teacher.pk,
        "room_id": room.pk,
        "start_date": "2026-09-01",
        "end_date": "2027-05-31",
        "capacity": 2,
    }
    res = api(admin).post("/groups", body)
    assert res.status_code == 201, res.json()
    assert res.json()["monthly_price"] == 42_000_000 and res.json()["status"] == "forming"
    group_id = res.json()["id"]
    assert (
        api(admin).patch(f"/groups/{group_id}", {"status": "active", "capacity": 5}).json()["capacity"] == 5
    )
    assert api(teacher).patch(f"/groups/{group_id}", {"capacity": 9}).status_code == 403
    assert api(teacher).post("/groups", body).status_code == 403
    assert api(student).patch(f"/groups/{group_id}", {"capacity": 9}).status_code == 404


@pytest.mark.parametrize(
    "change,code",
    [
        ({"teacher_id": "student"}, "not_a_teacher"),
        ({"room_id": "other_room"}, "room_other_branch"),
        ({"end_date": "2026-01-01"}, "validation_error"),
        ({"course_id": 999999}, "unknown_reference"),
    ],
)
def test_bad_group_input_is_422(api, admin, teacher, student, change, code):
    branch, course = BranchFactory(), CourseFactory()
    body = {
        "name": "G",
        "branch_id": branch.pk,
        "course_id": course.pk,
        "teacher_id": teacher.pk,
        "start_date": "2026-09-01",
    }
    values = {"student": student.pk, "other_room": RoomFactory().pk}
    body.update({k: values.get(v, v) for k, v in change.items()})
    res = api(admin).post("/groups", body)
    assert res.status_code == 422 and res.json()["code"] == code


def test_capacity_below_roster_is_409(api, admin, group):
    MembershipFactory(group=group)
    res = api(admin).patch(f"/groups/{group.pk}", {"capacity": 1})
    assert res.status_code == 409 and res.json()["code"] == "capacity_below_roster"


def test_group_channel_rule(group, admin, teacher, student, parent, outsider):
    key = str(group.pk)
    assert registry.can_subscribe(admin, f"group:{key}")
    assert registry.can_subscribe(teacher, f"group:{key}")
    assert registry.can_subscribe(student, f"group:{key}")
    assert registry.can_subscribe(parent, f"group:{key}")
    assert not registry.can_subscribe(outsider, f"group:{key}")
    assert not registry.can_subscribe(TeacherFactory(), f"group:{key}")
    assert not can_subscribe_group(admin, "abc")
    # a student who left (and their parent) no longer hears the group
    leaver = StudentFactory()
    leaver_parent = ParentFactory()
    link_parent(leaver_parent, leaver)
    MembershipFactory(group=group, student=leaver, status="left", left_on=group.start_date)
    assert not can_subscribe_group(leaver, key)
    assert not can_subscribe_group(leaver_parent, key)
