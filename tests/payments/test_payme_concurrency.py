"""Payme may call Perform (or Create) several times at once: the invoice is paid exactly once."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from modules.payments.models import Payment, PaymentHistory, PaymeTransaction
from modules.payments.payme.protocol import now_ms
from modules.payments.signals import payment_paid
from tests.factories.accounts import StudentFactory
from tests.factories.payments import PaymentFactory
from tests.payments.conftest import PaymeClient, payme_id

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]

THREADS = 12


def run_together(fn, count: int) -> list:
    barrier = threading.Barrier(count)
    results: list = [None] * count
    failures: list = []

    def worker(i: int) -> None:
        from django.db import connections

        try:
            barrier.wait(timeout=10)
            results[i] = fn()
        except Exception as exc:  # surfaced below: a thread's failure must fail the test
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not failures, failures
    return results


def test_concurrent_performs_pay_the_invoice_once(payme_settings):
    invoice = PaymentFactory(student=StudentFactory(), amount=7_700_000)
    tx_id = payme_id()
    client = PaymeClient()
    client.call(
        "CreateTransaction",
        {"id": tx_id, "time": now_ms(), "amount": invoice.amount, "account": {"payment_id": str(invoice.pk)}},
    )
    paid = []
    payment_paid.connect(lambda sender, **kw: paid.append(kw["payment"].pk), weak=False, dispatch_uid="conc")
    try:
        answers = run_together(
            lambda: PaymeClient().call("PerformTransaction", {"id": tx_id})["result"], THREADS
        )
    finally:
        payment_paid.disconnect(dispatch_uid="conc")
    assert all(a == answers[0] for a in answers), answers
    assert answers[0]["state"] == 2
    assert paid == [invoice.pk]
    assert PaymentHistory.objects.filter(payment=invoice, to_status="paid").count() == 1
    invoice.refresh_from_db()
    assert invoice.status == Payment.Status.PAID


def test_concurrent_creates_with_different_ids_leave_one_live_transaction(payme_settings):
    invoice = PaymentFactory(student=StudentFactory(), amount=3_000_000)

    def attempt():
        return PaymeClient().call(
            "CreateTransaction",
            {
                "id": payme_id(),
                "time": now_ms(),
                "amount": invoice.amount,
                "account": {"payment_id": str(invoice.pk)},
            },
        )

    bodies = run_together(attempt, THREADS)
    winners = [b for b in bodies if "result" in b]
    assert len(winners) == 1
    assert {b["error"]["code"] for b in bodies if "error" in b} == {-31008}
    assert PaymeTransaction.objects.filter(payment=invoice, state=1).count() == 1


def test_concurrent_repeats_of_one_create_answer_identically(payme_settings):
    invoice = PaymentFactory(student=StudentFactory(), amount=3_000_000)
    params = {
        "id": payme_id(),
        "time": now_ms(),
        "amount": invoice.amount,
        "account": {"payment_id": str(invoice.pk)},
    }
    bodies = run_together(lambda: PaymeClient().call("CreateTransaction", params), THREADS)
    assert all("result" in b for b in bodies), bodies
    assert len({(b["result"]["transaction"], b["result"]["create_time"]) for b in bodies}) == 1
    assert PaymeTransaction.objects.count() == 1
