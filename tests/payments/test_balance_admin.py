"""The admin pages of the money ledgers open, and the ledgers cannot be edited there."""

from __future__ import annotations

import pytest
from django.test import Client

from modules.payments import balance

pytestmark = pytest.mark.django_db

PAGES = [
    "paymentrecord",
    "balanceentry",
    "studentbalance",
    "clicktransaction",
    "uzumtransaction",
    "coursefiscalprofile",
]


@pytest.fixture
def admin_client(admin):
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client = Client()
    client.force_login(admin)
    return client


@pytest.mark.parametrize("page", PAGES)
def test_pages_open(admin_client, page, student):
    balance.balance_credit(student_id=student.pk, amount=100, key="admin-test", note="x")
    assert admin_client.get(f"/admin/payments/{page}/").status_code == 200


def test_ledgers_are_read_only(admin_client):
    assert admin_client.get("/admin/payments/balanceentry/add/").status_code == 403
    assert admin_client.get("/admin/payments/coursefiscalprofile/add/").status_code == 200
