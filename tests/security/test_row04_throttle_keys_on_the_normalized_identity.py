"""Row 4: the per-account login and reset throttles keyed on the raw login string: phone spelling
variants gave unlimited guesses, and 40 reset mails went out in 2 s."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils import timezone

from tests.factories.accounts import StudentFactory

pytestmark = pytest.mark.django_db

SPELLINGS = [
    "+998901234567",
    "998901234567",
    "901234567",
    "+998 90 123 45 67",
    "90-123-45-67",
    "(90) 123 45 67",
    "VICTIM@example.uz",
    "victim@EXAMPLE.uz",
]


@pytest.fixture
def victim():
    return StudentFactory(phone="+998901234567", email="victim@example.uz", email_verified_at=timezone.now())


def test_row04_login_throttle_keys_on_the_normalized_identity(api, settings, victim):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "login_ip": "1000/min", "login_account": "5/min"}
    codes = [
        api().post("/auth/login", {"login": spelling, "password": "wrong-guess"}).status_code
        for spelling in SPELLINGS
    ]
    assert codes == [401] * 5 + [429] * 3


def test_row04_unknown_logins_share_a_budget_per_spelling_family(api, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "login_ip": "1000/min", "login_account": "2/min"}
    codes = [
        api().post("/auth/login", {"login": login, "password": "x"}).status_code
        for login in ("+998 93 000 00 01", "930000001", "998930000001")
    ]
    assert codes == [401, 401, 429]


def test_row04_reset_mails_are_limited_per_target_account(api, settings, victim, run_on_commit):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "password_reset": "1000/hour"}
    with run_on_commit():
        codes = [api().post("/auth/password/reset", {"login": s}).status_code for s in SPELLINGS]
    assert codes.count(202) == 3 and codes[3:] == [429] * 5
    assert len(mail.outbox) == 3
