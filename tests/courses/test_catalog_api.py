from __future__ import annotations

import pytest

from modules.courses.models import Course, Holiday
from tests.factories.courses import BranchFactory, CourseFactory, GroupFactory, RoomFactory

PERSONAS = ["admin", "teacher", "student", "parent", "outsider"]


@pytest.fixture
def personas(admin, teacher, student, parent, outsider):
    return {"admin": admin, "teacher": teacher, "student": student, "parent": parent, "outsider": outsider}


@pytest.mark.parametrize("who", PERSONAS)
def test_everyone_signed_in_lists_only_active_courses(api, personas, who):
    CourseFactory(name="Active English")
    CourseFactory(name="Retired Russian", is_active=False)
    res = api(personas[who]).get("/courses")
    assert res.status_code == 200
    names = {c["name"] for c in res.json()["items"]}
    if who == "admin":
        assert names == {"Active English", "Retired Russian"}
    else:
        assert names == {"Active English"}


def test_courses_need_a_login(api):
    assert api().get("/courses").status_code == 401


def test_retired_course_detail_is_404_for_non_admins(api, admin, student):
    course = CourseFactory(is_active=False)
    assert api(student).get(f"/courses/{course.pk}").status_code == 404
    assert api(admin).get(f"/courses/{course.pk}").json()["currency"] == "UZS"


@pytest.mark.parametrize("who", ["teacher", "student", "parent", "outsider"])
def test_only_admins_write_courses(api, personas, who):
    course = CourseFactory()
    client = api(personas[who])
    assert client.post("/courses", {"name": "X"}).status_code == 403
    assert client.patch(f"/courses/{course.pk}", {"name": "Y"}).status_code == 403
    assert client.delete(f"/courses/{course.pk}").status_code == 403
    assert Course.objects.get(pk=course.pk).name == course.name


def test_admin_course_crud(api, admin):
    client = api(admin)
    res = client.post(
        "/courses", {"name": "IELTS", "monthly_price": 80_000_000, "language": "en", "level": "C1"}
    )
    assert res.status_code == 201, res.json()
    course_id = res.json()["id"]
    assert client.patch(f"/courses/{course_id}", {"is_active": False}).json()["is_active"] is False
    assert client.post("/courses", {"name": "Bad", "lesson_duration_minutes": 0}).status_code == 422
    assert client.post("/courses", {"name": "Bad", "monthly_price": -1}).status_code == 422
    assert client.delete(f"/courses/{course_id}").status_code == 204
    assert not Course.objects.filter(pk=course_id).exists()


def test_course_in_use_cannot_be_deleted(api, admin):
    group = GroupFactory()
    res = api(admin).delete(f"/courses/{group.course_id}")
    assert res.status_code == 409
    assert res.json()["code"] == "course_in_use"


def test_branches_and_rooms(api, admin, teacher, student):
    branch = BranchFactory(name="Yunusobod")
    BranchFactory(name="Closed", is_active=False)
    res = api(admin).post("/rooms", {"branch_id": branch.pk, "name": "Room 7", "capacity": 10})
    assert res.status_code == 201 and res.json()["branch"]["name"] == "Yunusobod"
    assert api(admin).post("/rooms", {"branch_id": branch.pk, "name": "Room 7"}).status_code == 409
    assert api(admin).post("/rooms", {"branch_id": 999999, "name": "Nowhere"}).status_code == 422
    RoomFactory()  # another branch's room
    assert api(teacher).get("/rooms", {"branch": branch.pk}).json()["count"] == 1
    assert api(student).get("/rooms").status_code == 403
    seen = {b["name"] for b in api(student).get("/branches").json()["items"]}
    assert "Yunusobod" in seen and "Closed" not in seen
    assert "Closed" in {b["name"] for b in api(admin).get("/branches").json()["items"]}
    assert api(teacher).post("/branches", {"name": "Mine"}).status_code == 403
    assert api(admin).post("/branches", {"name": "Yunusobod"}).status_code == 409


def test_holidays(api, admin, student):
    client = api(admin)
    res = client.post(
        "/holidays", {"name": "Navruz break", "start_date": "2026-03-20", "end_date": "2026-03-23"}
    )
    assert res.status_code == 201
    one_day = client.post("/holidays", {"name": "Teachers' Day", "start_date": "2026-10-01"}).json()
    assert one_day["end_date"] == "2026-10-01"
    bad = client.post(
        "/holidays", {"name": "Backwards", "start_date": "2026-05-02", "end_date": "2026-05-01"}
    )
    assert bad.status_code == 422 and bad.json()["code"] == "validation_error"
    assert api(student).post("/holidays", {"name": "Mine", "start_date": "2026-05-02"}).status_code == 403
    listed = api(student).get("/holidays", {"year": 2026}).json()
    assert [h["name"] for h in listed["items"]] == ["Navruz break", "Teachers' Day"]
    assert client.delete(f"/holidays/{one_day['id']}").status_code == 204


def test_load_uz_holidays_is_idempotent(db):
    from django.core.management import call_command

    call_command("load_uz_holidays", year=[2026], verbosity=0)
    first = Holiday.objects.count()
    call_command("load_uz_holidays", year=[2026], verbosity=0)
    assert Holiday.objects.count() == first >= 7
    assert Holiday.objects.filter(name="Navruz", start_date="2026-03-21", is_public=True).exists()
