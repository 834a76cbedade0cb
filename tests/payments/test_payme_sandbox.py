"""Payme's sandbox sequence (docs/providers.md), step by step, as the sandbox sends it."""

from __future__ import annotations

import pytest

from modules.payments.models import Payment, PaymentHistory, PaymeTransaction
from modules.payments.payme.protocol import now_ms
from modules.payments.signals import payment_paid, payment_refunded
from tests.factories.payments import PaymentFactory
from tests.payments.conftest import error_code, payme_id

pytestmark = pytest.mark.django_db

METHODS = [
    ("CheckPerformTransaction", lambda inv: {"amount": inv.amount, "account": {"payment_id": str(inv.pk)}}),
    (
        "CreateTransaction",
        lambda inv: {
            "id": payme_id(),
            "time": now_ms(),
            "amount": inv.amount,
            "account": {"payment_id": str(inv.pk)},
        },
    ),
    ("PerformTransaction", lambda inv: {"id": payme_id()}),
    ("CancelTransaction", lambda inv: {"id": payme_id(), "reason": 1}),
    ("CheckTransaction", lambda inv: {"id": payme_id()}),
    ("GetStatement", lambda inv: {"from": 0, "to": now_ms()}),
    ("SetFiscalData", lambda inv: {"id": payme_id(), "type": "PERFORM", "fiscal_data": {}}),
    ("NoSuchMethod", lambda inv: {}),
]


@pytest.mark.parametrize("method,params", METHODS, ids=[m for m, _ in METHODS])
@pytest.mark.parametrize("key", [None, "wrong-key", ""], ids=["missing", "wrong", "empty"])
def test_wrong_auth_on_every_method_is_32504(payme, invoice, method, params, key):
    body = payme.call(method, params(invoice), key=key)
    assert error_code(body) == -32504
    assert set(body["error"]["message"]) == {"ru", "uz", "en"}
    assert "result" not in body
    assert not PaymeTransaction.objects.exists()


def test_wrong_login_is_refused(payme, invoice):
    import base64

    token = base64.b64encode(b"Merchant:test-payme-key-123").decode()
    response = payme.raw(
        {"method": "CheckTransaction", "params": {"id": payme_id()}, "id": 1},
        key=None,
        headers={"Authorization": f"Basic {token}"},
    )
    assert response.json()["error"]["code"] == -32504


def test_no_key_configured_refuses_everyone(payme, invoice, settings):
    settings.PAYME_KEY = ""
    body = payme.call("CheckTransaction", {"id": payme_id()}, key="")
    assert error_code(body) == -32504


@pytest.mark.parametrize("method", ["CheckPerformTransaction", "CreateTransaction"])
def test_wrong_amount_is_31001(payme, invoice, method):
    params = {"amount": invoice.amount + 100, "account": {"payment_id": str(invoice.pk)}}
    if method == "CreateTransaction":
        params.update(id=payme_id(), time=now_ms())
    body = payme.call(method, params)
    assert error_code(body) == -31001
    assert not PaymeTransaction.objects.exists()


@pytest.mark.parametrize("method", ["CheckPerformTransaction", "CreateTransaction"])
@pytest.mark.parametrize(
    "account", [{"payment_id": "999999"}, {"payment_id": "abc"}, {"other": "1"}, {"payment_id": None}]
)
def test_unknown_invoice_is_an_account_error(payme, invoice, method, account):
    params = {"amount": invoice.amount, "account": account}
    if method == "CreateTransaction":
        params.update(id=payme_id(), time=now_ms())
    body = payme.call(method, params)
    assert -31099 <= error_code(body) <= -31050
    assert body["error"]["data"] == "payment_id"
    assert body["error"]["message"]["uz"] and body["error"]["message"]["ru"]


def test_first_invoice_sequence_check_create_repeat_new_id_cancel_twice(payme, invoice):
    account = {"payment_id": str(invoice.pk)}
    assert payme.call("CheckPerformTransaction", {"amount": invoice.amount, "account": account})[
        "result"
    ] == {"allow": True}

    tx_id, t = payme_id(), now_ms()
    create = {"id": tx_id, "time": t, "amount": invoice.amount, "account": account}
    first = payme.call("CreateTransaction", create)["result"]
    assert first["state"] == 1 and isinstance(first["transaction"], str) and first["create_time"] > 0

    again = payme.call("CreateTransaction", create)["result"]
    assert again == first

    check = payme.call("CheckTransaction", {"id": tx_id})["result"]
    assert check == {
        "create_time": first["create_time"],
        "perform_time": 0,
        "cancel_time": 0,
        "transaction": first["transaction"],
        "state": 1,
        "reason": None,
    }

    other = payme.call("CreateTransaction", {**create, "id": payme_id()})
    assert error_code(other) == -31008
    assert PaymeTransaction.objects.count() == 1

    cancel = payme.call("CancelTransaction", {"id": tx_id, "reason": 3})["result"]
    assert (
        cancel["state"] == -1 and cancel["transaction"] == first["transaction"] and cancel["cancel_time"] > 0
    )
    assert payme.call("CancelTransaction", {"id": tx_id, "reason": 3})["result"] == cancel

    after = payme.call("CheckTransaction", {"id": tx_id})["result"]
    assert after["state"] == -1 and after["reason"] == 3 and after["cancel_time"] == cancel["cancel_time"]
    invoice.refresh_from_db()
    assert invoice.status == Payment.Status.PENDING  # cancelled before perform: still payable


