"""The cash desk report: per method and cashier, every payment and refund of the day, CSV/XLSX."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from tests.factories.accounts import AdminFactory
from tests.factories.payments import PaymentFactory, make_group, make_membership

pytestmark = pytest.mark.django_db
URL = "/payments/reports/cashbox"


@pytest.fixture
def day_of_money(api, admin, student):
    other_cashier = AdminFactory(first_name="Bek", last_name="Cashier")
    a = PaymentFactory(student=student, amount=10_000_000)
    b = PaymentFactory(student=student, amount=6_000_000)
    api(admin).post(f"/payments/{a.pk}/confirm", {"method": "cash", "amount": 4_000_000})
    api(other_cashier).post(f"/payments/{a.pk}/confirm", {"method": "card"})
    api(admin).post(f"/payments/{b.pk}/confirm", {"method": "cash"})
    api(admin).post(f"/payments/{b.pk}/refund", {"reason": "moved away"})
    return other_cashier


def test_totals_per_method_and_cashier_and_every_record(api, admin, day_of_money):
    body = api(admin).get(URL).json()
    totals = {(t["method"], t["cashier"]["id"]): t for t in body["totals"]}
    assert totals[("cash", admin.pk)]["payments"] == 10_000_000
    assert totals[("cash", admin.pk)]["refunds"] == 6_000_000
    assert totals[("cash", admin.pk)]["net"] == 4_000_000
    assert totals[("card", day_of_money.pk)]["payments"] == 6_000_000
    assert body["by_method"] == {"card": 6_000_000, "cash": 4_000_000}
    assert body["net"] == 10_000_000
    assert [(r["kind"], r["method"], r["amount"]) for r in body["records"]] == [
        ("payment", "cash", 4_000_000),
        ("payment", "card", 6_000_000),
        ("payment", "cash", 6_000_000),
        ("refund", "cash", 6_000_000),
    ]


def test_another_day_is_empty(api, admin, day_of_money):
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    body = api(admin).get(URL, {"date": yesterday}).json()
    assert body["records"] == [] and body["net"] == 0


def test_balance_applications_are_not_cash(api, admin, student):
    api(admin).post(f"/students/{student.pk}/balance/deposits", {"method": "cash", "amount": 5_000_000})
    PaymentFactory(student=student, amount=5_000_000)
    from modules.payments import balance

    balance.balance_apply(student_id=student.pk)
    body = api(admin).get(URL).json()
    assert [r["method"] for r in body["records"]] == ["cash"] and body["net"] == 5_000_000


def test_branch_filter(api, admin, student):
    group = make_group()
    make_membership(student=student, group=group)
    inv = PaymentFactory(student=student, amount=1_000_000, group=group)
    api(admin).post(f"/payments/{inv.pk}/confirm", {"method": "cash"})
    assert len(api(admin).get(URL, {"branch": group.branch_id}).json()["records"]) == 1
    assert api(admin).get(URL, {"branch": group.branch_id + 999}).json()["records"] == []


def test_csv_and_xlsx(api, admin, day_of_money):
    csv = api(admin).get(URL, {"format": "csv"})
    assert csv["Content-Type"].startswith("text/csv")
    text = csv.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("receipt_number,time,kind,method,amount_tiyin")
    assert "-6000000" in text and "TOTAL" in text
    xlsx = api(admin).get(URL, {"format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "receipt_number" and len(rows) == 1 + 4 + 2


def test_only_admins(api, teacher, student):
    assert api(teacher).get(URL).status_code == 403
    assert api(student).get(URL).status_code == 403
    assert api().get(URL).status_code == 401
