"""So'm on admin screens: one formatter (core.money), entered in so'm and stored in tiyin, shown in
so'm in changelists, read-only fields and inlines; tiyin never appear."""

from __future__ import annotations

import re

import pytest

from core.admin_money import SomFormField
from core.money import format_amount, parse_som, som_digits
from modules.courses.models import Course
from modules.payments.models import Payment, PaymentCredit
from tests.factories.courses import CourseFactory
from tests.factories.payments import PaymentFactory


def test_amounts_are_grouped_by_three_and_tiyin_shown_only_when_there_are_some():
    assert format_amount(60_000_000) == "600 000 so'm"
    assert format_amount(0) == "0 so'm"
    assert som_digits(125_000_050) == "1 250 000,50"
    assert som_digits(-150) == "-1,50"
    assert format_amount(10_000, "UZS") == "100 UZS"


@pytest.mark.parametrize(
    ("typed", "tiyin"),
    [
        ("600 000", 60_000_000),
        ("600000", 60_000_000),
        ("600\u00a0000 so'm", 60_000_000),
        ("1 250,5", 125_050),
    ],
)
def test_what_people_type_is_read_as_tiyin(typed, tiyin):
    assert parse_som(typed) == tiyin
    assert SomFormField().clean(typed) == tiyin


@pytest.mark.parametrize("typed", ["abc", "1,2,3", "12.345", "--5"])
def test_anything_else_is_a_form_error(typed):
    with pytest.raises(ValueError):
        parse_som(typed)
    with pytest.raises(Exception, match="so'm"):
        SomFormField().clean(typed)


def _text(response) -> str:
    return response.content.decode().replace("&#x27;", "'")


@pytest.mark.django_db
def test_course_form_shows_so_m_and_saves_tiyin(client, admin):
    course = CourseFactory(monthly_price=60_000_000)
    client.force_login(admin)
    page = _text(client.get(f"/admin/courses/course/{course.pk}/change/"))
    assert 'value="600 000"' in page and "so'm" in page
    assert "60000000" not in page and "tiyin" not in page
    assert "600 000 so'm" in _text(client.get("/admin/courses/course/"))

    data = {
        "name": course.name,
        "level": course.level,
        "language": course.language,
        "description": course.description,
        "monthly_price": "750 000",
        "lesson_duration_minutes": course.lesson_duration_minutes,
        "is_active": "on",
    }
    answer = client.post(f"/admin/courses/course/{course.pk}/change/", data)
    assert answer.status_code == 302, re.findall(
        r'class="errorlist[^"]*">(.*?)</ul>', answer.content.decode()
    )
    assert Course.objects.get(pk=course.pk).monthly_price == 75_000_000


@pytest.mark.django_db
def test_issued_invoice_and_its_inlines_are_read_in_so_m(client, admin):
    payment = PaymentFactory(amount=60_000_050)
    PaymentCredit.objects.create(payment=payment, days=3, amount=5_000_000, adjusted=False, reason="freeze")
    client.force_login(admin)
    page = _text(client.get(f"/admin/payments/payment/{payment.pk}/change/"))
    assert "600 000,50 so'm" in page and "50 000 so'm" in page
    assert "60000050" not in page and "60,000,050" not in page
    listing = _text(client.get("/admin/payments/payment/"))
    assert "600 000,50 so'm" in listing


@pytest.mark.django_db
def test_a_read_only_ledger_page_shows_so_m(client, admin):
    payment = PaymentFactory(amount=30_000_000, status=Payment.Status.PAID)
    client.force_login(admin)
    page = _text(client.get("/admin/payments/paymetransaction/"))
    assert page  # the changelist renders with the so'm column
    from modules.payments.models import PaymeTransaction

    tx = PaymeTransaction.objects.create(
        payme_id="abc", payment=payment, amount=30_000_000, state=2, payme_time=1, create_time=1
    )
    detail = _text(client.get(f"/admin/payments/paymetransaction/{tx.pk}/change/"))
    assert "300 000 so'm" in detail and "30000000" not in detail


@pytest.mark.django_db
def test_a_fixed_discount_is_typed_in_so_m_and_a_percent_as_a_number(client, admin):
    from modules.courses.models import Membership
    from tests.factories.courses import MembershipFactory

    fixed = MembershipFactory(discount_type="fixed", discount_value=5_000_000)
    percent = MembershipFactory(discount_type="percent", discount_value=10)
    client.force_login(admin)
    page = _text(client.get(f"/admin/courses/membership/{fixed.pk}/change/"))
    assert 'value="50 000"' in page and "tiyin" not in page
    assert 'value="10"' in _text(client.get(f"/admin/courses/membership/{percent.pk}/change/"))
    listing = _text(client.get("/admin/courses/membership/"))
    assert "50 000 so'm" in listing and "10 %" in listing

    data = {
        "group": fixed.group_id,
        "student": fixed.student_id,
        "joined_on": fixed.joined_on.isoformat(),
        "status": fixed.status,
        "discount_type": "fixed",
        "discount_value": "75 000",
        "freezes-TOTAL_FORMS": 0,
        "freezes-INITIAL_FORMS": 0,
    }
    answer = client.post(f"/admin/courses/membership/{fixed.pk}/change/", data)
    assert answer.status_code == 302, re.findall(r"errorlist[^>]*>(.*?)</ul>", answer.content.decode(), re.S)
    assert Membership.objects.get(pk=fixed.pk).discount_value == 7_500_000


@pytest.mark.django_db
def test_an_audited_change_of_an_amount_reads_in_so_m(client, admin):
    from modules.audit.models import AuditLog

    entry = AuditLog.objects.create(
        action="update",
        object_type="payments.payment",
        object_id="1",
        changes={"amount": [60_000_000, 50_000_000], "description": ["a", "b"]},
    )
    client.force_login(admin)
    page = _text(client.get(f"/admin/audit/auditlog/{entry.pk}/change/"))
    assert "600 000 so'm" in page and "500 000 so'm" in page and "60000000" not in page


@pytest.mark.django_db
def test_a_pay_rate_is_typed_in_so_m_and_a_revenue_share_in_basis_points(client, admin, teacher):
    from datetime import date

    from modules.payroll.models import PayRate

    per_lesson = PayRate.objects.create(
        teacher=teacher, kind="per_lesson", amount=15_000_000, active_from=date(2026, 1, 1)
    )
    share = PayRate.objects.create(
        teacher=teacher, kind="revenue_percent", amount=2500, active_from=date(2026, 1, 1)
    )
    client.force_login(admin)
    assert 'value="150 000"' in _text(client.get(f"/admin/payroll/payrate/{per_lesson.pk}/change/"))
    assert 'value="2500"' in _text(client.get(f"/admin/payroll/payrate/{share.pk}/change/"))
    listing = _text(client.get("/admin/payroll/payrate/"))
    assert "150 000 so'm" in listing and "2500 bp" in listing and "15000000" not in listing
