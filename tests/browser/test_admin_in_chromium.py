"""The demo administrator works in Russian and in Uzbek: in chromium, after logging in with the
README's email, the dashboard, the invoices list and an invoice's page are in that language
(project labels computed here through Django's translation, and different from English), money
reads "600 000 so'm", and a lesson shows its local time (the demo group meets at 15:00 Tashkent)."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import gettext_lazy

from modules.accounts.seed import DEMO_USERS, demo_user
from modules.center.selectors import center_zone
from modules.lessons.models import Lesson
from modules.payments.models import Payment

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

_, EMAIL, PASSWORD, *_rest = next(row for row in DEMO_USERS if row[0] == "admin")
TIMEOUT_MS = 15_000


def _in(language: str, text) -> str:
    with translation.override(language):
        return str(text)


def _translated(language: str, text) -> str:
    """`text` in `language`, asserted to be a translation and not the English words."""
    shown, english = _in(language, text), _in("en", text)
    assert shown.lower() != english.lower(), f"{english!r} has no {language} translation"
    return shown


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", verbosity=0)
    payment = Payment.objects.filter(student=demo_user("student")).order_by("pk").first()
    lesson = Lesson.objects.select_related("group").order_by("starts_at").first()
    return payment, lesson


def _visible(page) -> str:
    return re.sub(r"\s+", " ", page.inner_text("body"))


def test_the_demo_admin_runs_the_center_in_russian_and_uzbek(browser, live_server, demo):
    for language in ("ru", "uz"):  # one seeded center, one browser, a fresh session per language
        _check_pages(browser, live_server, *demo, language)


def _check_pages(browser, live_server, payment, lesson, language: str) -> None:
    admin = demo_user("admin")
    admin.language = language
    admin.save(update_fields=["language"])
    expected = {
        "logout": _translated(language, gettext_lazy("Log out")),
        "lessons today": _translated(language, gettext_lazy("Lessons today")),
        "invoices": _translated(language, Payment._meta.verbose_name_plural),
        "amount": _translated(language, Payment._meta.get_field("amount").verbose_name),
        "lessons": _translated(language, Lesson._meta.verbose_name_plural),
    }
    local_start = lesson.starts_at.astimezone(center_zone())
    assert local_start.strftime("%H:%M") == "15:00" != lesson.starts_at.strftime("%H:%M")

    context = browser.new_context(locale=language, timezone_id="UTC")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/admin/login/?next=/admin/")
        page.fill("input[name=username]", EMAIL)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/admin/")

        dashboard = _visible(page)
        assert expected["lessons today"] in dashboard
        assert expected["lessons"].lower() in dashboard.lower()  # the sidebar
        assert expected["logout"] in page.content()
        assert page.locator("#dashboard-kpis").count() == 1

        page.goto(f"{live_server.url}/admin/payments/payment/")
        listing = _visible(page)
        assert expected["invoices"].lower() in listing.lower()
        assert "600 000 so'm" in listing and "60000000" not in listing

        page.goto(f"{live_server.url}/admin/payments/payment/{payment.pk}/change/")
        invoice = _visible(page)
        assert expected["amount"].lower() in invoice.lower()
        assert "600 000 so'm" in invoice and "tiyin" not in invoice.lower()

        page.goto(f"{live_server.url}/admin/lessons/lesson/{lesson.pk}/change/")
        assert f"{local_start:%d.%m.%Y %H:%M}" in _visible(page)  # the lesson's label, local time
        assert page.locator("input[name=starts_at_1]").input_value().startswith("15:00")
    finally:
        context.close()
