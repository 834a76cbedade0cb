"""Transport rules (HTTP 200 always, JSON-RPC errors), the 12-hour timeout, repeats, one live
transaction per invoice and the optional source-address allowlist."""

from __future__ import annotations

import pytest

from modules.center.models import SystemSettings
from modules.payments.models import Payment, PaymeTransaction
from modules.payments.payme.protocol import TIMEOUT_MS, now_ms
from tests.factories.payments import PaymentFactory
from tests.payments.conftest import error_code, payme_id

pytestmark = pytest.mark.django_db


def create(payme, invoice, tx_id=None, time=None, amount=None):
    return payme.call(
        "CreateTransaction",
        {
            "id": tx_id or payme_id(),
            "time": now_ms() if time is None else time,
            "amount": invoice.amount if amount is None else amount,
            "account": {"payment_id": str(invoice.pk)},
        },
    )


def age(tx_id: str, ms: int) -> None:
    """Pretend the transaction was created `ms` ago."""
    PaymeTransaction.objects.filter(payme_id=tx_id).update(create_time=now_ms() - ms)


# --- transport ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("body", [b"{not json", b"", b"\xff\xfe", b"[1, 2"])
def test_body_that_is_not_json_is_32700_with_http_200(payme, body):
    response = payme.raw(body)
    assert response.status_code == 200
    assert response.json()["error"]["code"] == -32700
    assert response.json()["id"] is None


@pytest.mark.parametrize(
    "body",
    [
        [1, 2],
        '"a string"',
        {"params": {}, "id": 5},
        {"method": "CheckTransaction", "id": 5},
        {"method": "CheckTransaction", "params": [], "id": 5},
        {"method": 12, "params": {}, "id": 5},
    ],
)
def test_invalid_request_is_32600(payme, body):
    response = payme.raw(body)
    assert response.status_code == 200
    assert response.json()["error"]["code"] == -32600


@pytest.mark.parametrize(
    "method,params",
    [
        ("CheckPerformTransaction", {"amount": "100", "account": {"payment_id": "1"}}),
        ("CheckPerformTransaction", {"amount": 100, "account": "1"}),
        ("CreateTransaction", {"id": "x" * 25, "time": 1, "amount": 100, "account": {"payment_id": "1"}}),
        ("CreateTransaction", {"id": 12345, "time": 1, "amount": 100, "account": {"payment_id": "1"}}),
        ("CancelTransaction", {"id": "abc", "reason": 7}),
        ("CancelTransaction", {"id": "abc"}),
        ("GetStatement", {"from": "yesterday", "to": 1}),
        ("PerformTransaction", {"id": None}),
    ],
)
def test_wrong_param_types_are_32600(payme, method, params):
    assert error_code(payme.call(method, params)) == -32600


def test_unknown_method_is_32601_with_the_name_as_data(payme):
    body = payme.call("ChangePassword", {"password": "x"})
    assert body["error"]["code"] == -32601 and body["error"]["data"] == "ChangePassword"


@pytest.mark.parametrize("http_method", ["get", "put", "patch", "delete"])
def test_not_a_post_is_32300_with_http_200(payme, http_method):
    response = payme.raw({"method": "CheckTransaction", "params": {"id": "1"}, "id": 9}, method=http_method)
    assert response.status_code == 200
    body = response.json()
    assert body["error"]["code"] == -32300
    assert set(body["error"]["message"]) == {"ru", "uz", "en"}


def test_internal_failure_is_32400_with_http_200(payme, invoice, monkeypatch):
    from modules.payments.payme import service

    def boom(params):
        raise RuntimeError("database on fire")

    monkeypatch.setitem(service.METHODS, "CheckTransaction", boom)
    response = payme.raw({"method": "CheckTransaction", "params": {"id": "1"}, "id": 3})
    assert response.status_code == 200
    assert response.json() == {
        "error": {"code": -32400, "message": response.json()["error"]["message"], "data": None},
        "id": 3,
    }


def test_messages_are_localized_and_not_escaped(payme):
    response = payme.raw({"method": "CheckTransaction", "params": {"id": "nope"}, "id": 1})
    assert "Транзакция не найдена" in response.content.decode()
    assert response.json()["error"]["message"]["uz"] == "Tranzaksiya topilmadi."


def test_endpoint_is_not_throttled(payme, settings, invoice):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "user": "2/min"}
    for _ in range(5):
        assert "result" in payme.call(
            "CheckPerformTransaction", {"amount": invoice.amount, "account": {"payment_id": str(invoice.pk)}}
        )


# --- timeout and repeats -----------------------------------------------------------------------------


def test_create_with_time_older_than_12h_is_31008(payme, invoice):
    body = create(payme, invoice, time=now_ms() - TIMEOUT_MS - 1000)
    assert error_code(body) == -31008
    assert not PaymeTransaction.objects.exists()


def test_create_just_inside_the_timeout_is_accepted(payme, invoice):
    assert create(payme, invoice, time=now_ms() - TIMEOUT_MS + 60_000)["result"]["state"] == 1


def test_perform_after_timeout_cancels_with_reason_4(payme, invoice):
    tx_id = payme_id()
    create(payme, invoice, tx_id)
    age(tx_id, TIMEOUT_MS + 1)
    assert error_code(payme.call("PerformTransaction", {"id": tx_id})) == -31008
    tx = PaymeTransaction.objects.get(payme_id=tx_id)
    assert (tx.state, tx.reason) == (-1, 4) and tx.cancel_time > 0
    invoice.refresh_from_db()
    assert invoice.status == Payment.Status.PENDING
    check = payme.call("CheckTransaction", {"id": tx_id})["result"]
    assert check["state"] == -1 and check["reason"] == 4


