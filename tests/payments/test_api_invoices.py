"""Invoice endpoints: who sees and does what, state rules, history, events, the Payme link."""

from __future__ import annotations

import base64
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from modules.payments.models import Payment, PaymentHistory, PaymeTransaction
from modules.payments.payme.protocol import now_ms
from tests.factories.accounts import StudentFactory
from tests.factories.payments import PaymentFactory, make_group, make_membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoice(student):
    return PaymentFactory(
        student=student, amount=45_000_000, due_date=timezone.localdate() + timedelta(days=5)
    )


@pytest.fixture
def other_invoice(outsider):
    return PaymentFactory(student=outsider)


@pytest.fixture
def people(admin, teacher, student, parent, outsider):
    return {"admin": admin, "teacher": teacher, "student": student, "parent": parent, "outsider": outsider}


@pytest.fixture
def published(monkeypatch):
    events = []
    monkeypatch.setattr(
        "modules.payments.events.publish_on_commit",
        lambda *, channel, type, data: events.append((channel, type, data.model_dump(mode="json"))),
    )
    return events


# --- visibility --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who,sees_own",
    [("admin", True), ("student", True), ("parent", True), ("teacher", False), ("outsider", False)],
)
def test_list_shows_only_entitled_invoices(api, people, invoice, other_invoice, who, sees_own):
    body = api(people[who]).get("/payments").json()
    ids = {item["id"] for item in body["items"]}
    assert (invoice.pk in ids) is sees_own
    if who == "admin":
        assert ids == {invoice.pk, other_invoice.pk}
    elif who == "outsider":
        assert ids == {other_invoice.pk}
    elif who != "teacher":
        assert ids == {invoice.pk}
    else:
        assert ids == set() and body["count"] == 0


@pytest.mark.parametrize(
    "who,status", [("admin", 200), ("student", 200), ("parent", 200), ("teacher", 404), ("outsider", 404)]
)
def test_detail_per_persona(api, people, invoice, who, status):
    response = api(people[who]).get(f"/payments/{invoice.pk}")
    assert response.status_code == status
    if status == 200:
        body = response.json()
        assert body["amount"] == 45_000_000 and body["currency"] == "UZS" and body["status"] == "pending"
        assert body["history"][0]["to_status"] == "pending" and body["history"][0]["from_status"] is None
    else:
        assert response.json()["code"] == "not_found"


def test_anonymous_gets_401(api, invoice):
    assert api().get("/payments").status_code == 401
    assert api().get(f"/payments/{invoice.pk}").status_code == 401
    assert api().post("/payments", {}).status_code == 401


def test_filters(api, admin, student, outsider):
    g = make_group()
    make_membership(student=student, group=g)
    a = PaymentFactory(
        student=student, group=g, period=date(2026, 3, 1), due_date=date(2026, 3, 5), description="March fee"
    )
    b = PaymentFactory(student=student, status="paid", due_date=date(2026, 4, 5))
    c = PaymentFactory(student=outsider, due_date=date(2026, 5, 5))
    client = api(admin)

    def ids(**params):
        return {i["id"] for i in client.get("/payments", params).json()["items"]}

    assert ids(status="paid") == {b.pk}
    assert ids(student=outsider.pk) == {c.pk}
    assert ids(group=g.pk) == {a.pk}
    assert ids(period="2026-03-17") == {a.pk}
    assert ids(due_from="2026-04-01", due_to="2026-04-30") == {b.pk}
    assert ids(search="march") == {a.pk}
    assert ids(search=outsider.last_name) == {c.pk}
    ordered = [i["id"] for i in client.get("/payments", {"ordering": "due_date"}).json()["items"]]
    assert ordered == [a.pk, b.pk, c.pk]
    assert client.get("/payments", {"status": "bogus"}).status_code == 422


def test_list_query_count_is_constant(api, admin, django_assert_max_num_queries):
    for _ in range(30):
        PaymentFactory(student=StudentFactory())
    client = api(admin)

    def count(limit):
        with CaptureQueriesContext(connection) as ctx:
            assert len(client.get("/payments", {"limit": limit}).json()["items"]) == limit
        return len(ctx.captured_queries)

    assert count(1) == count(30)


def test_detail_query_count_is_constant(api, admin, student):
    inv = PaymentFactory(student=student)
    client = api(admin)
    with CaptureQueriesContext(connection) as small:
        client.get(f"/payments/{inv.pk}")
    for i in range(10):
        PaymentHistory.objects.create(
            payment=inv, from_status="pending", to_status="pending", actor=admin, reason=str(i)
        )
    with CaptureQueriesContext(connection) as big:
        assert len(client.get(f"/payments/{inv.pk}").json()["history"]) == 11
    assert len(small.captured_queries) == len(big.captured_queries)


# --- create --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["teacher", "student", "parent", "outsider"])
def test_only_admins_create(api, people, student, who):
    response = api(people[who]).post(
        "/payments", {"student_id": student.pk, "amount": 100, "due_date": "2026-05-01"}
    )
    assert response.status_code == 403


