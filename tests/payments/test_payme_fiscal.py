"""Payme fiscal data: `detail` in CheckPerformTransaction from the course or the env defaults, and
SetFiscalData shown on the invoice."""

from __future__ import annotations

import pytest

from modules.payments.fiscal_models import CourseFiscalProfile
from modules.payments.payme.protocol import now_ms
from tests.factories.payments import PaymentFactory, make_group, make_membership
from tests.payments.conftest import payme_id

pytestmark = pytest.mark.django_db


def check(payme, inv, amount=None):
    return payme.call(
        "CheckPerformTransaction",
        {"amount": amount or inv.amount_due, "account": {"payment_id": str(inv.pk)}},
    )["result"]


def test_no_ikpu_configured_means_no_detail(payme, invoice):
    assert check(payme, invoice) == {"allow": True}


def test_env_defaults_build_one_item_for_the_amount_due(payme, invoice, settings):
    settings.PAYME_IKPU_CODE, settings.PAYME_PACKAGE_CODE, settings.PAYME_VAT_PERCENT = (
        "10305008003000000",
        "1501503",
        12,
    )
    result = check(payme, invoice)
    assert result["allow"] is True
    assert result["detail"] == {
        "receipt_type": 0,
        "items": [
            {
                "title": invoice.description,
                "price": invoice.amount,
                "count": 1,
                "code": "10305008003000000",
                "package_code": "1501503",
                "vat_percent": 12,
            }
        ],
    }


def test_the_course_profile_wins_and_a_part_paid_invoice_sends_what_is_due(
    payme, student, settings, api, admin
):
    settings.PAYME_IKPU_CODE = "99999999999999999"
    group = make_group()
    make_membership(student=student, group=group)
    CourseFiscalProfile.objects.create(
        course=group.course,
        title="English lessons",
        ikpu_code="10999001001000000",
        package_code="77",
        vat_percent=0,
    )
    inv = PaymentFactory(student=student, group=group, amount=8_000_000)
    api(admin).post(f"/payments/{inv.pk}/confirm", {"method": "cash", "amount": 3_000_000})
    inv.refresh_from_db()
    item = check(payme, inv)["detail"]["items"][0]
    assert (item["title"], item["code"], item["package_code"], item["price"]) == (
        "English lessons",
        "10999001001000000",
        "77",
        5_000_000,
    )
    whole = payme.call(
        "CheckPerformTransaction", {"amount": inv.amount, "account": {"payment_id": str(inv.pk)}}
    )
    assert whole["error"]["code"] == -31001  # online gateways take exactly what is due


def test_set_fiscal_data_is_shown_on_the_invoice(payme, invoice, api, admin):
    tx = payme_id()
    account = {"payment_id": str(invoice.pk)}
    payme.call(
        "CreateTransaction", {"id": tx, "time": now_ms(), "amount": invoice.amount, "account": account}
    )
    payme.call("PerformTransaction", {"id": tx})
    fiscal = {
        "receipt_id": 3871182,
        "status_code": 0,
        "message": "accepted",
        "terminal_id": "EP000000000025",
        "fiscal_sign": "160101005001",
        "qr_code_url": "https://ofd.soliq.uz/epi?t=EP000000000025&r=3871182",
        "date": "20261201100000",
    }
    for _ in range(2):  # a repeat keeps answering success
        assert payme.call("SetFiscalData", {"id": tx, "type": "PERFORM", "fiscal_data": fiscal})[
            "result"
        ] == {"success": True}
    receipts = api(admin).get(f"/payments/{invoice.pk}").json()["fiscal_receipts"]
    assert receipts == [
        {
            "provider": "payme",
            "transaction": tx,
            "type": "PERFORM",
            **{k: str(v) for k, v in fiscal.items()},
        }
    ]