def test_repeated_create_after_timeout_cancels_and_is_31008(payme, invoice):
    tx_id = payme_id()
    create(payme, invoice, tx_id)
    age(tx_id, TIMEOUT_MS + 1)
    assert error_code(create(payme, invoice, tx_id)) == -31008
    assert PaymeTransaction.objects.get(payme_id=tx_id).state == -1


def test_repeated_create_on_a_performed_transaction_is_31008(payme, invoice):
    tx_id = payme_id()
    create(payme, invoice, tx_id)
    payme.call("PerformTransaction", {"id": tx_id})
    assert error_code(create(payme, invoice, tx_id)) == -31008


def test_a_stale_live_transaction_does_not_block_a_new_one(payme, invoice):
    old = payme_id()
    create(payme, invoice, old)
    age(old, TIMEOUT_MS + 1)
    fresh = create(payme, invoice)
    assert fresh["result"]["state"] == 1
    assert PaymeTransaction.objects.get(payme_id=old).reason == 4


def test_new_transaction_for_a_paid_invoice_is_an_account_error(payme, invoice):
    tx_id = payme_id()
    create(payme, invoice, tx_id)
    payme.call("PerformTransaction", {"id": tx_id})
    body = create(payme, invoice)
    assert error_code(body) == -31051 and body["error"]["data"] == "payment_id"
    assert PaymeTransaction.objects.count() == 1
    invoice.refresh_from_db()
    assert invoice.status == Payment.Status.PAID


def test_check_perform_while_another_transaction_is_live_is_an_account_error(payme, invoice):
    create(payme, invoice)
    body = payme.call(
        "CheckPerformTransaction", {"amount": invoice.amount, "account": {"payment_id": str(invoice.pk)}}
    )
    assert error_code(body) == -31052


def test_perform_of_a_cancelled_invoice_is_31008(payme, invoice):
    tx_id = payme_id()
    create(payme, invoice, tx_id)
    Payment.objects.filter(pk=invoice.pk).update(status=Payment.Status.CANCELLED)
    assert error_code(payme.call("PerformTransaction", {"id": tx_id})) == -31008
    assert PaymeTransaction.objects.get(payme_id=tx_id).state == 1


@pytest.mark.parametrize("status", ["paid", "cancelled", "refunded"])
def test_invoices_that_are_not_payable_are_refused(payme, student, status):
    inv = PaymentFactory(student=student, status=status)
    body = payme.call(
        "CheckPerformTransaction", {"amount": inv.amount, "account": {"payment_id": str(inv.pk)}}
    )
    assert error_code(body) == -31051 and body["error"]["data"] == "payment_id"


def test_an_overdue_invoice_can_be_paid(payme, student):
    inv = PaymentFactory(student=student, status=Payment.Status.OVERDUE)
    tx_id = payme_id()
    create(payme, inv, tx_id)
    assert payme.call("PerformTransaction", {"id": tx_id})["result"]["state"] == 2
    inv.refresh_from_db()
    assert inv.status == Payment.Status.PAID


def test_numeric_account_id_is_accepted(payme, invoice):
    body = payme.call(
        "CheckPerformTransaction", {"amount": invoice.amount, "account": {"payment_id": invoice.pk}}
    )
    assert body["result"] == {"allow": True}


# --- source-address allowlist ------------------------------------------------------------------------


@pytest.fixture
def allowlist(db):
    SystemSettings.objects.update_or_create(pk=1, defaults={"payme_ip_allowlist_enabled": True})


def test_allowlist_refuses_other_addresses(payme, invoice, allowlist):
    body = payme.raw(
        {"method": "CheckTransaction", "params": {"id": "1"}, "id": 1}, REMOTE_ADDR="10.0.0.5"
    ).json()
    assert body["error"]["code"] == -32504


def test_allowlist_accepts_payme_addresses(payme, invoice, allowlist):
    for addr in ("185.234.113.1", "185.234.113.15"):
        body = payme.raw(
            {"method": "CheckTransaction", "params": {"id": "x"}, "id": 1}, REMOTE_ADDR=addr
        ).json()
        assert body["error"]["code"] == -31003
    body = payme.raw(
        {"method": "CheckTransaction", "params": {"id": "x"}, "id": 1}, REMOTE_ADDR="185.234.113.16"
    ).json()
    assert body["error"]["code"] == -32504


def test_allowlist_reads_the_trusted_proxy_header(payme, invoice, allowlist, settings):
    settings.NINJA_NUM_PROXIES = 1
    from ninja.conf import settings as ninja_settings

    old = ninja_settings.NUM_PROXIES
    ninja_settings.NUM_PROXIES = 1
    try:
        ok = payme.raw(
            {"method": "CheckTransaction", "params": {"id": "x"}, "id": 1},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="185.234.113.7",
        ).json()
        assert ok["error"]["code"] == -31003
        # a spoofed left-most address does not help: only the proxy's entry counts
        spoofed = payme.raw(
            {"method": "CheckTransaction", "params": {"id": "x"}, "id": 1},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="185.234.113.7, 203.0.113.9",
        ).json()
        assert spoofed["error"]["code"] == -32504
    finally:
        ninja_settings.NUM_PROXIES = old
