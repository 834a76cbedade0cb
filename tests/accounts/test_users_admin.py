import pytest
from django.core import mail

from modules.accounts.models import User
from tests.factories.accounts import StudentFactory
from tests.page_queries import queries_for_one_and_many

NEW_TEACHER = {
    "role": "teacher",
    "first_name": "Gulnora",
    "last_name": "Saidova",
    "phone": "+998 93 111 22 33",
    "email": "gulnora@example.uz",
    "password": "teacher-secret-42",
}


@pytest.mark.parametrize("persona", ["teacher", "student", "parent", "outsider"])
def test_user_management_is_admin_only(api, request, persona, student):
    user = request.getfixturevalue(persona)
    client = api(user)
    assert client.get("/users").status_code == 403
    assert client.post("/users", NEW_TEACHER).status_code == 403
    assert client.get(f"/users/{student.id}").status_code == 403
    assert client.patch(f"/users/{student.id}", {"first_name": "X"}).status_code == 403
    assert client.post(f"/users/{student.id}/deactivate").status_code == 403
    assert client.post(f"/users/{student.id}/children", {"student_id": student.id}).status_code == 403


def test_anonymous_gets_401(api, db):
    assert api().get("/users").status_code == 401


def test_admin_creates_a_teacher(api, admin):
    r = api(admin).post("/users", NEW_TEACHER)
    assert r.status_code == 201, r.content
    assert r.json()["role"] == "teacher" and r.json()["phone"] == "+998931112233"
    assert api(admin).post("/users", NEW_TEACHER).status_code == 409


def test_admin_created_user_without_password_gets_a_set_password_email(api, admin, run_on_commit):
    with run_on_commit():
        r = api(admin).post("/users", {**NEW_TEACHER, "password": None})
    assert r.status_code == 201
    assert not User.objects.get(pk=r.json()["id"]).has_usable_password()
    assert mail.outbox and mail.outbox[0].to == ["gulnora@example.uz"]


def test_admin_lists_filters_and_searches(api, admin, teacher, student, parent):
    client = api(admin)
    assert client.get("/users", {"role": "teacher"}).json()["count"] == 1
    found = client.get("/users", {"search": student.phone[-7:]}).json()
    assert [u["id"] for u in found["items"]] == [student.id]
    assert client.get("/users", {"limit": 101}).status_code == 422


def test_user_list_query_count_is_constant(api, admin, django_assert_max_num_queries):
    StudentFactory.create_batch(30)
    client = api(admin)
    assert client.get("/users", {"limit": 100}).json()["count"] == 31
    one, many = queries_for_one_and_many(lambda limit: client.get("/users", {"limit": limit}))
    assert one == many


def test_admin_links_and_unlinks_parent(api, admin, student):
    parent = User.objects.create_user("+998901112233", "x-secret-123", first_name="P", role="parent")
    r = api(admin).post(f"/users/{parent.id}/children", {"student_id": student.id})
    assert r.status_code == 200 and [c["id"] for c in r.json()["children"]] == [student.id]
    assert api(admin).post(f"/users/{student.id}/children", {"student_id": parent.id}).status_code == 422
    assert api(admin).delete(f"/users/{parent.id}/children/{student.id}").status_code == 204
    assert api(admin).delete(f"/users/{parent.id}/children/{student.id}").status_code == 404


def test_admin_updates_and_reactivates(api, admin, student):
    client = api(admin)
    r = client.patch(f"/users/{student.id}", {"phone": "93 222 33 44"})
    assert r.status_code == 200 and r.json()["phone"] == "+998932223344"
    assert client.post(f"/users/{student.id}/deactivate").json()["is_active"] is False
    assert client.post(f"/users/{student.id}/activate").json()["is_active"] is True
    assert client.get("/users/999999").status_code == 404
