from __future__ import annotations

import pytest
from django.test import Client

from modules.payments.models import Payment, PaymentHistory
from tests.factories.payments import PaymentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(admin):
    client = Client()
    client.force_login(admin)
    return client


def test_confirm_action_calls_the_service(admin_client, admin, student):
    invoice = PaymentFactory(student=student)
    paid = PaymentFactory(student=student, status="paid")
    response = admin_client.post(
        "/admin/payments/payment/",
        {"action": "confirm_cash", "_selected_action": [invoice.pk, paid.pk]},
        follow=True,
    )
    assert response.status_code == 200
    invoice.refresh_from_db()
    assert (invoice.status, invoice.method) == ("paid", "cash")
    row = PaymentHistory.objects.filter(payment=invoice).last()
    assert (row.to_status, row.actor_id, row.source) == ("paid", admin.pk, "admin")
    assert Payment.objects.get(pk=paid.pk).status == "paid"  # refused, reported, unchanged


@pytest.mark.parametrize(
    "url",
    ["/admin/payments/payment/", "/admin/payments/paymetransaction/", "/admin/payments/paymentschedule/"],
)
def test_admin_pages_render(admin_client, student, url):
    invoice = PaymentFactory(student=student)
    assert admin_client.get(url).status_code == 200
    assert admin_client.get(f"/admin/payments/payment/{invoice.pk}/change/").status_code == 200


def test_admin_creates_through_the_service(admin_client, admin, student):
    response = admin_client.post(
        "/admin/payments/payment/add/",
        {
            "student": student.pk,
            "amount": 123400,
            "currency": "UZS",
            "description": "desk",
            "due_date": "2026-06-01",
            "history-TOTAL_FORMS": 0,
            "history-INITIAL_FORMS": 0,
            "credits-TOTAL_FORMS": 0,
            "credits-INITIAL_FORMS": 0,
            "payme_transactions-TOTAL_FORMS": 0,
            "payme_transactions-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.content[:2000]
    invoice = Payment.objects.get(description="desk")
    assert invoice.created_by_id == admin.pk
    assert list(invoice.history.values_list("to_status", "source")) == [("pending", "admin")]
