import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from modules.accounts.models import OneTimeToken
from tests.factories.accounts import PASSWORD, StudentFactory


@pytest.fixture
def user(db):
    # reset links go only to a verified address
    return StudentFactory(email="reset@example.uz", language="ru", email_verified_at=timezone.now())


def _token_from_mail() -> str:
    assert mail.outbox, "no email was sent"
    return re.search(r"token=([\w-]+)", mail.outbox[-1].body).group(1)


def test_reset_request_is_always_202(api, user, run_on_commit):
    with run_on_commit():
        known = api().post("/auth/password/reset", {"login": "reset@example.uz"})
        unknown = api().post("/auth/password/reset", {"login": "nobody@example.uz"})
    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["reset@example.uz"]
    assert "Здравствуйте" in mail.outbox[0].body  # the user's language


def test_reset_confirm_sets_password_once_and_ends_sessions(api, user, run_on_commit):
    session = api().post("/auth/login", {"login": "reset@example.uz", "password": PASSWORD}).json()
    with run_on_commit():
        api().post("/auth/password/reset", {"login": "reset@example.uz"})
    token = _token_from_mail()
    assert OneTimeToken.objects.filter(token_hash=token).count() == 0  # stored hashed only
    r = api().post("/auth/password/reset/confirm", {"token": token, "new_password": "fresh-secret-123"})
    assert r.status_code == 204
    user.refresh_from_db()
    assert user.check_password("fresh-secret-123")
    assert api().post("/auth/refresh", {"refresh": session["refresh"]}).status_code == 401
    again = api().post("/auth/password/reset/confirm", {"token": token, "new_password": "other-secret-456"})
    assert again.status_code == 422 and again.json()["code"] == "invalid_token"


def test_reset_token_expires(api, user, run_on_commit):
    with run_on_commit():
        api().post("/auth/password/reset", {"login": "reset@example.uz"})
    token = _token_from_mail()
    OneTimeToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    r = api().post("/auth/password/reset/confirm", {"token": token, "new_password": "fresh-secret-123"})
    assert r.status_code == 422


def test_a_newer_reset_link_kills_the_older(api, user, run_on_commit):
    with run_on_commit():
        api().post("/auth/password/reset", {"login": "reset@example.uz"})
    old = _token_from_mail()
    with run_on_commit():
        api().post("/auth/password/reset", {"login": "reset@example.uz"})
    new = _token_from_mail()
    assert (
        api()
        .post("/auth/password/reset/confirm", {"token": old, "new_password": "fresh-secret-123"})
        .status_code
        == 422
    )
    assert (
        api()
        .post("/auth/password/reset/confirm", {"token": new, "new_password": "fresh-secret-123"})
        .status_code
        == 204
    )


def test_reset_confirm_rejects_weak_password(api, user, run_on_commit):
    with run_on_commit():
        api().post("/auth/password/reset", {"login": "reset@example.uz"})
    r = api().post("/auth/password/reset/confirm", {"token": _token_from_mail(), "new_password": "12345678"})
    assert r.status_code == 422 and r.json()["code"] == "weak_password"


def test_reset_requests_are_throttled(api, user, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "password_reset": "2/hour"}
    codes = [api().post("/auth/password/reset", {"login": "reset@example.uz"}).status_code for _ in range(3)]
    assert codes == [202, 202, 429]


def test_email_verification_flow(api, user, run_on_commit):
    user.email_verified_at = None
    user.save(update_fields=["email_verified_at"])
    with run_on_commit():
        assert api(user).post("/auth/email/verify/send").status_code == 202
    token = _token_from_mail()
    r = api().post("/auth/email/verify", {"token": token})
    assert r.status_code == 200 and r.json()["email_verified"] is True
    assert api(user).post("/auth/email/verify/send").json()["code"] == "already_verified"
    assert api().post("/auth/email/verify", {"token": token}).status_code == 422


def test_reset_is_not_mailed_to_an_unverified_address(api, user, run_on_commit):
    user.email_verified_at = None
    user.save(update_fields=["email_verified_at"])
    with run_on_commit():
        assert api().post("/auth/password/reset", {"login": "reset@example.uz"}).status_code == 202
    assert mail.outbox == []
