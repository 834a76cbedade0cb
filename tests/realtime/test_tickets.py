"""POST /realtime/ticket and the ticket store: single use, 60 s, bound to one user."""

from __future__ import annotations

import pytest

from realtime import tickets


@pytest.mark.parametrize("persona", ["admin", "teacher", "student", "parent", "outsider"])
def test_every_signed_in_user_gets_a_ticket_for_themselves(persona, request, api):
    user = request.getfixturevalue(persona)
    response = api(user).post("/realtime/ticket")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["expires_in"] == 60
    assert tickets.redeem_ticket(body["ticket"]) == user.pk


def test_anonymous_caller_gets_401(api, db):
    response = api().post("/realtime/ticket")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_each_call_issues_a_different_ticket(api, student):
    first = api(student).post("/realtime/ticket").json()["ticket"]
    second = api(student).post("/realtime/ticket").json()["ticket"]
    assert first != second


def test_a_ticket_redeems_once(student):
    ticket, _ = tickets.issue_ticket(student)
    assert tickets.redeem_ticket(ticket) == student.pk
    assert tickets.redeem_ticket(ticket) is None


def test_an_expired_ticket_is_refused(student, monkeypatch):
    ticket, ttl = tickets.issue_ticket(student)
    issued = tickets._now()
    monkeypatch.setattr(tickets, "_now", lambda: issued + ttl + 1)
    assert tickets.redeem_ticket(ticket) is None


@pytest.mark.parametrize("forged", ["", "short", "x" * 43, "a" * 500, "../../etc/passwd-aaaaaaaaaaaa", None])
def test_forged_or_malformed_tickets_are_refused(forged, db):
    assert tickets.redeem_ticket(forged) is None


def test_only_a_hash_of_the_ticket_is_stored(student):
    from django.core.cache import cache

    ticket, _ = tickets.issue_ticket(student)
    assert cache.get("realtime:ticket:" + ticket) is None
    assert cache.get(tickets._key(ticket))["user_id"] == student.pk