def test_admin_creates_an_invoice(api, admin, student, run_on_commit):
    g = make_group()
    make_membership(student=student, group=g)
    response = api(admin).post(
        "/payments",
        {
            "student_id": student.pk,
            "amount": 30_000_000,
            "due_date": "2026-05-01",
            "group_id": g.pk,
            "description": "May",
            "period": "2026-05-20",
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["student"]["id"] == student.pk and body["group"] == {"id": g.pk, "name": g.name}
    assert (body["amount"], body["currency"], body["status"], body["due_date"], body["period"]) == (
        30_000_000,
        "UZS",
        "pending",
        "2026-05-01",
        "2026-05-01",
    )
    assert body["history"][0]["actor_id"] == admin.pk


@pytest.mark.parametrize(
    "payload,field",
    [
        ({"amount": 0}, "amount"),
        ({"amount": -5}, "amount"),
        ({"amount": 1.5}, "amount"),
        ({"due_date": "tomorrow"}, "due_date"),
        ({"student_id": 999999}, "student_id"),
        ({"group_id": 999999}, "group_id"),
    ],
)
def test_create_validation(api, admin, student, payload, field):
    body = {"student_id": student.pk, "amount": 100, "due_date": "2026-05-01", **payload}
    response = api(admin).post("/payments", body)
    assert response.status_code == 422
    assert any(field in err["loc"] for err in response.json()["detail"])


def test_invoice_must_name_a_student_and_their_group(api, admin, teacher, student):
    assert (
        api(admin)
        .post("/payments", {"student_id": teacher.pk, "amount": 100, "due_date": "2026-05-01"})
        .status_code
        == 422
    )
    g = make_group()
    response = api(admin).post(
        "/payments", {"student_id": student.pk, "amount": 100, "due_date": "2026-05-01", "group_id": g.pk}
    )
    assert response.status_code == 422


# --- confirm, cancel, refund ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "action,payload",
    [("confirm", {"method": "cash"}), ("cancel", {"reason": "x"}), ("refund", {"reason": "x"})],
)
@pytest.mark.parametrize(
    "who,status", [("teacher", 404), ("outsider", 404), ("student", 403), ("parent", 403)]
)
def test_state_actions_are_admin_only(api, people, invoice, action, payload, who, status):
    assert api(people[who]).post(f"/payments/{invoice.pk}/{action}", payload).status_code == status
    assert Payment.objects.get(pk=invoice.pk).status == "pending"


@pytest.mark.parametrize(
    "who,status", [("teacher", 404), ("outsider", 404), ("student", 403), ("parent", 403)]
)
def test_update_is_admin_only(api, people, invoice, who, status):
    assert api(people[who]).patch(f"/payments/{invoice.pk}", {"amount": 1}).status_code == status


def test_confirm_cash_marks_paid_with_history_signal_and_events(
    api, admin, student, invoice, published, run_on_commit
):
    from modules.payments.signals import payment_paid

    seen = []
    payment_paid.connect(lambda sender, **kw: seen.append(kw), weak=False, dispatch_uid="t-confirm")
    try:
        with run_on_commit():
            response = api(admin).post(
                f"/payments/{invoice.pk}/confirm",
                {"method": "cash", "external_reference": "R-17", "note": "at desk"},
            )
    finally:
        payment_paid.disconnect(dispatch_uid="t-confirm")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["method"], body["external_reference"]) == ("paid", "cash", "R-17")
    assert body["history"][-1] == {
        **body["history"][-1],
        "from_status": "pending",
        "to_status": "paid",
        "actor_id": admin.pk,
        "reason": "at desk",
        "source": "api",
    }
    assert len(seen) == 1 and seen[0]["on_time"] is True
    assert {(c, t) for c, t, _ in published} == {
        (f"user:{student.pk}", "payment.updated"),
        ("dashboard", "payment.updated"),
    }
    data = published[0][2]
    assert data["id"] == invoice.pk and data["status"] == "paid" and data["previous_status"] == "pending"
    # paying twice is a conflict
    assert api(admin).post(f"/payments/{invoice.pk}/confirm", {"method": "card"}).status_code == 409


def test_late_payment_is_not_on_time(api, admin, student):
    from modules.payments.signals import payment_paid

    inv = PaymentFactory(student=student, due_date=timezone.localdate() - timedelta(days=3), status="overdue")
    seen = []
    payment_paid.connect(lambda sender, **kw: seen.append(kw["on_time"]), weak=False, dispatch_uid="t-late")
    try:
        assert api(admin).post(f"/payments/{inv.pk}/confirm", {"method": "transfer"}).status_code == 200
    finally:
        payment_paid.disconnect(dispatch_uid="t-late")
    assert seen == [False]


def test_confirm_rejects_payme_and_future_times(api, admin, invoice):
    assert api(admin).post(f"/payments/{invoice.pk}/confirm", {"method": "payme"}).status_code == 422
    future = (timezone.now() + timedelta(days=1)).isoformat()
    assert (
        api(admin).post(f"/payments/{invoice.pk}/confirm", {"method": "cash", "paid_at": future}).status_code
        == 422
    )


