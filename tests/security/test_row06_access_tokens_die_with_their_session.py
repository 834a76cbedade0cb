"""Row 6: access tokens survived logout, password change, reset, deactivation and refresh-reuse
detection (`sid` was never checked); with one, the email could be changed without the password and
the reset mail then went to the new, unverified address: account takeover."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from modules.accounts import services
from tests.factories.accounts import PASSWORD, StudentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def victim():
    return StudentFactory(email="victim@example.uz", email_verified_at=timezone.now())


def login(api, user=None, login="victim@example.uz", password=PASSWORD) -> dict:
    response = api().post("/auth/login", {"login": login, "password": password})
    assert response.status_code == 200, response.content
    return response.json()


def me(api, access: str) -> int:
    return api().get("/auth/me", headers={"Authorization": f"Bearer {access}"}).status_code


def test_row06_logout_kills_the_access_token(api, victim, run_on_commit):
    session = login(api)
    assert me(api, session["access"]) == 200
    with run_on_commit():
        response = api().post(
            "/auth/logout",
            {"refresh": session["refresh"]},
            headers={"Authorization": f"Bearer {session['access']}"},
        )
    assert response.status_code == 204
    assert me(api, session["access"]) == 401


def test_row06_password_change_kills_other_sessions_only(api, victim, run_on_commit):
    other, current = login(api), login(api)
    with run_on_commit():
        response = api().post(
            "/auth/password/change",
            {"old_password": PASSWORD, "new_password": "brand-new-secret-42"},
            headers={"Authorization": f"Bearer {current['access']}"},
        )
    assert response.status_code == 204
    assert me(api, other["access"]) == 401
    assert me(api, current["access"]) == 200


def test_row06_reset_and_deactivation_kill_every_session(api, victim, run_on_commit):
    session = login(api)
    with run_on_commit():
        api().post("/auth/password/reset", {"login": "victim@example.uz"})
    token = re.search(r"token=([\w-]+)", mail.outbox[-1].body).group(1)
    with run_on_commit():
        api().post("/auth/password/reset/confirm", {"token": token, "new_password": "after-reset-secret-9"})
    assert me(api, session["access"]) == 401
    again = login(api, password="after-reset-secret-9")
    with run_on_commit():
        services.user_set_active(user=victim, active=False)
    assert me(api, again["access"]) == 401


def test_row06_refresh_reuse_kills_the_access_token(api, victim, run_on_commit, settings, time_machine):
    time_machine.move_to("2026-10-01T09:00:00Z", tick=False)
    first = login(api)
    with run_on_commit():
        rotated = api().post("/auth/refresh", {"refresh": first["refresh"]}).json()
        # past the two-tab grace window (docs/frontend-auth.md), a reuse is a stolen token
        time_machine.shift(settings.JWT_REFRESH_REUSE_GRACE.total_seconds() + 1)
        assert api().post("/auth/refresh", {"refresh": first["refresh"]}).status_code == 401  # reused
    assert me(api, rotated["access"]) == 401


def test_row06_revocation_survives_a_lost_cache(api, victim, run_on_commit):
    from django.core.cache import cache

    session = login(api)
    with run_on_commit():
        api().post(
            "/auth/logout",
            {"refresh": session["refresh"]},
            headers={"Authorization": f"Bearer {session['access']}"},
        )
    cache.clear()
    assert me(api, session["access"]) == 401  # the database says so


def test_row06_the_session_check_costs_no_query_on_the_hot_path(api, victim):
    session = login(api)
    assert me(api, session["access"]) == 200  # the first check reads the database and caches it
    with CaptureQueriesContext(connection) as queries:
        assert me(api, session["access"]) == 200
    assert not [q for q in queries if "refresh" in q["sql"].lower()]


def test_row06_changing_the_email_needs_the_current_password(api, victim, run_on_commit):
    session = login(api)
    headers = {"Authorization": f"Bearer {session['access']}"}
    stolen = api().patch("/auth/me", {"email": "attacker@evil.example"}, headers=headers)
    assert stolen.status_code == 422 and stolen.json()["code"] == "wrong_password"
    wrong = api().patch(
        "/auth/me", {"email": "attacker@evil.example", "current_password": "nope"}, headers=headers
    )
    assert wrong.status_code == 422
    victim.refresh_from_db()
    assert victim.email == "victim@example.uz"
    ok = api().patch("/auth/me", {"email": "new@example.uz", "current_password": PASSWORD}, headers=headers)
    assert ok.status_code == 200 and ok.json()["email_verified"] is False


def test_row06_reset_mail_goes_only_to_a_verified_address(api, run_on_commit):
    StudentFactory(email="unproven@example.uz", email_verified_at=None)
    with run_on_commit():
        assert api().post("/auth/password/reset", {"login": "unproven@example.uz"}).status_code == 202
    assert mail.outbox == []
