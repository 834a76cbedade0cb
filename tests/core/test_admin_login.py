"""The admin site's login page (/admin/login/) takes the same logins as POST /auth/login: an email or
a phone in any common Uzbek spelling (EmailOrPhoneBackend), through the real form and session."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.factories.accounts import PASSWORD, AdminFactory, TeacherFactory

pytestmark = pytest.mark.django_db

LOGIN_URL = "/admin/login/?next=/admin/"


@pytest.fixture
def staff_admin():
    return AdminFactory(email="admin@demo.markaz.uz", phone="+998901234567")


def _log_in(login: str, password: str = PASSWORD):
    client = Client()
    response = client.post(LOGIN_URL, {"username": login, "password": password})
    return client, response


@pytest.mark.parametrize(
    "login",
    [
        "admin@demo.markaz.uz",
        "ADMIN@Demo.Markaz.uz",
        "+998901234567",
        "+998 90 123 45 67",
        "998 (90) 123-45-67",
        "90 123 45 67",
    ],
)
def test_an_admin_logs_in_with_email_or_any_phone_spelling(staff_admin, login):
    client, response = _log_in(login)
    assert response.status_code == 302, response.content.decode()[:500]
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert int(client.session["_auth_user_id"]) == staff_admin.pk


def test_the_login_page_lets_a_browser_type_an_email(staff_admin):
    """A browser enforces the input's maxlength: a phone-sized field cannot hold the demo emails."""
    page = Client().get(LOGIN_URL).content.decode()
    username_input = re.search(r'<input[^>]*name="username"[^>]*>', page).group(0)
    assert int(re.search(r'maxlength="(\d+)"', username_input).group(1)) >= len("admin@demo.markaz.uz")
    label = re.search(r'<label for="id_username"[^>]*>\s*([^<]*?)\s*<', page).group(1)
    assert label == "Email or phone"


def test_a_wrong_password_is_refused_on_the_page(staff_admin):
    client, response = _log_in("admin@demo.markaz.uz", "wrong-password-1")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "correct email or phone and password" in response.content.decode()


def test_a_non_staff_user_cannot_enter_the_admin_by_email():
    TeacherFactory(email="teacher@demo.markaz.uz")
    client, response = _log_in("teacher@demo.markaz.uz")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
