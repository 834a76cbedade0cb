"""Row 5: /admin/login/ had no rate limit (60 wrong passwords in 33 s, then success). It now spends
the API's login budgets: per address and per account, shared with /api/v1/auth/login."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories.accounts import PASSWORD, AdminFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return AdminFactory(email="boss@example.uz", phone="+998911112233")


def admin_login(username: str, password: str, client=None) -> int:
    return (
        (client or Client()).post("/admin/login/", {"username": username, "password": password}).status_code
    )


def test_row05_admin_login_is_throttled(settings, staff):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "login_ip": "1000/min", "login_account": "4/min"}
    codes = [admin_login("boss@example.uz", f"guess-{i}") for i in range(4)]
    assert codes == [200] * 4  # the form again, with an error
    assert admin_login("boss@example.uz", PASSWORD) == 429  # even the right password waits


def test_row05_admin_and_api_share_the_account_budget(api, settings, staff):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "login_ip": "1000/min", "login_account": "3/min"}
    assert api().post("/auth/login", {"login": "+998 91 111 22 33", "password": "x"}).status_code == 401
    assert api().post("/auth/login", {"login": "911112233", "password": "x"}).status_code == 401
    assert admin_login("BOSS@example.uz", "x") == 200
    assert admin_login("boss@example.uz", PASSWORD) == 429
    assert api().post("/auth/login", {"login": "boss@example.uz", "password": PASSWORD}).status_code == 429


def test_row05_admin_login_by_address(settings, staff):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "login_ip": "2/min", "login_account": "1000/min"}
    assert [admin_login(f"user{i}@example.uz", "x") for i in range(3)] == [200, 200, 429]


def test_row05_a_correct_admin_login_still_works(staff):
    response = Client().post("/admin/login/", {"username": "boss@example.uz", "password": PASSWORD})
    assert response.status_code == 302
