"""Checkout links for Click and Uzum, and the gateway interface they share with Payme."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from modules.payments.gateways.base import GatewayRefused, Refusal
from modules.payments.gateways.registry import GATEWAYS
from modules.payments.models import Payment
from modules.payments.payme.protocol import now_ms
from tests.factories.payments import PaymentFactory
from tests.payments.conftest import payme_id
from tests.payments.gateway_clients import click_trans_id, uzum_trans_id

pytestmark = pytest.mark.django_db


def test_click_link_carries_the_invoice_and_the_amount_due_in_som(api, student, click_settings):
    inv = PaymentFactory(student=student, amount=12_345_600)
    body = api(student).post(f"/payments/{inv.pk}/click-link", {}).json()
    url = urlparse(body["url"])
    query = parse_qs(url.query)
    assert url.netloc == "my.click.uz" and query["transaction_param"] == [str(inv.pk)]
    assert query["amount"] == ["123456.00"] and query["service_id"] == [click_settings.CLICK_SERVICE_ID]
    assert body["amount"] == 12_345_600


def test_uzum_link_carries_the_account_and_tiyin(api, parent, student, uzum_settings):
    inv = PaymentFactory(student=student, amount=5_000_000)
    body = api(parent).post(f"/payments/{inv.pk}/uzum-link", {"language": "ru"}).json()
    query = parse_qs(urlparse(body["url"]).query)
    assert query["account"] == [str(inv.pk)] and query["amount"] == ["5000000"]
    assert query["serviceId"] == [uzum_settings.UZUM_SERVICE_ID]


def test_links_are_refused_when_disabled_not_payable_or_not_yours(api, student, outsider, teacher, settings):
    inv = PaymentFactory(student=student)
    settings.CLICK_SERVICE_ID = ""
    response = api(student).post(f"/payments/{inv.pk}/click-link", {})
    assert response.status_code == 409 and response.json()["code"] == "click_not_configured"
    assert api(outsider).post(f"/payments/{inv.pk}/uzum-link", {}).status_code == 404
    assert api(teacher).post(f"/payments/{inv.pk}/uzum-link", {}).status_code == 404
    settings.UZUM_SERVICE_ID, settings.UZUM_LOGIN, settings.UZUM_PASSWORD = "1", "l", "p"
    paid = PaymentFactory(student=student, status=Payment.Status.PAID)
    assert api(student).post(f"/payments/{paid.pk}/uzum-link", {}).json()["code"] == "payment_not_payable"
    bad = api(student).post(f"/payments/{inv.pk}/uzum-link", {"return_url": "https://evil.example/"})
    assert bad.status_code == 422


@pytest.mark.parametrize("name", ["payme", "click", "uzum"])
def test_every_gateway_runs_the_same_interface(name, payme_settings, click_settings, uzum_settings):
    gateway = GATEWAYS[name]
    assert gateway.is_configured()
    inv = PaymentFactory(amount=2_500_000)
    with pytest.raises(GatewayRefused) as refused:
        gateway.find_invoice("999999999")
    assert refused.value.refusal == Refusal.INVOICE_NOT_FOUND
    with pytest.raises(GatewayRefused):
        gateway.check_amount(inv, 1)
    external = {"payme": payme_id, "click": lambda: str(click_trans_id()), "uzum": uzum_trans_id}[name]()
    start = now_ms()
    gateway.create(external_id=external, account=inv.pk, amount=inv.amount, time_ms=start)
    gateway.perform(external_id=external)
    inv.refresh_from_db()
    assert inv.status == Payment.Status.PAID and inv.method == name
    rows = gateway.statement(from_ms=start - 60_000, to_ms=now_ms() + 60_000)
    assert [(r.external_id, r.payment_id, r.amount) for r in rows] == [(external, inv.pk, inv.amount)]
    gateway.cancel(external_id=external, reason=5)
    inv.refresh_from_db()
    assert inv.status == Payment.Status.REFUNDED
