from __future__ import annotations

import pytest

from modules.gamification.models import CoinTransaction, Redemption, Reward
from modules.gamification.signals import reward_redeemed, reward_redemption_changed
from tests.factories.accounts import StudentFactory
from tests.factories.gamification import RewardFactory, give_coins
from tests.gamification.conftest import balance_of, ledger_sum
from tests.page_queries import queries_for_one_and_many

pytestmark = pytest.mark.django_db


@pytest.fixture
def personas(admin, teacher, student, parent, outsider, group):
    return {"admin": admin, "teacher": teacher, "student": student, "parent": parent, "outsider": outsider}


def test_rewards_crud_admin_only(api, personas, admin):
    body = {"name": "Notebook", "description": "A5", "price": 50, "stock": 3}
    for role, user in personas.items():
        if role != "admin":
            assert api(user).post("/rewards", body).status_code == 403, role
    r = api(admin).post("/rewards", body)
    assert r.status_code == 201
    reward_id = r.json()["id"]
    assert r.json()["is_active"] is True
    for role, user in personas.items():
        if role != "admin":
            assert api(user).patch(f"/rewards/{reward_id}", {"price": 1}).status_code == 403, role
            assert api(user).delete(f"/rewards/{reward_id}").status_code == 403, role
    r = api(admin).patch(f"/rewards/{reward_id}", {"price": 60, "stock": 10})
    assert (r.status_code, r.json()["price"], r.json()["stock"]) == (200, 60, 10)
    assert api(admin).post("/rewards", {**body, "price": 0}).status_code == 422
    assert api(admin).delete(f"/rewards/{reward_id}").status_code == 204
    assert not Reward.objects.filter(pk=reward_id).exists()


def test_inactive_rewards_are_hidden_from_everyone_but_admins(api, personas, admin):
    active, hidden = RewardFactory(), RewardFactory(is_active=False)
    for role, user in personas.items():
        ids = {r["id"] for r in api(user).get("/rewards").json()["items"]}
        assert active.pk in ids, role
        assert (hidden.pk in ids) == (role == "admin"), role
        assert api(user).get(f"/rewards/{hidden.pk}").status_code == (200 if role == "admin" else 404)
    only_inactive = api(admin).get("/rewards", {"is_active": False}).json()["items"]
    assert [r["id"] for r in only_inactive] == [hidden.pk]


def test_redeem_takes_coins_and_stock(api, student):
    reward = RewardFactory(price=30, stock=2)
    give_coins(student, 100)
    seen = []
    reward_redeemed.connect(handler := lambda sender, redemption, **kw: seen.append(redemption.pk))
    try:
        r = api(student).post(f"/rewards/{reward.pk}/redeem")
    finally:
        reward_redeemed.disconnect(handler)
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["status"], body["price"], body["reward"]["id"], body["student"]["id"]) == (
        "pending",
        30,
        reward.pk,
        student.pk,
    )
    assert seen == [body["id"]]
    reward.refresh_from_db()
    assert reward.stock == 1 and balance_of(student) == 70 == ledger_sum(student)
    assert CoinTransaction.objects.get(reason="redemption").amount == -30


def test_redeem_refusals(api, student, parent, teacher, admin):
    reward = RewardFactory(price=30, stock=1)
    give_coins(student, 10)
    r = api(student).post(f"/rewards/{reward.pk}/redeem")
    assert r.status_code == 409 and r.json()["code"] == "insufficient_coins"
    for user in (parent, teacher, admin):
        assert api(user).post(f"/rewards/{reward.pk}/redeem").status_code == 403
    give_coins(student, 100)
    assert api(student).post(f"/rewards/{reward.pk}/redeem").status_code == 201
    r = api(student).post(f"/rewards/{reward.pk}/redeem")
    assert r.status_code == 409 and r.json()["code"] == "out_of_stock"
    assert balance_of(student) == 80 == ledger_sum(student)
    hidden = RewardFactory(is_active=False)
    assert api(student).post(f"/rewards/{hidden.pk}/redeem").status_code == 404


def test_cancel_refunds_and_restocks_hand_over_is_final(api, personas, admin, student):
    reward = RewardFactory(price=40, stock=1)
    give_coins(student, 40)
    redemption_id = api(student).post(f"/rewards/{reward.pk}/redeem").json()["id"]
    for role, user in personas.items():
        if role in ("student", "parent", "teacher"):
            assert api(user).post(f"/redemptions/{redemption_id}/cancel").status_code == 403, role
        elif role == "outsider":
            assert api(user).post(f"/redemptions/{redemption_id}/cancel").status_code == 404
    changes = []
    reward_redemption_changed.connect(
        handler := lambda sender, redemption, change, **kw: changes.append(change)
    )
    try:
        r = api(admin).post(f"/redemptions/{redemption_id}/cancel")
    finally:
        reward_redemption_changed.disconnect(handler)
    assert r.status_code == 200 and r.json()["status"] == "cancelled" and changes == ["cancelled"]
    reward.refresh_from_db()
    assert reward.stock == 1 and balance_of(student) == 40 == ledger_sum(student)
    assert api(admin).post(f"/redemptions/{redemption_id}/cancel").status_code == 409  # no double refund
    assert balance_of(student) == 40
    second = api(student).post(f"/rewards/{reward.pk}/redeem").json()["id"]
    r = api(admin).post(f"/redemptions/{second}/hand-over")
    assert r.status_code == 200 and r.json()["status"] == "handed_over" and r.json()["handed_over_at"]
    assert api(admin).post(f"/redemptions/{second}/cancel").status_code == 409


def test_redemptions_visibility(api, personas, student):
    reward = RewardFactory(price=1, stock=10)
    give_coins(student, 5)
    api(student).post(f"/rewards/{reward.pk}/redeem")
    other = StudentFactory()
    give_coins(other, 5)
    api(other).post(f"/rewards/{reward.pk}/redeem")
    mine = Redemption.objects.get(student=student).pk
    expected = {"admin": 2, "teacher": 1, "student": 1, "parent": 1, "outsider": 0}
    for role, user in personas.items():
        assert api(user).get("/redemptions").json()["count"] == expected[role], role
        assert api(user).get(f"/redemptions/{mine}").status_code == (404 if role == "outsider" else 200), role
    assert (
        api(personas["admin"])
        .get("/redemptions", {"status": "pending", "student": student.pk})
        .json()["count"]
        == 1
    )


def test_redemptions_list_constant_queries(api, admin):
    reward = RewardFactory(price=1, stock=100)
    for _ in range(12):
        s = StudentFactory()
        give_coins(s, 1)
        api(s).post(f"/rewards/{reward.pk}/redeem")
    client = api(admin)
    one, many = queries_for_one_and_many(lambda limit: client.get("/redemptions", {"limit": limit}))
    assert one == many


def test_reward_with_redemptions_cannot_be_deleted(api, admin, student):
    reward = RewardFactory(price=1, stock=1)
    give_coins(student, 1)
    api(student).post(f"/rewards/{reward.pk}/redeem")
    r = api(admin).delete(f"/rewards/{reward.pk}")
    assert r.status_code == 409 and r.json()["code"] == "reward_in_use"
