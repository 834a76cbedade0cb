from datetime import UTC, datetime, timedelta

import jwt
import pytest
from django.conf import settings

from modules.accounts.models import RefreshToken
from tests.factories.accounts import PASSWORD, StudentFactory


@pytest.fixture
def sam(db):
    return StudentFactory(phone="+998901234567", email="sam@example.uz")


@pytest.mark.parametrize("login", ["sam@example.uz", "SAM@example.uz", "+998 90 123 45 67", "901234567"])
def test_login_by_email_or_phone(api, sam, login):
    r = api().post("/auth/login", {"login": login, "password": PASSWORD})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 900
    assert body["user"] == {
        "id": sam.id,
        "role": "student",
        "first_name": sam.first_name,
        "last_name": sam.last_name,
        "phone": "+998901234567",
        "email": "sam@example.uz",
        "language": "en",
    }
    me = api().get("/auth/me", headers={"Authorization": f"Bearer {body['access']}"})
    assert me.status_code == 200 and me.json()["id"] == sam.id


def test_wrong_password_and_unknown_login_look_the_same(api, sam):
    wrong = api().post("/auth/login", {"login": "sam@example.uz", "password": "nope-nope-nope"})
    unknown = api().post("/auth/login", {"login": "ghost@example.uz", "password": "nope-nope-nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert (
        wrong.json()
        == unknown.json()
        == {"detail": "Invalid login or password.", "code": "invalid_credentials"}
    )


def test_inactive_user_cannot_log_in(api, sam):
    sam.is_active = False
    sam.save()
    r = api().post("/auth/login", {"login": "sam@example.uz", "password": PASSWORD})
    assert r.status_code == 401 and r.json()["code"] == "account_disabled"


def test_missing_fields_are_422_with_locations(api, db):
    r = api().post("/auth/login", {"login": "x"})
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "validation_error"
    assert any(item["loc"][-1] == "password" for item in body["detail"])


def _forge(claims, key=None, alg="HS256"):
    return jwt.encode(claims, key or settings.JWT_SIGNING_KEY, algorithm=alg)


def _claims(user, **over):
    now = datetime.now(UTC)
    base = {"sub": str(user.pk), "type": "access", "jti": "x", "iat": now, "exp": now + timedelta(minutes=5)}
    base.update(over)
    return base


@pytest.mark.parametrize(
    "make_token",
    [
        lambda u: _forge(_claims(u, exp=datetime.now(UTC) - timedelta(seconds=1))),  # expired
        lambda u: _forge(_claims(u), key="another-key-that-is-long-enough-0123456789"),  # forged
        lambda u: _forge(_claims(u, type="refresh")),  # wrong type
        lambda u: _forge({k: v for k, v in _claims(u).items() if k != "jti"}),  # missing claim
        lambda u: jwt.encode(_claims(u), None, algorithm="none"),  # alg=none
        lambda u: "not.a.jwt",
    ],
    ids=["expired", "forged", "wrong-type", "no-jti", "alg-none", "garbage"],
)
def test_bad_access_tokens_are_401(api, sam, make_token):
    r = api().get("/auth/me", headers={"Authorization": f"Bearer {make_token(sam)}"})
    assert r.status_code == 401
    assert r.json()["code"] == "not_authenticated"
    assert r["WWW-Authenticate"] == "Bearer"


def test_no_token_is_401(api, db):
    r = api().get("/auth/me")
    assert r.status_code == 401 and r.json()["code"] == "not_authenticated"


def test_token_of_deactivated_user_stops_working(api, sam):
    client = api(sam)
    assert client.get("/auth/me").status_code == 200
    sam.is_active = False
    sam.save()
    assert client.get("/auth/me").status_code == 401


def _login(api, user_login="sam@example.uz"):
    r = api().post("/auth/login", {"login": user_login, "password": PASSWORD})
    assert r.status_code == 200
    return r.json()


def test_refresh_rotates_and_old_token_dies(api, sam, time_machine):
    time_machine.move_to("2026-10-01T09:00:00Z", tick=False)
    first = _login(api)
    r = api().post("/auth/refresh", {"refresh": first["refresh"]})
    assert r.status_code == 200
    second = r.json()
    assert second["refresh"] != first["refresh"] and second["access"] != first["access"]
    time_machine.shift(settings.JWT_REFRESH_REUSE_GRACE.total_seconds() + 1)  # past the two-tab grace
    again = api().post("/auth/refresh", {"refresh": first["refresh"]})
    assert again.status_code == 401 and again.json()["code"] == "token_reused"
    # reuse of a dead token revoked the whole family, including the newest token
    assert api().post("/auth/refresh", {"refresh": second["refresh"]}).status_code == 401
    assert RefreshToken.objects.filter(user=sam, revoked_at__isnull=True).count() == 0


def test_refresh_token_is_not_an_access_token(api, sam):
    pair = _login(api)
    r = api().get("/auth/me", headers={"Authorization": f"Bearer {pair['refresh']}"})
    assert r.status_code == 401


def test_access_token_is_not_a_refresh_token(api, sam):
    pair = _login(api)
    assert api().post("/auth/refresh", {"refresh": pair["access"]}).status_code == 401


def test_expired_refresh_token(api, sam):
    pair = _login(api)
    RefreshToken.objects.update(expires_at=datetime.now(UTC) - timedelta(seconds=1))
    r = api().post("/auth/refresh", {"refresh": pair["refresh"]})
    assert r.status_code == 401 and r.json()["code"] == "token_expired"


def test_logout_revokes_the_session(api, sam):
    pair = _login(api)
    other = _login(api)
    r = api().post(
        "/auth/logout", {"refresh": pair["refresh"]}, headers={"Authorization": f"Bearer {pair['access']}"}
    )
    assert r.status_code == 204
    assert api().post("/auth/refresh", {"refresh": pair["refresh"]}).status_code == 401
    # the other session is untouched
    assert api().post("/auth/refresh", {"refresh": other["refresh"]}).status_code == 200


def test_logout_with_someone_elses_token_is_refused(api, sam):
    pair = _login(api)
    intruder = StudentFactory()
    r = api(intruder).post("/auth/logout", {"refresh": pair["refresh"]})
    assert r.status_code == 401
    assert api().post("/auth/refresh", {"refresh": pair["refresh"]}).status_code == 200


def test_deactivation_kills_sessions(api, admin, sam):
    pair = _login(api)
    assert api(admin).post(f"/users/{sam.id}/deactivate").status_code == 200
    assert api().post("/auth/refresh", {"refresh": pair["refresh"]}).status_code == 401


def test_login_throttled_per_account(api, sam, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "login_account": "3/min"}
    for _ in range(3):
        api().post("/auth/login", {"login": "sam@example.uz", "password": "wrong-password"})
    r = api().post("/auth/login", {"login": "SAM@example.uz", "password": PASSWORD})
    assert r.status_code == 429
    assert r.json()["code"] == "throttled"
    assert int(r["Retry-After"]) >= 1


def test_login_throttled_per_ip_cannot_be_bypassed_with_forwarded_for(api, sam, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "login_ip": "3/min"}
    statuses = [
        api()
        .post(
            "/auth/login",
            {"login": f"u{i}@example.uz", "password": "x"},
            headers={"X-Forwarded-For": f"10.0.0.{i}"},
        )
        .status_code
        for i in range(5)
    ]
    assert statuses[:3] == [401, 401, 401]
    assert statuses[3:] == [429, 429]