def test_second_invoice_sequence_perform_twice_refund(payme, student, run_on_commit):
    invoice = PaymentFactory(student=student, amount=12_345_600)
    account = {"payment_id": str(invoice.pk)}
    paid, refunded = [], []
    payment_paid.connect(lambda sender, **kw: paid.append(kw), weak=False, dispatch_uid="t-paid")
    payment_refunded.connect(lambda sender, **kw: refunded.append(kw), weak=False, dispatch_uid="t-ref")
    try:
        assert "result" in payme.call(
            "CheckPerformTransaction", {"amount": invoice.amount, "account": account}
        )
        tx_id = payme_id()
        created = payme.call(
            "CreateTransaction", {"id": tx_id, "time": now_ms(), "amount": invoice.amount, "account": account}
        )["result"]

        perform = payme.call("PerformTransaction", {"id": tx_id})["result"]
        assert perform["state"] == 2 and perform["transaction"] == created["transaction"]
        assert perform["perform_time"] >= created["create_time"]
        assert payme.call("PerformTransaction", {"id": tx_id})["result"] == perform

        invoice.refresh_from_db()
        assert invoice.status == Payment.Status.PAID
        assert invoice.method == "payme" and invoice.external_reference == tx_id and invoice.paid_at
        assert len(paid) == 1 and paid[0]["payment"].pk == invoice.pk and paid[0]["on_time"] is True

        check = payme.call("CheckTransaction", {"id": tx_id})["result"]
        assert (
            check["state"] == 2
            and check["perform_time"] == perform["perform_time"]
            and check["cancel_time"] == 0
        )

        # a paid invoice is no longer payable
        again = payme.call("CheckPerformTransaction", {"amount": invoice.amount, "account": account})
        assert -31099 <= error_code(again) <= -31050

        cancel = payme.call("CancelTransaction", {"id": tx_id, "reason": 5})["result"]
        assert cancel["state"] == -2
        assert payme.call("CancelTransaction", {"id": tx_id, "reason": 5})["result"] == cancel
        final = payme.call("CheckTransaction", {"id": tx_id})["result"]
        assert final == {
            "create_time": created["create_time"],
            "perform_time": perform["perform_time"],
            "cancel_time": cancel["cancel_time"],
            "transaction": created["transaction"],
            "state": -2,
            "reason": 5,
        }
        invoice.refresh_from_db()
        assert invoice.status == Payment.Status.REFUNDED
        assert len(refunded) == 1
        steps = list(
            PaymentHistory.objects.filter(payment=invoice).values_list("from_status", "to_status", "source")
        )
        assert steps == [
            ("", "pending", "system"),
            ("pending", "paid", "payme"),
            ("paid", "refunded", "payme"),
        ]
        # performing a cancelled transaction is refused
        assert error_code(payme.call("PerformTransaction", {"id": tx_id})) == -31008
    finally:
        payment_paid.disconnect(dispatch_uid="t-paid")
        payment_refunded.disconnect(dispatch_uid="t-ref")


def test_unknown_transaction_is_31003(payme, invoice):
    for method, extra in [
        ("PerformTransaction", {}),
        ("CancelTransaction", {"reason": 1}),
        ("CheckTransaction", {}),
    ]:
        assert error_code(payme.call(method, {"id": payme_id(), **extra})) == -31003
    fiscal = payme.call("SetFiscalData", {"id": payme_id(), "type": "PERFORM", "fiscal_data": {"a": 1}})
    assert error_code(fiscal) == -31003


def test_get_statement_by_payme_time_ascending_with_created_only(payme, student):
    invoices = [PaymentFactory(student=student, amount=1_000_00 * (i + 1)) for i in range(3)]
    base = now_ms() - 10_000
    # created out of time order on purpose
    ids = {}
    for offset, inv in zip([300, 100, 200], invoices, strict=True):
        ids[offset] = payme_id()
        payme.call(
            "CreateTransaction",
            {
                "id": ids[offset],
                "time": base + offset,
                "amount": inv.amount,
                "account": {"payment_id": str(inv.pk)},
            },
        )
    # a failed Create (wrong amount) never appears
    payme.call(
        "CreateTransaction",
        {"id": payme_id(), "time": base + 150, "amount": 1, "account": {"payment_id": str(invoices[0].pk)}},
    )
    result = payme.call("GetStatement", {"from": base + 100, "to": base + 200})["result"]
    rows = result["transactions"]
    assert [r["id"] for r in rows] == [ids[100], ids[200]]
    row = rows[0]
    assert set(row) == {
        "id",
        "time",
        "amount",
        "account",
        "create_time",
        "perform_time",
        "cancel_time",
        "transaction",
        "state",
        "reason",
        "receivers",
    }
    assert (
        row["time"] == base + 100
        and row["account"] == {"payment_id": str(invoices[1].pk)}
        and row["state"] == 1
    )
    assert payme.call("GetStatement", {"from": base + 301, "to": base + 400})["result"] == {
        "transactions": []
    }


def test_set_fiscal_data_is_stored_by_type(payme, invoice):
    tx_id = payme_id()
    payme.call(
        "CreateTransaction",
        {"id": tx_id, "time": now_ms(), "amount": invoice.amount, "account": {"payment_id": str(invoice.pk)}},
    )
    payme.call("PerformTransaction", {"id": tx_id})
    fiscal = {"receipt_id": 1, "status_code": 0, "terminal_id": "EP000000000025"}
    assert payme.call("SetFiscalData", {"id": tx_id, "type": "PERFORM", "fiscal_data": fiscal})["result"] == {
        "success": True
    }
    assert PaymeTransaction.objects.get(payme_id=tx_id).fiscal_data == {"PERFORM": fiscal}
    bad = payme.call("SetFiscalData", {"id": tx_id, "type": "OTHER", "fiscal_data": fiscal})
    assert error_code(bad) == -32600
