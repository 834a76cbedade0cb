"""Billing schedule CRUD and the reports (JSON, CSV, XLSX), admin only."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from modules.payments.models import Payment, PaymentSchedule
from tests.factories.payments import PaymentFactory, PaymentScheduleFactory, make_group, make_membership

pytestmark = pytest.mark.django_db
TASHKENT = ZoneInfo("Asia/Tashkent")


@pytest.fixture
def people(admin, teacher, student, parent, outsider):
    return {"admin": admin, "teacher": teacher, "student": student, "parent": parent, "outsider": outsider}


@pytest.fixture
def membership(student):
    return make_membership(student=student, group=make_group(monthly_price=40_000_000, name="IELTS"))


# --- schedules -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["teacher", "student", "parent", "outsider"])
def test_schedules_are_admin_only(api, people, membership, who):
    schedule = PaymentScheduleFactory(membership=membership)
    client = api(people[who])
    assert client.get("/payment-schedules").status_code == 403
    assert client.get(f"/payment-schedules/{schedule.pk}").status_code == 403
    assert client.post("/payment-schedules", {"membership_id": membership.pk}).status_code == 403
    assert client.patch(f"/payment-schedules/{schedule.pk}", {"due_day": 3}).status_code == 403
    assert client.delete(f"/payment-schedules/{schedule.pk}").status_code == 403
    assert PaymentSchedule.objects.filter(pk=schedule.pk, due_day=5).exists()


def test_schedule_crud(api, admin, membership):
    client = api(admin)
    response = client.post("/payment-schedules", {"membership_id": membership.pk, "due_day": 10})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (
        body["due_day"],
        body["amount"],
        body["current_amount"],
        body["active_from"],
        body["is_active"],
    ) == (
        10,
        None,
        40_000_000,
        membership.joined_on.isoformat(),
        True,
    )
    assert body["group"]["name"] == "IELTS" and body["student"]["id"] == membership.student_id
    sid = body["id"]
    again = client.post("/payment-schedules", {"membership_id": membership.pk})
    assert again.status_code == 409 and again.json()["code"] == "schedule_exists"

    patched = client.patch(
        f"/payment-schedules/{sid}", {"amount": 35_000_000, "active_to": "2026-12-31"}
    ).json()
    assert (patched["amount"], patched["current_amount"], patched["active_to"]) == (
        35_000_000,
        35_000_000,
        "2026-12-31",
    )
    bad = client.patch(f"/payment-schedules/{sid}", {"active_to": "2025-01-01"})
    assert bad.status_code == 422
    assert client.patch(f"/payment-schedules/{sid}", {"due_day": 31}).status_code == 422

    listed = client.get("/payment-schedules", {"student": membership.student_id}).json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == sid
    assert client.get("/payment-schedules", {"is_active": "false"}).json()["count"] == 0

    assert client.delete(f"/payment-schedules/{sid}").status_code == 204
    assert client.get(f"/payment-schedules/{sid}").status_code == 404


def test_schedule_for_a_left_membership_is_refused(api, admin, membership):
    membership.status = "left"
    membership.left_on = date(2026, 2, 1)
    membership.save()
    assert api(admin).post("/payment-schedules", {"membership_id": membership.pk}).status_code == 409
    assert api(admin).post("/payment-schedules", {"membership_id": 99999}).status_code == 422


def test_schedule_list_query_count_is_constant(api, admin, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(12):
        PaymentScheduleFactory()
    client = api(admin)

    def count(limit):
        with CaptureQueriesContext(connection) as ctx:
            assert len(client.get("/payment-schedules", {"limit": limit}).json()["items"]) == limit
        return len(ctx.captured_queries)

    assert count(1) == count(12)


# --- reports -----------------------------------------------------------------------------------------------


@pytest.fixture
def ledger(student, outsider):
    g1, g2 = make_group(name="Alpha"), make_group(name="Beta")

    def paid(student, group, amount, when):
        return PaymentFactory(
            student=student, group=group, amount=amount, status="paid", paid_at=when, method="cash"
        )

    paid(student, g1, 100_00, datetime(2026, 1, 15, 12, tzinfo=TASHKENT))
    paid(outsider, g2, 300_00, datetime(2026, 1, 31, 23, 30, tzinfo=TASHKENT))  # still January in Tashkent
    paid(student, g1, 50_00, datetime(2026, 2, 2, 9, tzinfo=TASHKENT))
    PaymentFactory(
        student=student,
        group=g1,
        amount=999_00,
        status="refunded",
        paid_at=datetime(2026, 2, 3, tzinfo=TASHKENT),
    )
    PaymentFactory(student=student, amount=70_00, status="overdue", due_date=date(2026, 2, 5))
    PaymentFactory(student=student, amount=20_00, status="overdue", due_date=date(2026, 1, 5))
    PaymentFactory(student=student, amount=5_00, status="pending", due_date=date(2026, 3, 5))
    PaymentFactory(student=outsider, amount=10_00, status="pending", due_date=date(2026, 3, 5))
    return g1, g2


@pytest.mark.parametrize("path", ["revenue-by-month", "revenue-by-group", "debtors"])
@pytest.mark.parametrize("who", ["teacher", "student", "parent", "outsider"])
def test_reports_are_admin_only(api, people, path, who):
    assert api(people[who]).get(f"/payments/reports/{path}").status_code == 403


def test_revenue_by_month(api, admin, ledger):
    rows = api(admin).get("/payments/reports/revenue-by-month").json()["items"]
    assert rows == [
        {"month": "2026-01-01", "amount": 400_00, "payments": 2, "currency": "UZS"},
        {"month": "2026-02-01", "amount": 50_00, "payments": 1, "currency": "UZS"},
    ]
    feb = api(admin).get("/payments/reports/revenue-by-month", {"date_from": "2026-02-01"}).json()["items"]
    assert [r["month"] for r in feb] == ["2026-02-01"]
    assert (
        api(admin)
        .get("/payments/reports/revenue-by-month", {"date_from": "2026-02-01", "date_to": "2026-01-01"})
        .status_code
        == 422
    )


def test_revenue_by_group(api, admin, ledger):
    g1, g2 = ledger
    rows = api(admin).get("/payments/reports/revenue-by-group").json()["items"]
    assert [(r["group_name"], r["amount"], r["payments"]) for r in rows] == [
        ("Beta", 300_00, 1),
        ("Alpha", 150_00, 2),
    ]


def test_debtors(api, admin, student, ledger):
    rows = api(admin).get("/payments/reports/debtors").json()["items"]
    assert len(rows) == 1  # the outsider owes nothing overdue
    row = rows[0]
    assert row["student"]["id"] == student.pk
    assert (
        row["overdue_invoices"],
        row["overdue_amount"],
        row["pending_amount"],
        row["total_owed"],
        row["oldest_due_date"],
    ) == (
        2,
        90_00,
        5_00,
        95_00,
        "2026-01-05",
    )


def test_reports_as_csv_and_xlsx(api, admin, student, ledger):
    student.first_name = "=HYPERLINK(1)"
    student.save()
    response = api(admin).get("/payments/reports/debtors", {"format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert 'filename="debtors.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "student_id" and rows[1][0] == str(student.pk)
    assert rows[1][1] == "'=HYPERLINK(1)"  # formula neutralised
    assert rows[1][8] == "95.00"

    response = api(admin).get("/payments/reports/revenue-by-month", {"format": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == ["month", "amount_tiyin", "amount_uzs", "payments"]
    assert values[1] == ["2026-01-01", 400_00, "400.00", 2]
    assert api(admin).get("/payments/reports/revenue-by-group", {"format": "pdf"}).status_code == 422


def test_generated_invoices_reach_the_list_and_reports(api, admin, student):
    from modules.payments.billing import generate_invoices

    m = make_membership(
        student=student, group=make_group(monthly_price=10_000_00), joined_on=date(2026, 1, 1)
    )
    PaymentScheduleFactory(membership=m, active_from=date(2026, 1, 1))
    generate_invoices(today=date(2026, 3, 1))
    items = api(admin).get("/payments", {"student": student.pk}).json()["items"]
    assert [(i["period"], i["amount"], i["schedule_id"] is not None) for i in items] == [
        ("2026-03-01", 10_000_00, True)
    ]
    assert Payment.objects.count() == 1
