import pytest

from modules.accounts.models import User
from tests.factories.accounts import PASSWORD, ParentFactory, StudentFactory

GOOD = {
    "first_name": "Nodira",
    "last_name": "Aliyeva",
    "phone": "90 765 43 21",
    "email": "Nodira@Example.uz",
    "password": "long-enough-pass-42",
}


def test_register_creates_a_student(api, db, run_on_commit):
    with run_on_commit():
        r = api().post("/auth/register", GOOD)
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["role"] == "student"
    assert body["phone"] == "+998907654321"
    assert body["email"] == "nodira@example.uz"
    assert body["email_verified"] is False
    assert User.objects.get(pk=body["id"]).check_password(GOOD["password"])


def test_register_never_accepts_a_role_or_staff_flags(api, db):
    r = api().post("/auth/register", {**GOOD, "role": "admin", "is_staff": True, "is_superuser": True})
    assert r.status_code == 422
    assert {e["loc"][-1] for e in r.json()["detail"] if e["type"] == "extra_forbidden"} == {
        "role",
        "is_staff",
        "is_superuser",
    }
    assert not User.objects.filter(phone="+998907654321").exists()
    r = api().post("/auth/register", GOOD)
    user = User.objects.get(pk=r.json()["id"])
    assert (user.role, user.is_staff, user.is_superuser) == ("student", False, False)


@pytest.mark.parametrize(
    "change, field",
    [
        ({"phone": "12345"}, "phone"),
        ({"email": "not-an-email"}, "email"),
        ({"password": "123"}, "password"),
        ({"password": "password"}, "password"),
        ({"first_name": ""}, "first_name"),
    ],
)
def test_register_rejects_bad_input(api, db, change, field):
    r = api().post("/auth/register", {**GOOD, **change})
    assert r.status_code == 422, r.content
    assert any(item["loc"][-1] == field for item in r.json()["detail"])
    assert not User.objects.exists()


def test_register_taken_phone_or_email_is_409(api, db):
    StudentFactory(phone="+998907654321", email="other@example.uz")
    r = api().post("/auth/register", GOOD)
    assert r.status_code == 409 and r.json()["code"] == "phone_taken"
    r = api().post("/auth/register", {**GOOD, "phone": "+998907654322", "email": "OTHER@example.uz"})
    assert r.status_code == 409 and r.json()["code"] == "email_taken"


def test_register_is_throttled(api, db, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "register": "2/hour"}
    codes = [
        api().post("/auth/register", {**GOOD, "phone": f"90 765 43 2{i}", "email": f"n{i}@ex.uz"}).status_code
        for i in range(3)
    ]
    assert codes == [201, 201, 429]


def test_me_patch_changes_names_language_email_but_never_role(api, student, run_on_commit):
    with run_on_commit():
        refused = api(student).patch("/auth/me", {"first_name": "Samira", "role": "admin"})
        r = api(student).patch(
            "/auth/me",
            {
                "first_name": "Samira",
                "language": "ru",
                "email": "new@ex.uz",
                "current_password": PASSWORD,
            },
        )
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"][-1] == "role"
    assert r.status_code == 200
    body = r.json()
    assert (body["first_name"], body["language"], body["email"], body["role"]) == (
        "Samira",
        "ru",
        "new@ex.uz",
        "student",
    )
    assert body["email_verified"] is False


def test_me_patch_rejects_taken_email(api, student, outsider):
    r = api(student).patch("/auth/me", {"email": outsider.email, "current_password": PASSWORD})
    assert r.status_code == 409


def test_parent_me_lists_children(api, parent, student):
    body = api(parent).get("/auth/me").json()
    assert body["role"] == "parent"
    assert [c["id"] for c in body["children"]] == [student.id]


def test_student_me_has_no_children(api, student):
    assert api(student).get("/auth/me").json()["children"] is None


def test_password_change_revokes_other_sessions(api, db):
    user = StudentFactory(email="pc@example.uz")
    first = api().post("/auth/login", {"login": "pc@example.uz", "password": PASSWORD}).json()
    second = api().post("/auth/login", {"login": "pc@example.uz", "password": PASSWORD}).json()
    r = api().post(
        "/auth/password/change",
        {"old_password": PASSWORD, "new_password": "a-brand-new-secret-7"},
        headers={"Authorization": f"Bearer {first['access']}"},
    )
    assert r.status_code == 204
    user.refresh_from_db()
    assert user.check_password("a-brand-new-secret-7")
    assert api().post("/auth/refresh", {"refresh": second["refresh"]}).status_code == 401
    assert api().post("/auth/refresh", {"refresh": first["refresh"]}).status_code == 200


def test_password_change_with_wrong_old_password(api, student):
    r = api(student).post(
        "/auth/password/change", {"old_password": "wrong", "new_password": "another-secret-9"}
    )
    assert r.status_code == 422 and r.json()["code"] == "wrong_password"


def test_parent_factory_links(db):
    parent = ParentFactory()
    assert parent.role == "parent"
