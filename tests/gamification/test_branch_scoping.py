"""Coins and leaderboards per branch: a branch admin reads and awards coins of their branches'
students only; another branch's student or group is a 404."""

from __future__ import annotations

import pytest

from tests.factories.branches import two_branches
from tests.factories.gamification import give_coins


@pytest.fixture
def world(db):
    w = two_branches()
    give_coins(w.a.student, 3)
    give_coins(w.b.student, 5)
    return w


def test_coins_of_another_branchs_student_are_404(api, world):
    client, b = api(world.a.admin), world.b
    assert client.get(f"/students/{world.a.student.id}/coins").status_code == 200
    assert client.get(f"/students/{b.student.id}/coins").status_code == 404
    assert client.get(f"/students/{b.student.id}/coins/transactions").status_code == 404
    assert client.get(f"/students/{b.student.id}/achievements").status_code == 404
    r = client.post(f"/students/{b.student.id}/coins/award", {"amount": 5, "note": "x"})
    assert r.status_code == 404
    assert api(world.director).get(f"/students/{b.student.id}/coins").json()["balance"] == 5


def test_an_award_for_another_branchs_group_is_refused(api, world):
    from tests.factories.courses import MembershipFactory

    a, b = world.a, world.b
    MembershipFactory(group=b.group, student=a.student)  # learns in both branches
    body = {"amount": 2, "note": "x", "group_id": b.group.id}
    r = api(a.admin).post(f"/students/{a.student.id}/coins/award", body)
    assert r.status_code == 422 and r.json()["code"] == "branch_forbidden"
    assert (
        api(a.admin)
        .post(f"/students/{a.student.id}/coins/award", {**body, "group_id": a.group.id})
        .status_code
        == 201
    )


def test_leaderboards_follow_the_branch(api, world):
    client = api(world.a.admin)
    assert client.get(f"/groups/{world.a.group.id}/leaderboard").status_code == 200
    assert client.get(f"/groups/{world.b.group.id}/leaderboard").status_code == 404
    assert api(world.director).get(f"/groups/{world.b.group.id}/leaderboard").status_code == 200
