"""Part payments at the desk, overpayments and prepayments on the balance, and who sees a balance."""

from __future__ import annotations

import pytest

from modules.payments import balance
from modules.payments.ledger_models import BalanceEntry, PaymentRecord, StudentBalance
from modules.payments.models import Payment, PaymentHistory
from modules.payments.signals import payment_paid
from tests.factories.payments import PaymentFactory

pytestmark = pytest.mark.django_db


def test_a_part_leaves_the_invoice_partially_paid_then_the_rest_pays_it(api, admin, student):
    inv = PaymentFactory(student=student, amount=50_000_000)
    paid = []
    payment_paid.connect(lambda sender, **kw: paid.append(kw["payment"].pk), weak=False, dispatch_uid="parts")
    try:
        first = api(admin).post(f"/payments/{inv.pk}/confirm", {"method": "cash", "amount": 20_000_000})
        assert first.status_code == 200, first.content
        body = first.json()
        assert body["status"] == "partially_paid" and body["amount_paid"] == 20_000_000
        assert body["amount_due"] == 30_000_000 and paid == []
        assert body["records"][0]["method"] == "cash" and body["records"][0]["cashier"]["id"] == admin.pk
        assert body["records"][0]["receipt_number"]
        rest = (
            api(admin)
            .post(f"/payments/{inv.pk}/confirm", {"method": "card", "external_reference": "TERM-77"})
            .json()
        )
    finally:
        payment_paid.disconnect(dispatch_uid="parts")
    assert rest["status"] == "paid" and rest["amount_due"] == 0 and paid == [inv.pk]
    assert [(r["method"], r["amount"]) for r in rest["records"]] == [
        ("cash", 20_000_000),
        ("card", 30_000_000),
    ]
    assert [h["to_status"] for h in rest["history"]] == ["pending", "partially_paid", "paid"]


def test_overpayment_goes_to_the_balance_and_pays_the_next_invoice(api, admin, student, run_on_commit):
    inv = PaymentFactory(student=student, amount=10_000_000)
    nxt = PaymentFactory(student=student, amount=4_000_000)
    with run_on_commit():
        response = api(admin).post(f"/payments/{inv.pk}/confirm", {"method": "cash", "amount": 16_000_000})
    assert response.json()["status"] == "paid"
    nxt.refresh_from_db()
    assert nxt.status == Payment.Status.PAID and nxt.method == "balance"
    got = api(admin).get(f"/students/{student.pk}/balance").json()
    assert got["balance"] == 2_000_000
    assert [e["kind"] for e in got["entries"]] == ["overpayment", "applied"]
    assert sum(e["amount"] for e in got["entries"]) == got["balance"]


def test_a_prepayment_is_applied_to_open_invoices_oldest_due_first(api, admin, student):
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    later = PaymentFactory(student=student, amount=3_000_000, due_date=today + timedelta(days=20))
    sooner = PaymentFactory(student=student, amount=3_000_000, due_date=today + timedelta(days=5))
    response = api(admin).post(
        f"/students/{student.pk}/balance/deposits", {"method": "transfer", "amount": 4_000_000}
    )
    assert response.status_code == 201, response.content
    assert response.json()["payment_id"] is None and response.json()["receipt_number"]
    sooner.refresh_from_db()
    later.refresh_from_db()
    assert sooner.status == Payment.Status.PAID
    assert later.status == Payment.Status.PARTIALLY_PAID and later.amount_paid == 1_000_000
    assert balance.balance_of(student.pk) == 0


def test_a_new_invoice_takes_what_the_balance_holds(api, admin, student):
    api(admin).post(f"/students/{student.pk}/balance/deposits", {"method": "cash", "amount": 7_000_000})
    created = (
        api(admin)
        .post("/payments", {"student_id": student.pk, "amount": 5_000_000, "due_date": "2027-01-05"})
        .json()
    )
    assert created["status"] == "paid" and created["method"] == "balance"
    assert balance.balance_of(student.pk) == 2_000_000


def test_withdrawal_pays_the_balance_back_and_cannot_overdraw(api, admin, student):
    api(admin).post(f"/students/{student.pk}/balance/deposits", {"method": "cash", "amount": 1_000_000})
    over = api(admin).post(
        f"/students/{student.pk}/balance/withdrawals", {"method": "cash", "amount": 2_000_000, "note": "x"}
    )
    assert over.status_code == 409 and over.json()["code"] == "balance_insufficient"
    ok = api(admin).post(
        f"/students/{student.pk}/balance/withdrawals",
        {"method": "cash", "amount": 1_000_000, "note": "moving"},
    )
    assert ok.status_code == 201 and ok.json()["kind"] == "refund"
    assert balance.balance_of(student.pk) == 0


