"""Two tabs refreshing at once: the just-rotated token, presented again within the grace window,
gets the same new pair; afterwards (or once that pair has been used) reuse revokes the family."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.test import Client

from modules.accounts.models import RefreshToken
from tests.factories.accounts import PASSWORD, StudentFactory

REFRESH = "/api/v1/auth/refresh"


@pytest.fixture
def sam(db):
    return StudentFactory(email="sam@example.uz")


@pytest.fixture
def at_nine(time_machine):
    time_machine.move_to("2026-10-01T09:00:00Z", tick=False)
    return time_machine


def _login(api) -> dict:
    r = api().post("/auth/login", {"login": "sam@example.uz", "password": PASSWORD})
    assert r.status_code == 200, r.content
    return r.json()


def _refresh(api, raw: str):
    return api().post("/auth/refresh", {"refresh": raw})


def test_second_tab_within_the_grace_gets_the_same_refresh_token(api, sam, at_nine):
    first = _login(api)
    tab_a = _refresh(api, first["refresh"]).json()
    at_nine.shift(29)
    r = _refresh(api, first["refresh"])
    assert r.status_code == 200, r.content
    tab_b = r.json()
    assert tab_b["refresh"] == tab_a["refresh"]
    # the access token is minted again for the same session, and it works
    me = api().get("/auth/me", headers={"Authorization": f"Bearer {tab_b['access']}"})
    assert me.status_code == 200 and me.json()["id"] == sam.pk
    # one successor only: the replay stored nothing, and the session lives on
    assert RefreshToken.objects.filter(user=sam).count() == 2
    assert _refresh(api, tab_b["refresh"]).status_code == 200


def test_reuse_after_the_grace_revokes_the_family(api, sam, at_nine):
    first = _login(api)
    second = _refresh(api, first["refresh"]).json()
    at_nine.shift(31)
    r = _refresh(api, first["refresh"])
    assert r.status_code == 401 and r.json()["code"] == "token_reused"
    assert _refresh(api, second["refresh"]).status_code == 401
    assert not RefreshToken.objects.filter(user=sam, revoked_at__isnull=True).exists()


def test_no_grace_once_the_successor_was_used(api, sam, at_nine):
    first = _login(api)
    second = _refresh(api, first["refresh"]).json()
    _refresh(api, second["refresh"])
    at_nine.shift(1)
    r = _refresh(api, first["refresh"])
    assert r.status_code == 401 and r.json()["code"] == "token_reused"
    assert not RefreshToken.objects.filter(user=sam, revoked_at__isnull=True).exists()


def test_no_grace_after_logout(api, sam, at_nine):
    first = _login(api)
    second = _refresh(api, first["refresh"]).json()
    headers = {"Authorization": f"Bearer {second['access']}"}
    assert api().post("/auth/logout", {"refresh": second["refresh"]}, headers=headers).status_code == 204
    r = _refresh(api, first["refresh"])
    assert r.status_code == 401 and r.json()["code"] == "token_reused"


def test_grace_zero_switches_it_off(api, sam, at_nine, settings):
    settings.JWT_REFRESH_REUSE_GRACE = timedelta(0)
    first = _login(api)
    _refresh(api, first["refresh"])
    assert _refresh(api, first["refresh"]).json()["code"] == "token_reused"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_tabs_refreshing_at_the_same_moment_share_one_pair(api, sam):
    raw = _login(api)["refresh"]
    barrier = threading.Barrier(4)
    answers: list[tuple[int, dict]] = []

    def tab():
        try:
            barrier.wait(timeout=10)
            r = Client().post(REFRESH, data={"refresh": raw}, content_type="application/json")
            answers.append((r.status_code, r.json()))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=tab) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert [status for status, _ in answers] == [200] * 4, answers
    assert len({body["refresh"] for _, body in answers}) == 1
    assert RefreshToken.objects.filter(user=sam).count() == 2
    assert not RefreshToken.objects.filter(user=sam, revoked_at__isnull=False).exists()
