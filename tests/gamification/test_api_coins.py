from __future__ import annotations

import pytest

from modules.center.selectors import get_system_settings
from modules.gamification.models import CoinTransaction, StudentAchievement
from tests.factories.accounts import ParentFactory, StudentFactory, TeacherFactory
from tests.factories.courses import GroupFactory, MembershipFactory
from tests.factories.gamification import give_coins
from tests.gamification.conftest import balance_of, ledger_sum
from tests.page_queries import queries_for_one_and_many

pytestmark = pytest.mark.django_db


@pytest.fixture
def personas(admin, teacher, student, parent, outsider, group):
    return {"admin": admin, "teacher": teacher, "student": student, "parent": parent, "outsider": outsider}


def test_balance_visibility_per_persona(api, personas, student):
    give_coins(student, 40)
    give_coins(student, -15)
    expected = {"admin": 200, "teacher": 200, "student": 200, "parent": 200, "outsider": 404}
    for role, user in personas.items():
        r = api(user).get(f"/students/{student.pk}/coins")
        assert r.status_code == expected[role], role
        if r.status_code == 200:
            body = r.json()
            assert (body["balance"], body["earned_total"], body["spent_total"]) == (25, 40, 15)
    assert api(TeacherFactory()).get(f"/students/{student.pk}/coins").status_code == 404
    assert api(ParentFactory()).get(f"/students/{student.pk}/coins").status_code == 404
    assert api().get(f"/students/{student.pk}/coins").status_code == 401


def test_a_student_without_coins_has_a_zero_balance(api, student):
    assert api(student).get(f"/students/{student.pk}/coins").json()["balance"] == 0


def test_transactions_list_and_filters(api, personas, student, group):
    give_coins(student, 10, group=group, note="quiz")
    give_coins(student, 20)
    expected = {"admin": 200, "teacher": 200, "student": 200, "parent": 200, "outsider": 404}
    for role, user in personas.items():
        assert api(user).get(f"/students/{student.pk}/coins/transactions").status_code == expected[role], role
    body = api(student).get(f"/students/{student.pk}/coins/transactions").json()
    assert body["count"] == 2
    assert [i["amount"] for i in body["items"]] == [20, 10]  # newest first
    assert {"amount", "reason", "created_at"} <= set(body["items"][0])
    only_group = api(student).get(f"/students/{student.pk}/coins/transactions", {"group": group.pk}).json()
    assert [i["note"] for i in only_group["items"]] == ["quiz"]
    assert (
        api(student).get(f"/students/{student.pk}/coins/transactions", {"reason": "nope"}).status_code == 422
    )


def test_transactions_list_constant_queries(api, student):
    for _ in range(30):
        give_coins(student, 1)
    client = api(student)
    url = f"/students/{student.pk}/coins/transactions"
    one, many = queries_for_one_and_many(lambda limit: client.get(url, {"limit": limit}))
    assert one == many


def test_award_and_deduct_per_persona(api, personas, student, group):
    give_coins(student, 50)
    expected = {"admin": 201, "teacher": 201, "student": 403, "parent": 403, "outsider": 404}
    for role, user in personas.items():
        r = api(user).post(f"/students/{student.pk}/coins/award", {"amount": 5, "note": "well done"})
        assert r.status_code == expected[role], (role, r.content)
        r = api(user).post(f"/students/{student.pk}/coins/deduct", {"amount": 2, "note": "late homework"})
        assert r.status_code == expected[role], (role, r.content)
    assert balance_of(student) == 50 + 2 * 5 - 2 * 2 == ledger_sum(student)
    tx = CoinTransaction.objects.filter(reason="manual_award").first()
    assert tx.note == "well done" and tx.created_by_id is not None


def test_teacher_cannot_award_a_student_of_another_group(api, teacher):
    stranger = StudentFactory()
    MembershipFactory(group=GroupFactory(), student=stranger)
    r = api(teacher).post(f"/students/{stranger.pk}/coins/award", {"amount": 5, "note": "x"})
    assert r.status_code == 404


def test_teacher_daily_limit(api, teacher, student, group):
    settings = get_system_settings()
    settings.coin_rules = {**settings.coin_rules, "teacher_daily_limit": 30}
    settings.save()
    client = api(teacher)
    assert client.post(f"/students/{student.pk}/coins/award", {"amount": 20, "note": "a"}).status_code == 201
    r = client.post(f"/students/{student.pk}/coins/award", {"amount": 11, "note": "b"})
    assert r.status_code == 409 and r.json()["code"] == "daily_limit_exceeded"
    assert client.post(f"/students/{student.pk}/coins/award", {"amount": 10, "note": "c"}).status_code == 201


def test_award_with_group_counts_for_that_group_only_if_valid(api, teacher, admin, student, group):
    r = api(teacher).post(
        f"/students/{student.pk}/coins/award", {"amount": 5, "note": "a", "group_id": group.pk}
    )
    assert r.status_code == 201 and r.json()["group_id"] == group.pk
    other = GroupFactory()
    r = api(admin).post(
        f"/students/{student.pk}/coins/award", {"amount": 5, "note": "a", "group_id": other.pk}
    )
    assert r.status_code == 422


def test_deduct_below_zero_needs_an_admin_override(api, admin, teacher, student, group):
    give_coins(student, 3)
    r = api(teacher).post(f"/students/{student.pk}/coins/deduct", {"amount": 5, "note": "x"})
    assert r.status_code == 409 and r.json()["code"] == "insufficient_coins"
    r = api(teacher).post(
        f"/students/{student.pk}/coins/deduct", {"amount": 5, "note": "x", "allow_negative": True}
    )
    assert r.status_code == 403
    r = api(admin).post(
        f"/students/{student.pk}/coins/deduct", {"amount": 5, "note": "x", "allow_negative": True}
    )
    assert r.status_code == 201 and balance_of(student) == -2 == ledger_sum(student)


def test_award_idempotency_key(api, admin, student):
    body = {"amount": 7, "note": "retry me", "idempotency_key": "client-key-123"}
    first = api(admin).post(f"/students/{student.pk}/coins/award", body)
    again = api(admin).post(f"/students/{student.pk}/coins/award", body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] and balance_of(student) == 7
    clash = api(admin).post(f"/students/{student.pk}/coins/award", {**body, "amount": 8})
    assert clash.status_code == 409


def test_award_validation(api, admin, student):
    for bad in (
        {"amount": 0, "note": "x"},
        {"amount": -5, "note": "x"},
        {"amount": 5},
        {"amount": 5, "note": ""},
    ):
        r = api(admin).post(f"/students/{student.pk}/coins/award", bad)
        assert r.status_code == 422, bad
        assert r.json()["code"] == "validation_error"


def test_achievements_catalogue_and_badges(api, personas, student):
    r = api(student).get("/achievements")
    assert r.status_code == 200
    codes = {b["code"] for b in r.json()["items"]}
    assert {"first_homework", "perfect_week", "lesson_streak", "top_three_month", "hundred_coins"} <= codes
    StudentAchievement.objects.create(student=student, code="perfect_week", period="2026-W47")
    expected = {"admin": 200, "teacher": 200, "student": 200, "parent": 200, "outsider": 404}
    for role, user in personas.items():
        r = api(user).get(f"/students/{student.pk}/achievements")
        assert r.status_code == expected[role], role
    [badge] = api(student).get(f"/students/{student.pk}/achievements").json()["items"]
    assert (badge["code"], badge["name"], badge["period"]) == ("perfect_week", "Perfect week", "2026-W47")