def test_cancelling_a_partly_paid_invoice_keeps_the_part_on_the_balance(api, admin, student, run_on_commit):
    inv = PaymentFactory(student=student, amount=9_000_000)
    api(admin).post(f"/payments/{inv.pk}/confirm", {"method": "cash", "amount": 3_000_000})
    with run_on_commit():
        assert api(admin).post(f"/payments/{inv.pk}/cancel", {"reason": "left"}).status_code == 200
    assert balance.balance_of(student.pk) == 3_000_000
    assert PaymentRecord.objects.filter(payment=inv, kind="refund", method="balance").count() == 1


def test_the_amount_of_a_partly_paid_invoice_stays_above_what_was_paid(api, admin, student):
    inv = PaymentFactory(student=student, amount=9_000_000)
    api(admin).post(f"/payments/{inv.pk}/confirm", {"method": "cash", "amount": 3_000_000})
    assert api(admin).patch(f"/payments/{inv.pk}", {"amount": 3_000_000}).status_code == 422
    assert api(admin).patch(f"/payments/{inv.pk}", {"amount": 8_000_000}).json()["amount_due"] == 5_000_000


def test_a_freeze_credit_is_idempotent_on_its_key(student):
    inv = PaymentFactory(student=student, amount=2_000_000)
    for _ in range(2):
        balance.balance_credit(student_id=student.pk, amount=5_000_000, key="freeze:17", note="freeze")
    assert BalanceEntry.objects.filter(kind="credit").count() == 1
    inv.refresh_from_db()
    assert inv.status == Payment.Status.PAID
    assert StudentBalance.objects.get(student=student).balance == 3_000_000


def test_unknown_fields_and_bad_amounts_are_422(api, admin, student):
    inv = PaymentFactory(student=student)
    assert api(admin).post(f"/payments/{inv.pk}/confirm", {"method": "cash", "tip": 1}).status_code == 422
    assert api(admin).post(f"/payments/{inv.pk}/confirm", {"method": "cash", "amount": 0}).status_code == 422
    deposit = api(admin).post(f"/students/{student.pk}/balance/deposits", {"method": "payme", "amount": 5})
    assert deposit.status_code == 422


def test_balance_visibility(api, admin, student, parent, teacher, outsider):
    url = f"/students/{student.pk}/balance"
    for user in (admin, student, parent):
        assert api(user).get(url).status_code == 200
    for user in (teacher, outsider):
        assert api(user).get(url).status_code == 404
    assert api().get(url).status_code == 401
    deposit = {"method": "cash", "amount": 100}
    assert api(parent).post(f"{url}/deposits", deposit).status_code == 403
    assert api(outsider).post(f"{url}/deposits", deposit).status_code == 404


def test_history_records_every_part(api, admin, student):
    inv = PaymentFactory(student=student, amount=9_000_000)
    for _ in range(3):
        api(admin).post(f"/payments/{inv.pk}/confirm", {"method": "cash", "amount": 3_000_000})
    statuses = list(PaymentHistory.objects.filter(payment=inv).values_list("to_status", flat=True))
    assert statuses == ["pending", "partially_paid", "partially_paid", "paid"]
    assert api(admin).post(f"/payments/{inv.pk}/confirm", {"method": "cash"}).status_code == 409


def test_debtors_count_partly_paid_overdue_invoices_and_show_the_balance(api, admin, student, outsider):
    from datetime import timedelta

    from django.utils import timezone

    past = timezone.localdate() - timedelta(days=3)
    inv = PaymentFactory(student=student, amount=10_000_000, due_date=past)
    api(admin).post(f"/payments/{inv.pk}/confirm", {"method": "cash", "amount": 4_000_000})
    PaymentFactory(student=outsider, amount=2_000_000, due_date=past, status=Payment.Status.OVERDUE)
    balance.balance_credit(student_id=outsider.pk, amount=500_000, key="goodwill:1", note="x")
    rows = api(admin).get("/payments/reports/debtors").json()["items"]
    mine = next(r for r in rows if r["student"]["id"] == student.pk)
    assert (mine["overdue_amount"], mine["overdue_invoices"], mine["balance"]) == (6_000_000, 1, 0)
    theirs = next(r for r in rows if r["student"]["id"] == outsider.pk)
    # the credit was applied to the overdue invoice at once: it now owes the rest
    assert theirs["overdue_amount"] == 1_500_000 and theirs["net_owed"] == 1_500_000
    by_net = api(admin).get("/payments/reports/debtors", {"by": "net_owed"}).json()["items"]
    assert [r["student"]["id"] for r in by_net] == [student.pk, outsider.pk]