def test_confirm_refused_while_payme_is_paying(api, admin, invoice):
    PaymeTransaction.objects.create(
        payme_id="a" * 24, payme_time=now_ms(), amount=invoice.amount, payment=invoice, create_time=now_ms()
    )
    response = api(admin).post(f"/payments/{invoice.pk}/confirm", {"method": "cash"})
    assert response.status_code == 409 and response.json()["code"] == "payme_in_progress"


def test_cancel_then_nothing_else(api, admin, invoice, published):
    response = api(admin).post(f"/payments/{invoice.pk}/cancel", {"reason": "duplicate"})
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert response.json()["history"][-1]["reason"] == "duplicate"
    assert api(admin).post(f"/payments/{invoice.pk}/confirm", {"method": "cash"}).status_code == 409
    assert api(admin).post(f"/payments/{invoice.pk}/refund", {"reason": "x"}).status_code == 409
    assert api(admin).post(f"/payments/{invoice.pk}/cancel", {}).status_code == 409


def test_refund_of_a_paid_invoice(api, admin, invoice):
    api(admin).post(f"/payments/{invoice.pk}/confirm", {"method": "card"})
    assert api(admin).post(f"/payments/{invoice.pk}/refund", {"reason": ""}).status_code == 422
    response = api(admin).post(f"/payments/{invoice.pk}/refund", {"reason": "left the course"})
    assert response.status_code == 200 and response.json()["status"] == "refunded"
    assert [h["to_status"] for h in response.json()["history"]] == ["pending", "paid", "refunded"]


def test_update_amount_and_due_date(api, admin, student):
    inv = PaymentFactory(student=student, status="overdue", due_date=timezone.localdate() - timedelta(days=2))
    new_due = (timezone.localdate() + timedelta(days=7)).isoformat()
    response = api(admin).patch(f"/payments/{inv.pk}", {"amount": 1_000_000, "due_date": new_due})
    assert response.status_code == 200
    body = response.json()
    assert (body["amount"], body["due_date"], body["status"]) == (1_000_000, new_due, "pending")
    assert (
        body["history"][-1]["from_status"] == "overdue" and body["history"][-1]["reason"] == "due date moved"
    )
    inv.refresh_from_db()
    Payment.objects.filter(pk=inv.pk).update(status="paid")
    assert api(admin).patch(f"/payments/{inv.pk}", {"amount": 5}).status_code == 409


def test_missing_invoice_is_404(api, admin):
    assert api(admin).get("/payments/987654").status_code == 404
    assert api(admin).post("/payments/987654/confirm", {"method": "cash"}).status_code == 404


# --- Payme link ------------------------------------------------------------------------------------------


def decode_link(url: str) -> dict:
    encoded = url.rsplit("/", 1)[1]
    return dict(part.split("=", 1) for part in base64.b64decode(encoded).decode().split(";"))


@pytest.mark.parametrize(
    "who,status", [("admin", 200), ("student", 200), ("parent", 200), ("teacher", 404), ("outsider", 404)]
)
def test_payme_link_per_persona(api, people, invoice, payme_settings, who, status):
    response = api(people[who]).post(f"/payments/{invoice.pk}/payme-link", {"language": "ru"})
    assert response.status_code == status
    if status == 200:
        body = response.json()
        assert body["url"].startswith("https://test.paycom.uz/")
        fields = decode_link(body["url"])
        assert fields == {
            "m": "5e730e8e0b852a417aa49ceb",
            "ac.payment_id": str(invoice.pk),
            "a": "45000000",
            "l": "ru",
            "c": f"http://localhost:3000/payments/{invoice.pk}",
        }


def test_payme_link_defaults_to_the_callers_language_and_takes_a_return_url(
    api, student, invoice, payme_settings
):
    student.language = "uz"
    student.save()
    body = (
        api(student)
        .post(f"/payments/{invoice.pk}/payme-link", {"return_url": "http://localhost:3000/thanks"})
        .json()
    )
    fields = decode_link(body["url"])
    assert fields["l"] == "uz" and fields["c"] == "http://localhost:3000/thanks"
    assert api(student).post(f"/payments/{invoice.pk}/payme-link", {}).status_code == 200
    evil = api(student).post(f"/payments/{invoice.pk}/payme-link", {"return_url": "https://evil.example/x"})
    assert evil.status_code == 422


def test_payme_link_refused_when_not_payable_or_not_configured(
    api, student, invoice, payme_settings, settings
):
    settings.PAYME_MERCHANT_ID = ""
    response = api(student).post(f"/payments/{invoice.pk}/payme-link", {})
    assert response.status_code == 409 and response.json()["code"] == "payme_not_configured"
    settings.PAYME_MERCHANT_ID = "m1"
    Payment.objects.filter(pk=invoice.pk).update(status="paid")
    response = api(student).post(f"/payments/{invoice.pk}/payme-link", {})
    assert response.status_code == 409 and response.json()["code"] == "payment_not_payable"
